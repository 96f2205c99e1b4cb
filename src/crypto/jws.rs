//! JWTs that others sign for careid (client assertions now; DPoP proofs and
//! request objects too): which `alg` names are accepted, and a compact JWS
//! checked against a JWK of the key type its algorithm needs.
//!
//! Signatures are checked with `ring`, the same library careid signs with.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{self as ring_sig, RsaPublicKeyComponents, UnparsedPublicKey};
use serde_json::{Map, Value};

use super::keys::Alg;

/// Every `alg` accepted on a JWT others sign, in the order discovery lists
/// them: careid's own four, then `Ed25519` (RFC 9864), the fully-specified
/// name of EdDSA with an Ed25519 key. Libraries that take the first name they
/// support from the list (pyoidc) thus still find a familiar one first.
pub const ACCEPTED_ALGS: [&str; 5] = ["RS256", "PS256", "ES256", "EdDSA", "Ed25519"];

/// The algorithm an `alg` name stands for: one of careid's, with `Ed25519`
/// read as EdDSA (careid's EdDSA is always Ed25519). `none`, HMAC and anything
/// unknown are refused.
pub fn alg_from_name(name: &str) -> Result<Alg, JwsError> {
    match name {
        "Ed25519" => Ok(Alg::EdDSA),
        _ => Alg::parse(name).ok_or_else(|| JwsError::Alg(shown(name))),
    }
}

/// Why a JWT was not accepted; each reads after "…rejected: ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    #[error("it is not a compact JWS (three base64url parts separated by dots)")]
    NotCompact,
    #[error("its header {0}")]
    Header(&'static str),
    #[error("algorithm {0:?} is not accepted")]
    Alg(String),
    #[error("no key fits its alg and kid")]
    NoKey,
    #[error("the signature does not verify")]
    Signature,
    #[error("its payload is not a JSON object")]
    Payload,
}

/// A JWS header whose `alg` careid accepts.
#[derive(Debug, Clone)]
pub struct JwsHeader {
    pub alg: Alg,
    /// The name as sent: `EdDSA` and `Ed25519` are the same algorithm.
    pub alg_name: String,
    pub kid: Option<String>,
    pub typ: Option<String>,
    /// Every member, for what a caller checks itself (DPoP's `jwk`).
    pub members: Map<String, Value>,
}

/// A JWS whose signature verified: its header and its claims.
#[derive(Debug, Clone)]
pub struct Verified {
    pub header: JwsHeader,
    pub claims: Map<String, Value>,
}

/// A name as it may appear in a message: at most 40 characters.
fn shown(name: &str) -> String {
    name.chars().take(40).collect()
}

fn json_object(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The three parts of a compact JWS.
fn parts(jwt: &str) -> Result<[&str; 3], JwsError> {
    let mut split = jwt.split('.');
    match (split.next(), split.next(), split.next(), split.next()) {
        (Some(h), Some(p), Some(s), None) => Ok([h, p, s]),
        _ => Err(JwsError::NotCompact),
    }
}

/// The header of `jwt`, unverified: base64url JSON with an accepted `alg`
/// and no `crit` (careid understands no extension that would need it).
pub fn header(jwt: &str) -> Result<JwsHeader, JwsError> {
    let [encoded, _, _] = parts(jwt)?;
    let members = json_object(encoded).ok_or(JwsError::Header("is not base64url-encoded JSON"))?;
    let name = match members.get("alg") {
        Some(Value::String(name)) => name.clone(),
        Some(_) => return Err(JwsError::Header("has an alg that is not a string")),
        None => return Err(JwsError::Header("has no alg")),
    };
    let alg = alg_from_name(&name)?;
    if members.contains_key("crit") {
        return Err(JwsError::Header("names critical extensions (crit) careid does not support"));
    }
    let text = |member: &str| match members.get(member) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(JwsError::Header("has a kid or typ that is not a string")),
    };
    Ok(JwsHeader { alg, alg_name: name, kid: text("kid")?, typ: text("typ")?, members })
}

