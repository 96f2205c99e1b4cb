//! Signing with careid's own keys through `ring` (assembly, an order of magnitude
//! faster than pure-Rust ECDSA): each key is parsed once, when the keyring loads.

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};
use serde::Serialize;

use super::keys::{Alg, b64};

enum KeyPair {
    Rsa(RsaKeyPair, &'static dyn signature::RsaEncoding),
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// A private key ready to sign compact JWS for its algorithm.
pub struct Signer {
    alg: Alg,
    pair: KeyPair,
    rng: SystemRandom,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    typ: Option<&'a str>,
    kid: &'a str,
}

impl Signer {
    /// Parses a PKCS#8 PEM private key (the form careid stores) for `alg`.
    pub fn from_pkcs8_pem(alg: Alg, private_pem: &[u8]) -> Result<Signer, String> {
        let pem = pem::parse(private_pem).map_err(|e| format!("not a PEM key: {e}"))?;
        let der = pem.contents();
        let rng = SystemRandom::new();
        let pair = match alg {
            Alg::RS256 => KeyPair::Rsa(rsa(der)?, &signature::RSA_PKCS1_SHA256),
            Alg::PS256 => KeyPair::Rsa(rsa(der)?, &signature::RSA_PSS_SHA256),
            Alg::ES256 => KeyPair::Ecdsa(
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, der, &rng)
                    .map_err(|e| format!("not a P-256 key: {e}"))?,
            ),
            Alg::EdDSA => KeyPair::Ed25519(
                Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                    .map_err(|e| format!("not an Ed25519 key: {e}"))?,
            ),
        };
        Ok(Signer { alg, pair, rng })
    }

    /// `claims` as a compact JWS with `kid` and, when given, `typ` in its header.
    pub fn sign_jws<T: Serialize>(&self, kid: &str, typ: Option<&str>, claims: &T) -> Result<String, String> {
        let header = Header { alg: self.alg.as_str(), typ, kid };
        let header = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
        let claims = serde_json::to_vec(claims).map_err(|e| e.to_string())?;
        let input = format!("{}.{}", b64(&header), b64(&claims));
        let signature = self.sign(input.as_bytes())?;
        Ok(format!("{input}.{}", b64(&signature)))
    }

    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        match &self.pair {
            KeyPair::Rsa(pair, encoding) => {
                let mut signature = vec![0; pair.public().modulus_len()];
                pair.sign(*encoding, &self.rng, message, &mut signature).map_err(|e| e.to_string())?;
                Ok(signature)
            }
            KeyPair::Ecdsa(pair) => {
                Ok(pair.sign(&self.rng, message).map_err(|e| e.to_string())?.as_ref().to_vec())
            }
            KeyPair::Ed25519(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }
}

fn rsa(der: &[u8]) -> Result<RsaKeyPair, String> {
    RsaKeyPair::from_pkcs8(der).map_err(|e| format!("not an RSA key: {e}"))
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Validation};
    use serde_json::{Value, json};

    use super::*;
    use crate::crypto::KeyMaterial;

    #[test]
    fn every_algorithm_signs_what_an_independent_verifier_accepts() {
        for alg in Alg::ALL {
            let key = KeyMaterial::generate(alg);
            let signer = Signer::from_pkcs8_pem(alg, key.private_pem.as_bytes()).unwrap();
            let token = signer.sign_jws("k1", Some("at+jwt"), &json!({ "sub": "s", "iss": "i" })).unwrap();
            let header = jsonwebtoken::decode_header(&token).unwrap();
            assert_eq!((header.kid.as_deref(), header.typ.as_deref()), (Some("k1"), Some("at+jwt")));
            let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.public_jwk.clone()).unwrap();
            let mut validation = Validation::new(alg.as_str().parse().unwrap());
            validation.required_spec_claims.clear();
            validation.validate_exp = false;
            let decoded =
                jsonwebtoken::decode::<Value>(&token, &DecodingKey::from_jwk(&jwk).unwrap(), &validation);
            assert_eq!(decoded.unwrap().claims["sub"], "s", "{alg}");
        }
    }

    #[test]
    fn a_header_without_typ_has_none() {
        let key = KeyMaterial::generate(Alg::ES256);
        let signer = Signer::from_pkcs8_pem(Alg::ES256, key.private_pem.as_bytes()).unwrap();
        let token = signer.sign_jws("k1", None, &json!({})).unwrap();
        assert_eq!(jsonwebtoken::decode_header(&token).unwrap().typ, None);
    }

    #[test]
    fn a_key_of_another_algorithm_is_refused() {
        let ec = KeyMaterial::generate(Alg::ES256);
        assert!(Signer::from_pkcs8_pem(Alg::RS256, ec.private_pem.as_bytes()).is_err());
        assert!(Signer::from_pkcs8_pem(Alg::EdDSA, b"garbage").is_err());
    }
}
