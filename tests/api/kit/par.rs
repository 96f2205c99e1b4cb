//! Pushed authorization requests and signed request objects as a client makes
//! them: `app.push_authorization(&PORTAL, &request)`, a client's own signing
//! key (`ClientKey::es256("k1").sign(&claims)`), and the URL that sends a
//! browser to `/authorize` with a `request_uri`.

use p256::elliptic_curve::Generate;
use std::sync::OnceLock;

use careid::crypto::keys::b64;
use careid::crypto::{Alg, KeyMaterial};
use jsonwebtoken::{Algorithm, EncodingKey};
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use serde_json::{Value, json};

use crate::kit::app::TestApp;
use crate::kit::oauth::{Authorize, Client, urlencoded};

/// Where a pushed request's `request_uri` starts (RFC 9126 §2.2).
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// A key a client signs request objects with; its public JWK goes in the client's `jwks`.
pub struct ClientKey {
    /// The `alg` its JWTs name (`Ed25519` and `EdDSA` name the same algorithm).
    pub alg: &'static str,
    pub kid: String,
    pub jwk: Value,
    key: EncodingKey,
    algorithm: Algorithm,
}

impl ClientKey {
    pub fn es256(kid: &str) -> ClientKey {
        let key = p256::ecdsa::SigningKey::generate_from_rng(&mut rand::rng());
        let point = key.verifying_key().to_sec1_point(false);
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "kid": kid, "use": "sig",
            "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())
        });
        let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap();
        let key = EncodingKey::from_ec_pem(pem.as_bytes()).unwrap();
        ClientKey { alg: "ES256", kid: kid.into(), jwk, key, algorithm: Algorithm::ES256 }
    }

    /// An Ed25519 key whose JWTs name their algorithm `alg`: `EdDSA` or `Ed25519` (RFC 9864).
    pub fn ed25519(kid: &str, alg: &'static str) -> ClientKey {
        let material = KeyMaterial::generate(Alg::EdDSA);
        let jwk = json!({ "kty": "OKP", "crv": "Ed25519", "kid": kid, "x": material.public_jwk["x"] });
        let key = EncodingKey::from_ed_pem(material.private_pem.as_bytes()).unwrap();
        ClientKey { alg, kid: kid.into(), jwk, key, algorithm: Algorithm::EdDSA }
    }

    /// An RSA key for `RS256` or `PS256` (one key for every test: generating one is slow).
    pub fn rsa(kid: &str, alg: &'static str) -> ClientKey {
        static RSA: OnceLock<KeyMaterial> = OnceLock::new();
        let material = RSA.get_or_init(|| KeyMaterial::generate(Alg::RS256));
        let mut jwk = material.public_jwk.clone();
        jwk["kid"] = json!(kid);
        let key = EncodingKey::from_rsa_pem(material.private_pem.as_bytes()).unwrap();
        let algorithm = if alg == "PS256" { Algorithm::PS256 } else { Algorithm::RS256 };
        ClientKey { alg, kid: kid.into(), jwk, key, algorithm }
    }

    /// A JWKS of these keys' public halves.
    pub fn jwks(keys: &[&ClientKey]) -> Value {
        json!({ "keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>() })
    }

    /// `claims` signed as a request object: `alg`, `kid` and `typ: oauth-authz-req+jwt`.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_with_header(
            &json!({ "alg": self.alg, "kid": self.kid, "typ": "oauth-authz-req+jwt" }),
            claims,
        )
    }

    /// `claims` signed under exactly `header` (which may lie about the alg).
    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        let encode = |v: &Value| b64(serde_json::to_string(v).unwrap().as_bytes());
        let input = format!("{}.{}", encode(header), encode(claims));
        let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &self.key, self.algorithm).unwrap();
        format!("{input}.{signature}")
    }
}

/// An unsigned JWT (`alg: none`) of `claims`.
pub fn unsigned(claims: &Value) -> String {
    let encode = |v: &Value| b64(serde_json::to_string(v).unwrap().as_bytes());
    format!("{}.{}.", encode(&json!({"alg": "none"})), encode(claims))
}

impl Authorize {
    /// The parameters as the claims of a request object.
    pub fn claims(&self) -> Value {
        let map: serde_json::Map<String, Value> =
            self.query().into_iter().map(|(n, v)| (n.to_string(), json!(v))).collect();
        Value::Object(map)
    }
}

impl TestApp {
    /// Registers the Portal (client_secret_basic, as always) with `keys` to sign request objects.
    pub async fn add_portal_with_keys(&self, keys: &[&ClientKey]) {
        self.add_portal(json!({ "auth_method": "client_secret_basic", "jwks": ClientKey::jwks(keys) })).await;
    }

    /// The claims of a request object carrying `request`: its parameters, and
    /// `iss`, `aud`, `iat`, `exp` (a minute ahead) and a fresh `jti`.
    pub fn request_object_claims(&self, client: &Client, request: &Authorize) -> Value {
        let mut claims = request.claims();
        let now = self.clock.now();
        claims["iss"] = json!(client.id);
        claims["aud"] = json!(self.base);
        claims["iat"] = json!(now);
        claims["exp"] = json!(now + 60);
        claims["jti"] = json!(uuid::Uuid::new_v4().to_string());
        claims
    }

    /// POSTs `form` to /par as `client` makes it: HTTP Basic for a
    /// confidential client, `client_id` in the form for a public one.
    pub async fn push_form(&self, client: &Client, form: &[(&str, &str)]) -> (u16, Value) {
        let mut form = form.to_vec();
        if client.secret.is_none() && !form.iter().any(|(n, _)| *n == "client_id") {
            form.push(("client_id", client.id));
        }
        let response = self.post_form("/par", &form, client.basic()).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// Pushes `request` as `client`; the status and the JSON answer.
    pub async fn push_authorization(&self, client: &Client, request: &Authorize) -> (u16, Value) {
        self.push_form(client, &request.query()).await
    }

    /// The `request_uri` of a push of `request` that must succeed.
    pub async fn request_uri(&self, client: &Client, request: &Authorize) -> String {
        let (status, body) = self.push_authorization(client, request).await;
        assert_eq!(status, 201, "{body}");
        body["request_uri"].as_str().unwrap().to_string()
    }

    /// `/authorize` with only `client`'s id and `request_uri` (RFC 9126 §4).
    pub fn authorize_pushed(&self, client: &Client, request_uri: &str) -> String {
        format!(
            "{}/authorize?{}",
            self.base,
            urlencoded(&[("client_id", client.id), ("request_uri", request_uri)])
        )
    }
}

/// The status and `error` code of the error page a visit ended on.
pub fn error_page(visit: crate::kit::Visit) -> (u16, String) {
    let (status, url, body) = visit.page();
    let code = body
        .split(r#"id="error-code">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no error code on the page at {url}: {body}"));
    (status.as_u16(), code.to_string())
}
