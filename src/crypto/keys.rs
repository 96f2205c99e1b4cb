//! Signing key material: generation, import from PEM, public JWKs and their thumbprints.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;

/// The JWS algorithms careid signs with; each has keys of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Alg {
    RS256,
    PS256,
    ES256,
    EdDSA,
}

impl Alg {
    pub const ALL: [Alg; 4] = [Alg::RS256, Alg::PS256, Alg::ES256, Alg::EdDSA];

    pub fn as_str(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::PS256 => "PS256",
            Alg::ES256 => "ES256",
            Alg::EdDSA => "EdDSA",
        }
    }

    pub fn parse(s: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.as_str() == s)
    }

    fn is_rsa(self) -> bool {
        matches!(self, Alg::RS256 | Alg::PS256)
    }
}

impl std::fmt::Display for Alg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A private key as PKCS#8 PEM plus its public JWK (without `kid`, `alg`, `use`).
#[derive(Clone)]
pub struct KeyMaterial {
    pub alg: Alg,
    pub private_pem: String,
    pub public_jwk: Value,
}

impl KeyMaterial {
    #[allow(
        clippy::expect_used,
        reason = "start-up and the CLI: generating and encoding a new key does not fail"
    )]
    pub fn generate(alg: Alg) -> KeyMaterial {
        let rng = ring::rand::SystemRandom::new();
        let private_pem = match alg {
            Alg::RS256 | Alg::PS256 => rsa::RsaPrivateKey::new(&mut rand::rng(), 2048)
                .expect("RSA key generation")
                .to_pkcs8_pem(LineEnding::LF)
                .expect("PKCS#8 encoding of an RSA key")
                .to_string(),
            Alg::ES256 => pkcs8_pem(
                ring::signature::EcdsaKeyPair::generate_pkcs8(
                    &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &rng,
                )
                .expect("P-256 key generation"),
            ),
            Alg::EdDSA => pkcs8_pem(
                ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).expect("Ed25519 key generation"),
            ),
        };
        KeyMaterial::from_pem(&private_pem, Some(alg)).expect("a freshly generated key parses")
    }

    /// Reads an RSA (PKCS#1 or PKCS#8), P-256 (SEC1 or PKCS#8) or Ed25519 (PKCS#8)
    /// private key. `alg` picks RS256 or PS256 for RSA keys (RS256 when `None`).
    pub fn from_pem(pem: &str, alg: Option<Alg>) -> Result<KeyMaterial, String> {
        if let Some(key) = rsa::RsaPrivateKey::from_pkcs8_pem(pem)
            .ok()
            .or_else(|| rsa::RsaPrivateKey::from_pkcs1_pem(pem).ok())
        {
            let alg = alg.unwrap_or(Alg::RS256);
            if !alg.is_rsa() {
                return Err(format!("this is an RSA key; it cannot sign {alg}"));
            }
            if key.size() * 8 < 2048 {
                return Err(format!("RSA keys need at least 2048 bits, this one has {}", key.size() * 8));
            }
            let public_jwk = json!({ "kty": "RSA", "n": b64(&key.n_bytes()), "e": b64(&key.e_bytes()) });
            let private_pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| e.to_string())?.to_string();
            return Ok(KeyMaterial { alg, private_pem, public_jwk });
        }
        if let Some(key) =
            p256::SecretKey::from_pkcs8_pem(pem).ok().or_else(|| p256::SecretKey::from_sec1_pem(pem).ok())
        {
            check_alg(alg, Alg::ES256)?;
            let point = p256::elliptic_curve::sec1::ToSec1Point::to_sec1_point(&key.public_key(), false);
            let (Some(x), Some(y)) = (point.x(), point.y()) else {
                return Err("P-256 public key has no coordinates".into());
            };
            let public_jwk = json!({"kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y)});
            let private_pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| e.to_string())?.to_string();
            return Ok(KeyMaterial { alg: Alg::ES256, private_pem, public_jwk });
        }
        let der = ::pem::parse(pem).ok().filter(|p| p.tag() == "PRIVATE KEY");
        if let Some(key) =
            der.and_then(|p| ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(p.contents()).ok())
        {
            check_alg(alg, Alg::EdDSA)?;
            let x = b64(ring::signature::KeyPair::public_key(&key).as_ref());
            let public_jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": x});
            return Ok(KeyMaterial { alg: Alg::EdDSA, private_pem: pem.to_string(), public_jwk });
        }
        Err("not a PEM private key careid can use (RSA ≥ 2048 bits, EC P-256 or Ed25519)".into())
    }

    /// RFC 7638 thumbprint of the public key, used as its `kid`.
    pub fn thumbprint(&self) -> String {
        jwk_thumbprint(&self.public_jwk)
    }
}

/// RFC 7638 SHA-256 thumbprint of a public JWK (RSA, EC or OKP): careid's
/// `kid`s and a DPoP key's `jkt` (RFC 9449 §6.1).
pub fn jwk_thumbprint(jwk: &Value) -> String {
    let members: &[&str] = match jwk["kty"].as_str() {
        Some("RSA") => &["e", "kty", "n"],
        Some("EC") => &["crv", "kty", "x", "y"],
        _ => &["crv", "kty", "x"],
    };
    // serde_json's map is ordered by key, which is the canonical order RFC 7638 asks for.
    let canonical: serde_json::Map<String, Value> =
        members.iter().map(|m| (m.to_string(), jwk[*m].clone())).collect();
    let digest = Sha256::digest(Value::Object(canonical).to_string().as_bytes());
    b64(&digest)
}

/// A PKCS#8 document as PEM (`PRIVATE KEY`).
fn pkcs8_pem(document: ring::pkcs8::Document) -> String {
    ::pem::encode_config(
        &::pem::Pem::new("PRIVATE KEY", document.as_ref()),
        ::pem::EncodeConfig::new().set_line_ending(::pem::LineEnding::LF),
    )
}

fn check_alg(wanted: Option<Alg>, actual: Alg) -> Result<(), String> {
    match wanted {
        Some(w) if w != actual => Err(format!("this key signs {actual}, not {w}")),
        _ => Ok(()),
    }
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_reparse_to_the_same_public_key() {
        for alg in [Alg::ES256, Alg::EdDSA, Alg::RS256] {
            let key = KeyMaterial::generate(alg);
            let again = KeyMaterial::from_pem(&key.private_pem, Some(alg)).unwrap();
            assert_eq!(key.public_jwk, again.public_jwk);
            assert_eq!(key.thumbprint(), again.thumbprint());
            assert_eq!(key.thumbprint().len(), 43);
        }
    }

    #[test]
    fn rfc7638_example_thumbprint() {
        // The example key of RFC 7638 section 3.1.
        let key = KeyMaterial {
            alg: Alg::RS256,
            private_pem: String::new(),
            public_jwk: json!({
                "kty": "RSA",
                "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
                "e": "AQAB",
            }),
        };
        assert_eq!(key.thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    #[test]
    fn import_rejects_garbage_and_mismatched_algs() {
        assert!(KeyMaterial::from_pem("not a key", None).is_err());
        let ec = KeyMaterial::generate(Alg::ES256);
        let err = KeyMaterial::from_pem(&ec.private_pem, Some(Alg::RS256)).err().unwrap();
        assert!(err.contains("signs ES256"), "{err}");
    }
}
