//! JWTs a client signs with one of its registered keys (its `jwks`): the
//! algorithms careid accepts from clients, `Ed25519` as a name of EdDSA
//! (RFC 9864), and a key chosen by `kid` and by its type, so no token can
//! make careid verify with a key of the wrong kind.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use crate::clients::Client;

/// The `alg` values careid accepts in JWTs clients sign, as discovery lists them.
pub const ACCEPTED_ALGS: [&str; 5] = ["RS256", "PS256", "ES256", "EdDSA", "Ed25519"];

/// The longest JWT careid reads from a client.
pub const MAX_JWT_LEN: usize = 16 * 1024;

/// A JWT whose signature one of the client's keys verified; its claims not yet checked.
#[derive(Debug)]
pub struct SignedByClient {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

/// Verifies that `jwt` is a compact JWS signed by one of `client`'s keys with
/// an accepted algorithm; what is wrong otherwise, said for the client's developer.
pub fn verify(client: &Client, jwt: &str) -> Result<SignedByClient, String> {
    if jwt.len() > MAX_JWT_LEN {
        return Err(format!("it is longer than {MAX_JWT_LEN} bytes"));
    }
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header_part, claims_part, signature] = parts[..] else {
        if parts.len() == 5 {
            return Err("encrypted (JWE) request objects are not supported; sign it (JWS)".into());
        }
        return Err("it is not a compact JWS (three base64url parts)".into());
    };
    let header = json_object(header_part).ok_or("its header is not base64url-encoded JSON")?;
    let alg = header.get("alg").and_then(Value::as_str).ok_or("its header has no alg")?;
    let algorithm = algorithm(alg)?;
    if header.contains_key("crit") {
        return Err("its header names critical extensions (crit) careid does not understand".into());
    }
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.as_str()),
        Some(_) => return Err("its kid is not a string".into()),
    };
    let claims = json_object(claims_part).ok_or("its payload is not base64url-encoded JSON")?;
    let keys = client
        .jwks
        .as_ref()
        .and_then(|jwks| jwks.get("keys"))
        .and_then(Value::as_array)
        .filter(|keys| !keys.is_empty())
        .ok_or("the client has no registered keys (jwks)")?;
    let signing_input = &jwt[..header_part.len() + 1 + claims_part.len()];
    let candidates: Vec<DecodingKey> = keys
        .iter()
        .filter(|k| kid.is_none() || k.get("kid").and_then(Value::as_str) == kid)
        .filter_map(|k| usable_key(k, alg))
        .collect();
    if candidates.is_empty() {
        return Err(match kid {
            Some(kid) => format!("the client has no {alg} key {kid:?}"),
            None => format!("the client has no {alg} key"),
        });
    }
    let verifies = |key: &DecodingKey| {
        jsonwebtoken::crypto::verify(signature, signing_input.as_bytes(), key, algorithm).unwrap_or(false)
    };
    if !candidates.iter().any(verifies) {
        return Err(format!("its signature does not verify with the client's {alg} key"));
    }
    Ok(SignedByClient { header, claims })
}

fn algorithm(alg: &str) -> Result<Algorithm, String> {
    match alg {
        "RS256" => Ok(Algorithm::RS256),
        "PS256" => Ok(Algorithm::PS256),
        "ES256" => Ok(Algorithm::ES256),
        "EdDSA" | "Ed25519" => Ok(Algorithm::EdDSA),
        "none" => Err("it is unsigned (alg none), which careid refuses".into()),
        other => {
            Err(format!("algorithm {other:?} is not accepted (use one of {})", ACCEPTED_ALGS.join(", ")))
        }
    }
}

fn json_object(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The key of `jwk` when it can verify `alg`: a signing key of the right type
/// and size whose own `alg`, if any, names the same algorithm. Keys of other
/// shapes are skipped, never handed to the verifier (which expects, for one,
/// a 32-byte Ed25519 key).
fn usable_key(jwk: &Value, alg: &str) -> Option<DecodingKey> {
    if jwk.get("use").is_some_and(|u| u != "sig") {
        return None;
    }
    let eddsa = |a: &str| matches!(a, "EdDSA" | "Ed25519");
    if let Some(key_alg) = jwk.get("alg") {
        let key_alg = key_alg.as_str()?;
        if key_alg != alg && !(eddsa(key_alg) && eddsa(alg)) {
            return None;
        }
    }
    let parsed: Jwk = serde_json::from_value(jwk.clone()).ok()?;
    let length = |b64: &str| URL_SAFE_NO_PAD.decode(b64).ok().map(|bytes| bytes.len());
    let fits = match (&parsed.algorithm, alg) {
        (AlgorithmParameters::RSA(_), "RS256" | "PS256") => true,
        (AlgorithmParameters::EllipticCurve(p), "ES256") => {
            p.curve == EllipticCurve::P256 && length(&p.x) == Some(32) && length(&p.y) == Some(32)
        }
        (AlgorithmParameters::OctetKeyPair(p), a) if eddsa(a) => {
            p.curve == EllipticCurve::Ed25519 && length(&p.x) == Some(32)
        }
        _ => false,
    };
    if !fits {
        return None;
    }
    DecodingKey::from_jwk(&parsed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_signing_algorithms_careid_accepts() {
        assert_eq!(algorithm("Ed25519"), Ok(Algorithm::EdDSA));
        assert_eq!(algorithm("EdDSA"), Ok(Algorithm::EdDSA));
        assert!(algorithm("none").unwrap_err().contains("unsigned"));
        assert!(algorithm("HS256").unwrap_err().contains("not accepted"));
    }

    #[test]
    fn a_key_of_the_wrong_shape_is_never_used() {
        let short_ed = json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"});
        assert!(usable_key(&short_ed, "EdDSA").is_none());
        let ed = json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode([7u8; 32])});
        assert!(usable_key(&ed, "Ed25519").is_some());
        assert!(usable_key(&ed, "ES256").is_none());
        let for_encryption =
            json!({"kty": "OKP", "crv": "Ed25519", "use": "enc", "x": URL_SAFE_NO_PAD.encode([7u8; 32])});
        assert!(usable_key(&for_encryption, "EdDSA").is_none());
        let rsa_for_ps = json!({"kty": "RSA", "alg": "PS256", "n": "AQAB", "e": "AQAB"});
        assert!(usable_key(&rsa_for_ps, "RS256").is_none());
    }
}