/// Verifies `jwt` with `jwk` alone, whatever `kid` its header names (a DPoP
/// proof carries its key in the header); `jwk` must fit the algorithm.
pub fn verify_with_key(jwt: &str, jwk: &Value) -> Result<Verified, JwsError> {
    let header = header(jwt)?;
    let key = public_key(header.alg, jwk).ok_or(JwsError::NoKey)?;
    check_signature(jwt, header, &[key])
}

/// Verifies `jwt` with the keys that fit its header: the one `kid` names (any
/// when it names none) whose key type, curve, `alg` and `use` suit the algorithm.
pub fn verify<'a>(jwt: &str, keys: impl IntoIterator<Item = &'a Value>) -> Result<Verified, JwsError> {
    let header = header(jwt)?;
    let fitting: Vec<PublicKey> = keys
        .into_iter()
        .filter(|jwk| header.kid.is_none() || jwk.get("kid").and_then(Value::as_str) == header.kid.as_deref())
        .filter_map(|jwk| public_key(header.alg, jwk))
        .collect();
    check_signature(jwt, header, &fitting)
}

/// The claims of `jwt` if one of `fitting` verifies its signature.
pub fn check_signature(jwt: &str, header: JwsHeader, fitting: &[PublicKey]) -> Result<Verified, JwsError> {
    let [h, p, signature] = parts(jwt)?;
    if signature.is_empty() {
        return Err(JwsError::Signature);
    }
    let message = &jwt[..h.len() + 1 + p.len()];
    if fitting.is_empty() {
        return Err(JwsError::NoKey);
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| JwsError::Signature)?;
    if !fitting.iter().any(|key| key.verifies(message.as_bytes(), &signature)) {
        return Err(JwsError::Signature);
    }
    let claims = json_object(p).ok_or(JwsError::Payload)?;
    Ok(Verified { header, claims })
}

/// A public key from a JWK, ready to check one algorithm's signatures.
pub enum PublicKey {
    Rsa {
        params: &'static ring_sig::RsaParameters,
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// A P-256 point (uncompressed) or an Ed25519 key.
    Raw {
        algorithm: &'static dyn ring_sig::VerificationAlgorithm,
        bytes: Vec<u8>,
    },
}

impl PublicKey {
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::Rsa { params, n, e } => {
                RsaPublicKeyComponents { n, e }.verify(params, message, signature).is_ok()
            }
            PublicKey::Raw { algorithm, bytes } => {
                UnparsedPublicKey::new(*algorithm, bytes).verify(message, signature).is_ok()
            }
        }
    }
}

