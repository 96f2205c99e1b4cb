//! Repository tests for the durable store, run on SQLite and on PostgreSQL.

use careid::store::StoredKey;

use crate::kit::TestApp;

fn key(kid: &str, alg: &str, activates_at: i64) -> StoredKey {
    StoredKey {
        kid: kid.into(),
        alg: alg.into(),
        sealed_private_key: vec![1, 2, 3, 0, 255],
        public_jwk: "{}".into(),
        created_at: activates_at,
        activates_at,
        retires_at: None,
    }
}

#[tokio::test]
async fn the_initial_key_set_is_stored_only_once() {
    let app = TestApp::spawn().await;
    let store = &app.state.store;
    // The app already stored its set; another attempt must change nothing.
    let stored = store.insert_initial_keys(b"other check", &[key("extra", "ES256", 1)]).await.unwrap();
    assert!(!stored);
    assert!(!store.list_signing_keys().await.unwrap().iter().any(|k| k.kid == "extra"));
    assert_ne!(store.get_meta("kek_check").await.unwrap().as_deref(), Some(&b"other check"[..]));
}

#[tokio::test]
async fn rotation_retires_current_and_pending_keys_of_the_same_alg_only() {
    let app = TestApp::spawn().await;
    let store = &app.state.store;
    let before = store.list_signing_keys().await.unwrap();
    store.add_rotated_key(&key("next-es", "ES256", 5_000_000_000)).await.unwrap();
    let after = store.list_signing_keys().await.unwrap();
    for row in &after {
        match (row.kid.as_str(), row.alg.as_str()) {
            ("next-es", _) => {
                assert_eq!(row.retires_at, None);
                assert_eq!(row.sealed_private_key, vec![1, 2, 3, 0, 255], "binary survives the round trip");
            }
            (_, "ES256") => assert_eq!(row.retires_at, Some(5_000_000_000)),
            _ => assert_eq!(row.retires_at, None, "{} of another alg untouched", row.kid),
        }
    }
    assert_eq!(after.len(), before.len() + 1);
}

#[tokio::test]
async fn duplicate_kids_are_refused() {
    let app = TestApp::spawn().await;
    let store = &app.state.store;
    store.add_rotated_key(&key("dup", "EdDSA", 10)).await.unwrap();
    assert!(store.add_rotated_key(&key("dup", "EdDSA", 20)).await.is_err());
}

#[tokio::test]
async fn purge_deletes_only_keys_retired_before_the_cutoff() {
    let app = TestApp::spawn().await;
    let store = &app.state.store;
    store.add_rotated_key(&key("k1", "EdDSA", 100)).await.unwrap();
    store.add_rotated_key(&key("k2", "EdDSA", 200)).await.unwrap();
    // The initial EdDSA key now retires at 100, k1 at 200, k2 never.
    assert_eq!(store.purge_retired_keys(50).await.unwrap(), 0);
    assert_eq!(store.purge_retired_keys(150).await.unwrap(), 1);
    assert_eq!(store.purge_retired_keys(201).await.unwrap(), 1);
    let left: Vec<String> = store.list_signing_keys().await.unwrap().into_iter().map(|k| k.kid).collect();
    assert!(left.contains(&"k2".to_string()) && !left.contains(&"k1".to_string()));
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let app = TestApp::spawn().await;
    app.state.store.migrate().await.unwrap();
    app.state.store.migrate().await.unwrap();
    assert_eq!(app.state.store.list_signing_keys().await.unwrap().len(), 4);
}
