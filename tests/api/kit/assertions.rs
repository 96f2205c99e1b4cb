//! A confidential client that authenticates with private_key_jwt (RFC 7523),
//! and the client assertions relying-party libraries sign for it: any `alg`
//! name in the header (`Ed25519` included), any audience.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use careid::clock::Clock;
use careid::crypto::{Alg, KeyMaterial};
use jsonwebtoken::EncodingKey;
use serde_json::{Value, json};

use crate::kit::app::TestApp;

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The Lab: `client_credentials` for `careid:invite`, one key of its own.
pub struct KeyClient {
    pub id: &'static str,
    key: KeyMaterial,
    clock: Clock,
}

impl TestApp {
    /// Registers the Lab with one key of `alg` (kid `k1`) as its JWKS.
    pub async fn add_key_client(&self, alg: Alg) -> KeyClient {
        let key = KeyMaterial::generate(alg);
        let mut jwk = key.public_jwk.clone();
        jwk["kid"] = json!("k1");
        self.add_client(json!({
            "id": "lab", "name": "Lab", "auth_method": "private_key_jwt", "jwks": { "keys": [jwk] },
            "grant_types": ["client_credentials"], "allowed_scopes": ["careid:invite"]
        }))
        .await;
        KeyClient { id: "lab", key, clock: self.clock.clone() }
    }

    /// POSTs `form` to `path` with `assertion` as the client's credentials.
    pub async fn post_with_assertion(
        &self,
        path: &str,
        form: &[(&str, &str)],
        assertion: &str,
    ) -> (u16, Value) {
        let mut form = form.to_vec();
        form.extend([("client_assertion_type", JWT_BEARER), ("client_assertion", assertion)]);
        let response = self.post_form(path, &form, None).await;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        (status, if body.is_empty() { Value::Null } else { serde_json::from_str(&body).unwrap() })
    }
}

impl KeyClient {
    /// The name careid gives the algorithm of the client's key.
    pub fn alg(&self) -> &'static str {
        self.key.alg.as_str()
    }

    /// An assertion for `aud` (a string or an array) with the header naming
    /// `alg`, valid for a minute, with a fresh `jti`.
    pub fn assertion(&self, alg: &str, aud: Value) -> String {
        let now = self.clock.now();
        let claims = json!({
            "iss": self.id, "sub": self.id, "aud": aud, "iat": now, "exp": now + 60,
            "jti": uuid::Uuid::new_v4().to_string()
        });
        self.sign(&json!({ "alg": alg, "kid": "k1", "typ": "JWT" }), &claims)
    }

    /// `header` and `claims` signed with the client's key, whatever the header says.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        sign_with(&self.key, header, claims)
    }
}

/// `header` and `claims` signed with `key`, whatever the header says.
pub fn sign_with(key: &KeyMaterial, header: &Value, claims: &Value) -> String {
    let message = format!("{}.{}", b64_json(header), b64_json(claims));
    let pem = key.private_pem.as_bytes();
    let encoding = match key.alg {
        Alg::EdDSA => EncodingKey::from_ed_pem(pem),
        Alg::ES256 => EncodingKey::from_ec_pem(pem),
        Alg::RS256 | Alg::PS256 => EncodingKey::from_rsa_pem(pem),
    }
    .unwrap();
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &encoding, key.alg.as_str().parse().unwrap()).unwrap();
    format!("{message}.{signature}")
}

pub fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}