/// A public JWK as a key for `alg`, if it is one: RSA of at least 2048 bits for
/// RS256 and PS256, P-256 for ES256, Ed25519 for EdDSA; a JWK that names
/// another `alg`, or a use other than signing, is not.
pub fn public_key(alg: Alg, jwk: &Value) -> Option<PublicKey> {
    let member = |name: &str| jwk.get(name).and_then(Value::as_str);
    if member("use").is_some_and(|u| u != "sig") {
        return None;
    }
    if let Some(ops) = jwk.get("key_ops")
        && !ops.as_array().is_some_and(|ops| ops.iter().any(|op| op == "verify"))
    {
        return None;
    }
    if let Some(name) = member("alg")
        && alg_from_name(name).ok() != Some(alg)
    {
        return None;
    }
    let bytes = |name: &str| member(name).and_then(|v| URL_SAFE_NO_PAD.decode(v).ok());
    match (alg, member("kty")?) {
        (Alg::RS256 | Alg::PS256, "RSA") => {
            let (n, e) = (bytes("n")?, bytes("e")?);
            if n.len() < 256 || e.is_empty() {
                return None;
            }
            let params = if alg == Alg::RS256 {
                &ring_sig::RSA_PKCS1_2048_8192_SHA256
            } else {
                &ring_sig::RSA_PSS_2048_8192_SHA256
            };
            Some(PublicKey::Rsa { params, n, e })
        }
        (Alg::ES256, "EC") if member("crv")? == "P-256" => {
            let (x, y) = (bytes("x")?, bytes("y")?);
            if x.len() != 32 || y.len() != 32 {
                return None;
            }
            let bytes = [&[0x04][..], &x, &y].concat();
            Some(PublicKey::Raw { algorithm: &ring_sig::ECDSA_P256_SHA256_FIXED, bytes })
        }
        (Alg::EdDSA, "OKP") if member("crv")? == "Ed25519" => {
            let bytes = bytes("x")?;
            (bytes.len() == 32).then_some(PublicKey::Raw { algorithm: &ring_sig::ED25519, bytes })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KeyMaterial;
    use serde_json::json;

    /// A compact JWS of `claims` under exactly `header`, signed by `key` (ring).
    fn sign(key: &KeyMaterial, header: Value, claims: Value) -> String {
        let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let message = format!("{}.{}", b64(&header), b64(&claims));
        let signer =
            crate::crypto::signer::Signer::from_pkcs8_pem(key.alg, key.private_pem.as_bytes()).unwrap();
        format!("{message}.{}", b64_bytes(&signer.sign(message.as_bytes()).unwrap()))
    }

    fn b64_bytes(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn ed25519_is_a_name_for_eddsa_and_nothing_else_is_added() {
        assert_eq!(alg_from_name("Ed25519"), Ok(Alg::EdDSA));
        assert_eq!(alg_from_name("EdDSA"), Ok(Alg::EdDSA));
        for name in ACCEPTED_ALGS {
            assert!(alg_from_name(name).is_ok(), "{name}");
        }
        for name in ["none", "HS256", "ES384", "Ed448", "ed25519", ""] {
            assert_eq!(alg_from_name(name), Err(JwsError::Alg(name.into())), "{name}");
        }
        assert_eq!(JwsError::Alg("HS256".into()).to_string(), r#"algorithm "HS256" is not accepted"#);
    }

    #[test]
    fn an_ed25519_named_jws_verifies_with_an_okp_key_only() {
        let key = KeyMaterial::generate(Alg::EdDSA);
        let claims = json!({ "iss": "lab" });
        for name in ["Ed25519", "EdDSA"] {
            let jwt = sign(&key, json!({ "alg": name, "kid": "k" }), claims.clone());
            let mut jwk = key.public_jwk.clone();
            jwk["kid"] = json!("k");
            let verified = verify(&jwt, [&jwk]).unwrap();
            assert_eq!((verified.header.alg, verified.header.alg_name.as_str()), (Alg::EdDSA, name));
            assert_eq!(verified.claims["iss"], "lab");
            // The same key declared for another algorithm, or for encryption, is not used.
            for (member, value) in [("alg", "ES256"), ("use", "enc")] {
                let mut other = jwk.clone();
                other[member] = json!(value);
                assert_eq!(verify(&jwt, [&other]).unwrap_err(), JwsError::NoKey, "{member}");
            }
        }
        let ec = KeyMaterial::generate(Alg::ES256);
        let jwt = sign(&key, json!({ "alg": "Ed25519" }), claims);
        assert_eq!(verify(&jwt, [&ec.public_jwk]).unwrap_err(), JwsError::NoKey);
    }

    #[test]
    fn every_algorithm_verifies_with_its_own_key_and_no_other() {
        for alg in Alg::ALL {
            let key = KeyMaterial::generate(alg);
            let other = KeyMaterial::generate(alg);
            let jwt = sign(&key, json!({ "alg": alg.as_str() }), json!({ "sub": "s" }));
            assert_eq!(verify(&jwt, [&key.public_jwk]).unwrap().claims["sub"], "s", "{alg}");
            assert_eq!(verify(&jwt, [&other.public_jwk]).unwrap_err(), JwsError::Signature, "{alg}");
        }
        // RS256 and PS256 share a key type, never a padding.
        let rsa = KeyMaterial::generate(Alg::RS256);
        let pss = sign(&KeyMaterial { alg: Alg::PS256, ..rsa.clone() }, json!({ "alg": "RS256" }), json!({}));
        assert_eq!(verify(&pss, [&rsa.public_jwk]).unwrap_err(), JwsError::Signature);
    }

    #[test]
    fn a_short_okp_key_is_no_key_rather_than_a_panic() {
        let key = KeyMaterial::generate(Alg::EdDSA);
        let jwt = sign(&key, json!({ "alg": "Ed25519" }), json!({}));
        let short = json!({ "kty": "OKP", "crv": "Ed25519", "x": "AAAA" });
        assert_eq!(verify(&jwt, [&short]).unwrap_err(), JwsError::NoKey);
    }

    #[test]
    fn a_wrong_signature_or_malformed_token_is_named() {
        let key = KeyMaterial::generate(Alg::ES256);
        let other = KeyMaterial::generate(Alg::ES256);
        let jwt = sign(&key, json!({ "alg": "ES256" }), json!({}));
        assert_eq!(verify(&jwt, [&other.public_jwk]).unwrap_err(), JwsError::Signature);
        assert!(verify(&jwt, [&other.public_jwk, &key.public_jwk]).is_ok());
        for bad in ["", "a.b", "a.b.c.d", "!!.e30.sig"] {
            assert!(verify(bad, [&key.public_jwk]).is_err(), "{bad}");
        }
        let b64 = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let unknown = format!("{}.{}.c2ln", b64(json!({ "alg": "HS256" })), b64(json!({})));
        assert_eq!(header(&unknown).unwrap_err(), JwsError::Alg("HS256".into()));
        let crit = format!("{}.e30.c2ln", b64(json!({ "alg": "ES256", "crit": ["b64"], "b64": false })));
        assert!(matches!(header(&crit).unwrap_err(), JwsError::Header(_)));
    }

    mod prop {
        use base64::Engine;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use proptest::prelude::*;

        use super::*;

        /// JWT-shaped input: three parts, the first often a JSON object.
        fn jwt_like() -> impl Strategy<Value = String> {
            let header = prop_oneof![
                "\\PC{0,60}".prop_map(|s| URL_SAFE_NO_PAD.encode(s)),
                ("[A-Za-z0-9]{0,8}", "\\PC{0,20}").prop_map(|(alg, kid)| {
                    URL_SAFE_NO_PAD.encode(serde_json::json!({"alg": alg, "kid": kid}).to_string())
                }),
                "[A-Za-z0-9_.=-]{0,40}",
            ];
            (header, "[A-Za-z0-9_=-]{0,40}", "[A-Za-z0-9_.=-]{0,80}")
                .prop_map(|(h, p, s)| format!("{h}.{p}.{s}"))
        }

        proptest! {
            #[test]
            fn prop_any_token_is_refused_without_panic(jwt in prop_oneof![jwt_like(), "\\PC{0,200}"]) {
                let _ = header(&jwt);
                let key = serde_json::json!({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"});
                prop_assert!(verify(&jwt, [&key]).is_err());
                prop_assert!(verify_with_key(&jwt, &key).is_err());
            }

            #[test]
            fn prop_alg_names_round_trip(name in "[A-Za-z0-9]{0,8}") {
                if let Ok(alg) = alg_from_name(&name) {
                    prop_assert_eq!(alg_from_name(alg.as_str()).ok(), Some(alg));
                }
                for alg in Alg::ALL {
                    prop_assert_eq!(Alg::parse(alg.as_str()), Some(alg));
                }
            }
        }
    }
}
