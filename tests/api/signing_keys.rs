//! Signing keys: persistence, sealing, rotation and retirement.

use careid::clock::Clock;
use careid::crypto::{Alg, KeyMaterial, KeyringError};
use careid::secret::Secret;
use careid::{Options, StartupError};
use serde_json::Value;

use crate::kit::TestApp;
use crate::kit::app::{shared_keys, test_config};

fn kids(jwks: &Value) -> Vec<String> {
    let mut kids: Vec<String> =
        jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap().to_string()).collect();
    kids.sort();
    kids
}

fn signing_kid(app: &TestApp, alg: Alg) -> String {
    let token = app.state.keyring.sign(alg, None, &serde_json::json!({"sub": "x"})).unwrap();
    jsonwebtoken::decode_header(&token).unwrap().kid.unwrap()
}

#[tokio::test]
async fn a_restart_keeps_the_same_keys_users_and_clients() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path()).await;
    let first = careid::build(config.clone(), Options::default()).await.unwrap();
    let before = first.state.keyring.jwks();
    assert_eq!(kids(&before).len(), 4);
    let spec: careid::clients::ClientSpec = serde_json::from_value(serde_json::json!({
        "id": "app", "name": "Care App", "public": true, "redirect_uris": ["com.example.app:/cb"]
    }))
    .unwrap();
    careid::clients::registry::save(&first.state.store, &first.state.secrets, spec, false, &[], 0)
        .await
        .unwrap();
    let new = careid::people::NewUser {
        email: careid::people::Email::parse("pat@example.com").unwrap(),
        name: "Pat".into(),
        given_name: None,
        family_name: None,
        role: careid::people::Role::Patient,
        deployment_id: "default".into(),
        password_hash: None,
        email_verified: false,
    };
    let user = first.state.store.insert_user(&new, 0).await.unwrap().unwrap();
    drop(first);
    let second = careid::build(config, Options::default()).await.unwrap();
    assert_eq!(second.state.keyring.jwks(), before);
    assert_eq!(
        second.state.store.client("app").await.unwrap().unwrap().redirect_uris,
        ["com.example.app:/cb"]
    );
    assert_eq!(second.state.store.user_by_email("pat@example.com").await.unwrap().unwrap().id, user.id);
}

#[tokio::test]
async fn private_keys_are_sealed_at_rest() {
    let app = TestApp::spawn().await;
    let rows = app.state.store.list_signing_keys().await.unwrap();
    assert_eq!(rows.len(), 4);
    for row in rows {
        let text = String::from_utf8_lossy(&row.sealed_private_key);
        assert!(!text.contains("PRIVATE KEY"), "key {} is stored in clear", row.kid);
        assert!(!row.public_jwk.contains("\"d\""), "public JWK of {} holds a private part", row.kid);
    }
}

#[tokio::test]
async fn a_wrong_key_encryption_key_fails_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path()).await;
    let first = careid::build(config.clone(), Options::default()).await.unwrap();
    let before = first.state.store.list_signing_keys().await.unwrap();
    drop(first);

    let mut wrong = config.clone();
    wrong.key_encryption_key = Some(Secret::new(base64_of([9u8; 32])));
    let err = careid::build(wrong, Options::default()).await.err().expect("refused");
    assert!(matches!(err, StartupError::Keys(KeyringError::WrongKek)), "{err}");
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("key-encryption key does not match"));

    let again = careid::build(config, Options::default()).await.unwrap();
    let after = again.state.store.list_signing_keys().await.unwrap();
    assert_eq!(
        before.iter().map(|k| (&k.kid, &k.sealed_private_key)).collect::<Vec<_>>(),
        after.iter().map(|k| (&k.kid, &k.sealed_private_key)).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn rotation_publishes_the_new_key_before_it_signs_and_keeps_the_old_one_published() {
    let app = TestApp::spawn().await;
    let keyring = &app.state.keyring;
    let old = signing_kid(&app, Alg::ES256);
    let new = keyring.add_next(&KeyMaterial::generate(Alg::ES256), false).await.unwrap();

    assert!(kids(&app.get_json("/jwks.json").await).contains(&new), "published at once");
    assert_eq!(signing_kid(&app, Alg::ES256), old, "old key signs during the publication delay");

    app.clock.advance(app.state.config.keys.publish_before_use_secs);
    assert_eq!(signing_kid(&app, Alg::ES256), new, "new key signs after the delay");
    let published = kids(&app.get_json("/jwks.json").await);
    assert!(published.contains(&old) && published.contains(&new), "retired key stays published");
    let states: Vec<(String, &str)> = keyring.list().into_iter().map(|k| (k.kid, k.state)).collect();
    assert!(states.contains(&(old.clone(), "retired")), "{states:?}");

    app.clock.advance(app.state.config.keys.retain_retired_secs + 1);
    assert!(!kids(&app.get_json("/jwks.json").await).contains(&old), "dropped after retention");
    assert_eq!(keyring.purge_expired().await.unwrap(), 1);
    assert!(!app.state.store.list_signing_keys().await.unwrap().iter().any(|k| k.kid == old));
}

#[tokio::test]
async fn emergency_rotation_signs_at_once() {
    let app = TestApp::spawn().await;
    let new = app.state.keyring.add_next(&KeyMaterial::generate(Alg::EdDSA), true).await.unwrap();
    assert_eq!(signing_kid(&app, Alg::EdDSA), new);
}

#[tokio::test]
async fn other_nodes_pick_up_a_rotation_on_reload() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path()).await;
    let clock = Clock::system();
    let options = || Options { clock: clock.clone(), initial_keys: Some(shared_keys()) };
    let node_a = careid::build(config.clone(), options()).await.unwrap();
    let node_b = careid::build(config, options()).await.unwrap();
    let new = node_a.state.keyring.add_next(&KeyMaterial::generate(Alg::ES256), true).await.unwrap();
    assert!(!kids(&node_b.state.keyring.jwks()).contains(&new));
    node_b.state.keyring.reload().await.unwrap();
    assert!(kids(&node_b.state.keyring.jwks()).contains(&new));
}

#[tokio::test]
async fn nodes_starting_together_on_one_store_keep_one_key_set() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path()).await;
    let starts = (0..4).map(|_| {
        let config = config.clone();
        tokio::spawn(async move { careid::build(config, Options::default()).await.unwrap() })
    });
    let mut nodes = Vec::new();
    for start in starts.collect::<Vec<_>>() {
        nodes.push(start.await.unwrap());
    }
    let first = nodes[0].state.keyring.jwks();
    assert_eq!(kids(&first).len(), 4);
    for node in &nodes {
        node.state.keyring.reload().await.unwrap();
        assert_eq!(node.state.keyring.jwks(), first);
    }
}

#[tokio::test]
async fn imported_keys_are_checked() {
    let app = TestApp::spawn().await;
    let rsa = KeyMaterial::generate(Alg::RS256);
    let imported = KeyMaterial::from_pem(&rsa.private_pem, Some(Alg::PS256)).unwrap();
    let kid = app.state.keyring.add_next(&imported, true).await.unwrap();
    assert_eq!(signing_kid(&app, Alg::PS256), kid);
    assert!(
        KeyMaterial::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", None).is_err()
    );
}

fn base64_of(bytes: [u8; 32]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
