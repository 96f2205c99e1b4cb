//! The documents that let the native apps use careid's passkeys (the same
//! relying-party id): Apple's `webcredentials` and Android's Digital Asset Links.

use serde_json::{Value, json};

use super::PasskeyConfig;

/// `apple-app-site-association`, or `None` when no iOS app is configured.
pub fn apple_app_site_association(config: &PasskeyConfig) -> Option<Value> {
    if config.apple_app_ids.is_empty() {
        return None;
    }
    Some(json!({ "webcredentials": { "apps": config.apple_app_ids } }))
}

/// `assetlinks.json`, or `None` when no Android app is configured.
pub fn asset_links(config: &PasskeyConfig) -> Option<Value> {
    if config.android_apps.is_empty() {
        return None;
    }
    let statements = config
        .android_apps
        .iter()
        .map(|app| {
            let fingerprints: Vec<String> =
                app.sha256_cert_fingerprints.iter().map(|f| f.trim().to_ascii_uppercase()).collect();
            json!({
                "relation": ["delegate_permission/common.get_login_creds"],
                "target": {
                    "namespace": "android_app",
                    "package_name": app.package_name.trim(),
                    "sha256_cert_fingerprints": fingerprints,
                },
            })
        })
        .collect();
    Some(Value::Array(statements))
}
