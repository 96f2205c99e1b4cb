//! A client's DPoP key (RFC 9449) and the proofs it signs: right ones, and
//! ones wrong in exactly one way, and the requests that carry them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use careid::clock::Clock;
use careid::crypto::{Alg, KeyMaterial};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::kit::app::TestApp;
use crate::kit::assertions::sign_with;
use crate::kit::oauth::{Authorize, Client};

/// A key held by a client, which signs its proofs.
pub struct DpopKey {
    key: KeyMaterial,
    /// The `alg` its proofs name (`Ed25519` and `EdDSA` name one algorithm).
    pub alg_name: &'static str,
    clock: Clock,
    base: String,
}

/// An answer: status, headers (`DPoP-Nonce`, `WWW-Authenticate`) and JSON body.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn error(&self) -> (u16, Option<&str>) {
        (self.status, self.body["error"].as_str())
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl TestApp {
    /// A new key of `alg` for a client's proofs to this careid.
    pub fn dpop_key(&self, alg: Alg) -> DpopKey {
        let alg_name = alg.as_str();
        DpopKey {
            key: KeyMaterial::generate(alg),
            alg_name,
            clock: self.clock.clone(),
            base: self.base.clone(),
        }
    }

    /// A token request of `client` with `proof` (if any) in the DPoP header.
    pub async fn token_request_with_proof(
        &self,
        client: &Client,
        form: &[(&str, &str)],
        proof: Option<&str>,
    ) -> Answer {
        let mut form = form.to_vec();
        if client.secret.is_none() {
            form.push(("client_id", client.id));
        }
        let mut request = self.client.post(self.url("/token")).form(&form);
        if let Some((id, secret)) = client.basic() {
            request = request.basic_auth(id, Some(secret));
        }
        if let Some(proof) = proof {
            request = request.header("DPoP", proof);
        }
        answer(request.send().await.unwrap()).await
    }

    /// Pushes `request` to /par as `client` with `proof` in the DPoP header.
    pub async fn push_with_proof(&self, client: &Client, request: &Authorize, proof: &str) -> Answer {
        let mut request = self.client.post(self.url("/par")).form(&request.query()).header("DPoP", proof);
        if let Some((id, secret)) = client.basic() {
            request = request.basic_auth(id, Some(secret));
        }
        answer(request.send().await.unwrap()).await
    }

    /// GET /userinfo with `Authorization: {scheme} {token}` and `proof` (if any).
    pub async fn userinfo_with(&self, scheme: &str, token: &str, proof: Option<&str>) -> Answer {
        let mut request =
            self.client.get(self.url("/userinfo")).header("Authorization", format!("{scheme} {token}"));
        if let Some(proof) = proof {
            request = request.header("DPoP", proof);
        }
        answer(request.send().await.unwrap()).await
    }
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
}

impl DpopKey {
    /// Signs with `alg_name` in the header instead (`Ed25519` for an EdDSA key).
    pub fn named(mut self, alg_name: &'static str) -> DpopKey {
        self.alg_name = alg_name;
        self
    }

    /// The RFC 7638 thumbprint tokens bound to this key carry (`cnf.jkt`).
    pub fn jkt(&self) -> String {
        self.key.thumbprint()
    }

    /// A proof for `method` on careid's `path`, made now, with a fresh jti.
    pub fn proof(&self, method: &str, path: &str) -> String {
        self.proof_with(method, path, |_, _| {})
    }

    /// The public JWK its proofs carry.
    pub fn public_jwk(&self) -> Value {
        self.key.public_jwk.clone()
    }

    /// A proof presenting `access_token` (`ath`).
    pub fn proof_for(&self, method: &str, path: &str, access_token: &str) -> String {
        self.proof_with(method, path, |_, claims| claims["ath"] = ath(access_token))
    }

    /// A proof for `method` on another server's `url` presenting `access_token`.
    pub fn proof_for_url(&self, method: &str, url: &str, access_token: &str) -> String {
        self.proof_with(method, "", |_, claims| {
            claims["htu"] = json!(url);
            claims["ath"] = ath(access_token);
        })
    }

    /// A proof carrying careid's `nonce`.
    pub fn proof_with_nonce(&self, method: &str, path: &str, nonce: &str) -> String {
        self.proof_with(method, path, |_, claims| claims["nonce"] = json!(nonce))
    }

    /// A proof for `method` on `path`, after `change` edits its header and claims.
    pub fn proof_with(
        &self,
        method: &str,
        path: &str,
        change: impl FnOnce(&mut Value, &mut Value),
    ) -> String {
        let mut header = json!({ "typ": "dpop+jwt", "alg": self.alg_name, "jwk": self.key.public_jwk });
        let mut claims = json!({
            "htm": method, "htu": format!("{}{path}", self.base), "iat": self.clock.now(),
            "jti": uuid::Uuid::new_v4().to_string()
        });
        change(&mut header, &mut claims);
        sign_with(&self.key, &header, &claims)
    }

    /// The private JWK members of this key, as a careless client might leak them.
    pub fn private_members(&self) -> Value {
        match self.key.alg {
            Alg::ES256 | Alg::EdDSA => json!({ "d": "AAAA" }),
            _ => json!({ "d": "AAAA", "p": "AAAA", "q": "AAAA" }),
        }
    }
}

/// `ath` of `access_token` (RFC 9449 §4.2): base64url of its SHA-256.
pub fn ath(access_token: &str) -> Value {
    json!(URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes())))
}
