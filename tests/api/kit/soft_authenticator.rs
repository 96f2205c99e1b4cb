//! A software passkey authenticator written against WebAuthn Level 3 (§6.1
//! authenticator data, §6.5 attestation "none", §6.3.3 assertions) and CTAP2's
//! CBOR, with ES256 keys: what a browser and a platform authenticator send,
//! with knobs to send what they never would (another origin or RP id, no user
//! verification, a counter that went back).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::Generate;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// One discoverable credential held by the authenticator.
#[derive(Clone)]
pub struct Credential {
    pub id: Vec<u8>,
    pub rp_id: String,
    pub user_handle: Vec<u8>,
    key: SigningKey,
    pub counter: u32,
}

pub struct SoftAuthenticator {
    pub credentials: Vec<Credential>,
    /// The origin the "browser" puts in clientDataJSON.
    pub origin: String,
    /// Overrides the RP id whose hash goes into the authenticator data.
    pub rp_id_override: Option<String>,
    /// Whether the authenticator reports user verification (biometrics, PIN).
    pub verifies_user: bool,
}

fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

fn unb64(value: &Value) -> Vec<u8> {
    B64.decode(value.as_str().unwrap_or_else(|| panic!("not base64url text: {value}"))).unwrap()
}

/// A CBOR item head (RFC 8949 §3): major type and argument.
fn head(major: u8, n: u64) -> Vec<u8> {
    let m = major << 5;
    match n {
        0..=23 => vec![m | n as u8],
        24..=0xff => vec![m | 24, n as u8],
        0x100..=0xffff => [vec![m | 25], (n as u16).to_be_bytes().to_vec()].concat(),
        _ => [vec![m | 26], (n as u32).to_be_bytes().to_vec()].concat(),
    }
}

fn cbor_int(n: i64) -> Vec<u8> {
    if n >= 0 { head(0, n as u64) } else { head(1, (-1 - n) as u64) }
}

fn cbor_bytes(b: &[u8]) -> Vec<u8> {
    [head(2, b.len() as u64), b.to_vec()].concat()
}

fn cbor_text(s: &str) -> Vec<u8> {
    [head(3, s.len() as u64), s.as_bytes().to_vec()].concat()
}

fn cbor_map(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut out = head(5, entries.len() as u64);
    for (k, v) in entries {
        out.extend_from_slice(k);
        out.extend_from_slice(v);
    }
    out
}

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const AT: u8 = 0x40;

impl SoftAuthenticator {
    pub fn new(origin: &str) -> SoftAuthenticator {
        SoftAuthenticator {
            credentials: Vec::new(),
            origin: origin.to_string(),
            rp_id_override: None,
            verifies_user: true,
        }
    }

    fn client_data(&self, kind: &str, challenge: &Value) -> Vec<u8> {
        let challenge = b64(&unb64(challenge));
        json!({ "type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }

    fn flags(&self) -> u8 {
        if self.verifies_user { UP | UV } else { UP }
    }

    /// Answers `navigator.credentials.create({ publicKey })`: a new ES256 credential.
    pub fn register(&mut self, public_key: &Value) -> Value {
        let rp_id =
            self.rp_id_override.clone().unwrap_or_else(|| public_key["rp"]["id"].as_str().unwrap().into());
        let key = SigningKey::generate_from_rng(&mut rand::rng());
        let id: Vec<u8> = (0..16).map(|_| rand::random::<u8>()).collect();
        let point = key.verifying_key().to_sec1_point(false);
        let cose_key = cbor_map(&[
            (cbor_int(1), cbor_int(2)),  // kty: EC2
            (cbor_int(3), cbor_int(-7)), // alg: ES256
            (cbor_int(-1), cbor_int(1)), // crv: P-256
            (cbor_int(-2), cbor_bytes(point.x().unwrap())),
            (cbor_int(-3), cbor_bytes(point.y().unwrap())),
        ]);
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(self.flags() | AT);
        auth_data.extend_from_slice(&0u32.to_be_bytes());
        auth_data.extend_from_slice(&[0u8; 16]); // AAGUID
        auth_data.extend_from_slice(&(id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&id);
        auth_data.extend_from_slice(&cose_key);
        let attestation = cbor_map(&[
            (cbor_text("fmt"), cbor_text("none")),
            (cbor_text("attStmt"), cbor_map(&[])),
            (cbor_text("authData"), cbor_bytes(&auth_data)),
        ]);
        let client_data = self.client_data("webauthn.create", &public_key["challenge"]);
        self.credentials.push(Credential {
            id: id.clone(),
            rp_id,
            user_handle: unb64(&public_key["user"]["id"]),
            key,
            counter: 0,
        });
        json!({
            "id": b64(&id), "rawId": b64(&id), "type": "public-key",
            "response": {
                "attestationObject": b64(&attestation),
                "clientDataJSON": b64(&client_data),
                "transports": ["internal"],
            },
            "extensions": {},
        })
    }

    /// Answers `navigator.credentials.get({ publicKey })` with the first credential
    /// allowed (any of this RP's when the list is empty, as for a discoverable sign-in).
    pub fn assert(&mut self, public_key: &Value) -> Value {
        let rp_id = public_key["rpId"].as_str().unwrap().to_string();
        let allowed: Vec<Vec<u8>> = public_key["allowCredentials"]
            .as_array()
            .map(|a| a.iter().map(|c| unb64(&c["id"])).collect())
            .unwrap_or_default();
        let index = self
            .credentials
            .iter()
            .position(|c| c.rp_id == rp_id && (allowed.is_empty() || allowed.contains(&c.id)))
            .expect("the authenticator holds a credential for this request");
        self.assert_with(index, public_key)
    }

    /// Answers with credential `index`, whatever the request allows.
    pub fn assert_with(&mut self, index: usize, public_key: &Value) -> Value {
        let flags = self.flags();
        let client_data = self.client_data("webauthn.get", &public_key["challenge"]);
        let credential = &mut self.credentials[index];
        credential.counter += 1;
        let rp_id = self.rp_id_override.clone().unwrap_or_else(|| credential.rp_id.clone());
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(flags);
        auth_data.extend_from_slice(&credential.counter.to_be_bytes());
        let signed = [auth_data.clone(), Sha256::digest(&client_data).to_vec()].concat();
        let signature: Signature = credential.key.sign(&signed);
        json!({
            "id": b64(&credential.id), "rawId": b64(&credential.id), "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(signature.to_der().as_bytes()),
                "userHandle": b64(&credential.user_handle),
            },
            "extensions": {},
        })
    }
}
