//! `[passkeys]`: the WebAuthn relying party (id, origins, name) and the native
//! apps that share its credentials, checked once at start.

use base64::Engine;
use serde::{Deserialize, Serialize};
use url::Url;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasskeyConfig {
    /// The relying-party id; unset: the issuer's host.
    pub rp_id: Option<String>,
    /// Web origins whose passkey calls are accepted; unset: the issuer's origin.
    /// When set it must include the issuer's origin, where careid's own pages run.
    #[serde(default, deserialize_with = "crate::serde_lists::comma_list")]
    pub origins: Vec<String>,
    /// The name authenticators show beside the account; unset: the relying-party id.
    pub rp_name: Option<String>,
    /// iOS apps (`TEAMID.bundle.id`) listed under `webcredentials` in
    /// `/.well-known/apple-app-site-association`.
    #[serde(default, deserialize_with = "crate::serde_lists::comma_list")]
    pub apple_app_ids: Vec<String>,
    /// Android apps listed in `/.well-known/assetlinks.json`; their signing
    /// certificates also become allowed origins (`android:apk-key-hash:…`).
    pub android_apps: Vec<AndroidApp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AndroidApp {
    pub package_name: String,
    /// SHA-256 fingerprints of the app's signing certificates, `AB:CD:…` (32 bytes).
    pub sha256_cert_fingerprints: Vec<String>,
}

/// The relying party as resolved from configuration and the issuer.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    pub id: String,
    pub name: String,
    pub origins: Vec<Url>,
}

impl PasskeyConfig {
    /// The relying party, or `None` when the issuer's host is an IP address and no
    /// `rp_id` is set (browsers refuse passkeys there); an error names the key to fix.
    pub fn relying_party(&self, issuer: &Url) -> Result<Option<RelyingParty>, String> {
        let issuer_origin = issuer.origin().ascii_serialization();
        let id = match (&self.rp_id, issuer.domain()) {
            (Some(id), _) => id.trim().to_ascii_lowercase(),
            (None, Some(host)) => host.to_ascii_lowercase(),
            (None, None) => return Ok(None),
        };
        let host = issuer.domain().unwrap_or_default();
        if id.is_empty() || !(host == id || host.ends_with(&format!(".{id}"))) {
            return Err(format!(
                "passkeys.rp_id: {id:?} must be the issuer's host ({}) or a domain it is under",
                issuer.host_str().unwrap_or_default()
            ));
        }
        let mut origins = Vec::new();
        for origin in &self.origins {
            origins.push(web_origin(origin, &id)?);
        }
        if origins.is_empty() {
            origins.push(web_origin(&issuer_origin, &id)?);
        } else if !origins.iter().any(|o| o.origin().ascii_serialization() == issuer_origin) {
            return Err(format!("passkeys.origins: must include the issuer's origin {issuer_origin}"));
        }
        for app in &self.android_apps {
            if app.package_name.trim().is_empty() || app.sha256_cert_fingerprints.is_empty() {
                return Err(
                    "passkeys.android_apps: each needs package_name and sha256_cert_fingerprints".into()
                );
            }
            for fingerprint in &app.sha256_cert_fingerprints {
                origins.push(android_origin(fingerprint)?);
            }
        }
        if let Some(bad) = self.apple_app_ids.iter().find(|a| !is_apple_app_id(a)) {
            return Err(format!("passkeys.apple_app_ids: {bad:?} is not TEAMID.bundle.id"));
        }
        let name = self.rp_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| id.clone());
        Ok(Some(RelyingParty { id, name, origins }))
    }
}

/// An https origin (http only for localhost) on the relying-party id or under it.
fn web_origin(value: &str, rp_id: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|_| format!("passkeys.origins: {value:?} is not a URL"))?;
    let host = url.domain().unwrap_or_default();
    let secure = url.scheme() == "https" || (url.scheme() == "http" && host == "localhost");
    let under = host == rp_id || host.ends_with(&format!(".{rp_id}"));
    if !secure || !under || url.path() != "/" || url.query().is_some() {
        return Err(format!(
            "passkeys.origins: {value:?} must be an https origin on {rp_id} or a subdomain of it"
        ));
    }
    Ok(url)
}

/// The origin an Android app's own passkey calls carry: its signing certificate's SHA-256.
fn android_origin(fingerprint: &str) -> Result<Url, String> {
    let bytes =
        hex::decode(fingerprint.replace(':', "")).ok().filter(|b| b.len() == 32).ok_or_else(|| {
            format!("passkeys.android_apps: {fingerprint:?} is not a SHA-256 fingerprint (AB:CD:… 32 bytes)")
        })?;
    let hash = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    Url::parse(&format!("android:apk-key-hash:{hash}"))
        .map_err(|e| format!("passkeys.android_apps: {fingerprint:?}: {e}"))
}

fn is_apple_app_id(value: &str) -> bool {
    let Some((team, bundle)) = value.split_once('.') else { return false };
    team.len() == 10
        && team.chars().all(|c| c.is_ascii_alphanumeric())
        && !bundle.is_empty()
        && bundle.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> Url {
        Url::parse("https://id.care.example").unwrap()
    }

    #[test]
    fn defaults_follow_the_issuer() {
        let rp = PasskeyConfig::default().relying_party(&issuer()).unwrap().unwrap();
        assert_eq!(rp.id, "id.care.example");
        assert_eq!(rp.origins, vec![Url::parse("https://id.care.example").unwrap()]);
    }

    #[test]
    fn an_ip_issuer_without_rp_id_has_no_passkeys() {
        let issuer = Url::parse("http://127.0.0.1:8080").unwrap();
        assert!(PasskeyConfig::default().relying_party(&issuer).unwrap().is_none());
    }

    #[test]
    fn a_parent_domain_is_allowed_but_not_another_one() {
        let parent = PasskeyConfig { rp_id: Some("care.example".into()), ..Default::default() };
        assert_eq!(parent.relying_party(&issuer()).unwrap().unwrap().id, "care.example");
        let other = PasskeyConfig { rp_id: Some("other.example".into()), ..Default::default() };
        let e = other.relying_party(&issuer()).unwrap_err();
        assert!(e.starts_with("passkeys.rp_id:"), "{e}");
    }

    #[test]
    fn origins_must_be_secure_under_the_rp_id_and_keep_the_issuer() {
        let bad = [
            vec!["https://id.care.example".to_string(), "http://app.care.example".to_string()],
            vec!["https://id.care.example".to_string(), "https://evil.example".to_string()],
            vec!["https://app.care.example".to_string()],
        ];
        for origins in bad {
            let config = PasskeyConfig { origins: origins.clone(), ..Default::default() };
            assert!(config.relying_party(&issuer()).is_err(), "{origins:?}");
        }
    }

    #[test]
    fn android_fingerprints_become_origins() {
        let fingerprint = vec!["AB".to_string(); 32].join(":");
        let config = PasskeyConfig {
            android_apps: vec![AndroidApp {
                package_name: "com.example.care".into(),
                sha256_cert_fingerprints: vec![fingerprint],
            }],
            ..Default::default()
        };
        let rp = config.relying_party(&issuer()).unwrap().unwrap();
        assert!(rp.origins[1].as_str().starts_with("android:apk-key-hash:q6ur"), "{:?}", rp.origins);
        let short = PasskeyConfig {
            android_apps: vec![AndroidApp {
                package_name: "x".into(),
                sha256_cert_fingerprints: vec!["AB".into()],
            }],
            ..Default::default()
        };
        assert!(short.relying_party(&issuer()).is_err());
    }
}
