//! conformance/: careid accepts the suite's clients as declared, and the plan
//! configurations name the same clients and secrets.

use std::path::{Path, PathBuf};

use careid::Options;
use careid::clients::AuthMethod;
use careid::config::Config;
use serde_json::Value;

use crate::kit::app::{shared_keys, test_config};

const SUITE: &str = "https://localhost.emobix.co.uk:8443/test/a/careid";

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

fn declared() -> Config {
    Config::load(Some(&conformance_dir().join("careid.toml"))).expect("conformance/careid.toml is valid")
}

fn plan(name: &str) -> Value {
    let path = conformance_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

#[tokio::test]
async fn the_conformance_clients_register_with_their_auth_methods_and_uris() {
    let dir = tempfile::tempdir().unwrap();
    let storage = test_config(dir.path()).await;
    // Everything from the file except where this test keeps its data.
    let config = Config {
        data_dir: storage.data_dir,
        keys_dir: storage.keys_dir,
        database_url: storage.database_url,
        redis_url: storage.redis_url,
        redis_cluster: storage.redis_cluster,
        redis_prefix: storage.redis_prefix,
        ..declared()
    };
    let options = Options { initial_keys: Some(shared_keys()), ..Options::default() };
    let careid = careid::build(config, options).await.expect("careid starts with conformance/careid.toml");
    let state = &careid.state;

    for (id, method) in [
        ("client", AuthMethod::ClientSecretBasic),
        ("client_secret_post", AuthMethod::ClientSecretPost),
        ("client2", AuthMethod::ClientSecretBasic),
    ] {
        let client = state.store.client(id).await.unwrap().unwrap_or_else(|| panic!("client {id} exists"));
        assert_eq!(client.auth_method, method, "{id}");
        assert_eq!(client.redirect_uris, [format!("{SUITE}/callback")], "{id}");
        assert_eq!(client.post_logout_redirect_uris, [format!("{SUITE}/post_logout_redirect")], "{id}");
        assert!(client.first_party, "{id} must not stop at a consent page");
        assert!(client.allows_grant("refresh_token"), "{id}");
        for scope in ["openid", "profile", "email", "phone", "offline_access"] {
            assert!(client.allowed_scopes.iter().any(|s| s == scope), "{id} lacks {scope}");
        }
    }
    let client = state.store.client("client").await.unwrap().unwrap();
    assert_eq!(
        client.backchannel_logout_uri.as_deref(),
        Some(format!("{SUITE}/backchannel_logout").as_str())
    );
    let suite_address: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    let allowed = &state.config.outbound_allowed_networks;
    assert!(allowed.iter().any(|n| n.contains(&suite_address)), "the suite's nginx is on loopback");
}

#[test]
fn every_plan_configuration_uses_the_declared_clients_and_secrets() {
    let config = declared();
    let secret_of = |id: &str| {
        let spec = config.clients.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("{id} is declared"));
        spec.secret.as_ref().expect("declared with a secret").expose().to_string()
    };
    let discovery = format!("{}/.well-known/openid-configuration", config.issuer_str());
    for name in ["basic.json", "config.json", "rp-initiated-logout.json", "backchannel-logout.json"] {
        let plan = plan(name);
        assert_eq!(plan["alias"], "careid", "{name}: the alias is in every registered URI");
        assert_eq!(plan["server"]["discoveryUrl"], discovery.as_str(), "{name}");
        for section in ["client", "client_secret_post", "client2"] {
            if plan[section].is_null() {
                continue;
            }
            let id = plan[section]["client_id"].as_str().unwrap_or_else(|| panic!("{name}: {section}"));
            assert_eq!(plan[section]["client_secret"], secret_of(id).as_str(), "{name}: {section}");
        }
    }
    for name in ["basic-skips.json", "basic-failures.json"] {
        assert!(plan(name).is_array(), "{name} is a list for run-test-plan.py");
    }
}
