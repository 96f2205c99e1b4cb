//! DPoP (RFC 9449): a client proves, with each request, that it holds the
//! private key its tokens are bound to. [`check`] is the one place a proof
//! (the `DPoP` header) is read: a compact JWS of type `dpop+jwt` signed by
//! the public key it carries, for this method and URL, made just now, used
//! once across every node, with careid's nonce where `[dpop] require_nonce`
//! asks for one, and hashing the access token it comes with (`ath`).

pub mod config;
mod nonce;

use axum::http::HeaderMap;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use nonce::Nonces;

use super::error::{ErrorCode, OAuthError};
use crate::AppState;
use crate::crypto::jws;
use crate::crypto::keys::{b64, jwk_thumbprint};
use crate::ephemeral::records;

/// The request header a proof travels in.
pub const HEADER: &str = "dpop";
/// The longest proof read: an RSA key of 4096 bits and the claims fit well within.
const MAX_PROOF_BYTES: usize = 8 * 1024;
const MAX_JTI_CHARS: usize = 256;
/// How old a proof may be; its `jti` is remembered that long.
const MAX_AGE_SECS: i64 = 60;
/// How far ahead of careid's clock a client's may run.
const FUTURE_SKEW_SECS: i64 = 10;
/// Members only a private JWK has (RFC 7517, RFC 7518 §6): a proof carrying
/// one has leaked its key and is refused.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// A proof that held: the RFC 7638 thumbprint of its key, what tokens are bound to (`jkt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub jkt: String,
}

/// What a proof must be for.
pub struct Expected<'a> {
    /// `htm`: the HTTP method of the request.
    pub method: &'a str,
    /// `htu`: careid's URL of the endpoint (issuer-based, so proxies do not matter).
    pub url: String,
    /// The access token the request presents, whose hash `ath` must be.
    pub access_token: Option<&'a str>,
}

/// The proof in `headers`, checked against `expected`; `None` when the request
/// sends none. Errors are `invalid_dpop_proof`, or `use_dpop_nonce` with a
/// fresh nonce; a resource endpoint adds its challenge.
pub async fn check(
    state: &AppState,
    headers: &HeaderMap,
    expected: &Expected<'_>,
) -> Result<Option<Proof>, OAuthError> {
    let mut values = headers.get_all(HEADER).iter();
    let Some(value) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(invalid("send exactly one DPoP header"));
    }
    let proof = value.to_str().map_err(|_| invalid("the DPoP header is not text"))?;
    if proof.len() > MAX_PROOF_BYTES {
        return Err(invalid(format!("the DPoP proof is longer than {MAX_PROOF_BYTES} bytes")));
    }
    let header = jws::header(proof).map_err(|e| invalid(format!("the DPoP proof was rejected: {e}")))?;
    if !header.typ.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("dpop+jwt")) {
        return Err(invalid("the DPoP proof's typ must be dpop+jwt"));
    }
    let jwk = match header.members.get("jwk") {
        Some(jwk @ Value::Object(members)) if !PRIVATE_MEMBERS.iter().any(|m| members.contains_key(*m)) => {
            jwk
        }
        Some(Value::Object(_)) => return Err(invalid("the DPoP proof's jwk is a private key")),
        _ => return Err(invalid("the DPoP proof carries no jwk")),
    };
    let verified = jws::verify_with_key(proof, jwk).map_err(|e| match e {
        jws::JwsError::NoKey => invalid("the DPoP proof's jwk is not a public key for its alg"),
        other => invalid(format!("the DPoP proof was rejected: {other}")),
    })?;
    let claims = verified.claims;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("htm") != Some(expected.method) {
        return Err(invalid(format!("the DPoP proof's htm must be {}", expected.method)));
    }
    if !text("htu").is_some_and(|htu| same_target(htu, &expected.url)) {
        return Err(invalid(format!("the DPoP proof's htu must be {}", expected.url)));
    }
    let now = state.clock.now();
    let iat =
        claims.get("iat").and_then(Value::as_i64).ok_or_else(|| invalid("the DPoP proof has no iat"))?;
    if iat > now + FUTURE_SKEW_SECS || iat < now - MAX_AGE_SECS {
        return Err(invalid(format!("the DPoP proof's iat must be within {MAX_AGE_SECS} seconds of now")));
    }
    let jti = text("jti")
        .filter(|j| !j.is_empty() && j.chars().count() <= MAX_JTI_CHARS)
        .ok_or_else(|| invalid("the DPoP proof needs a jti of 1 to 256 characters"))?;
    if state.config.dpop.require_nonce && !text("nonce").is_some_and(|n| state.dpop_nonces.accepts(n, now)) {
        let mut e = OAuthError::new(ErrorCode::UseDpopNonce, "the DPoP proof must carry careid's nonce");
        e.dpop_nonce = Some(state.dpop_nonces.current(now));
        return Err(e);
    }
    if let Some(token) = expected.access_token {
        let hash = b64(&Sha256::digest(token.as_bytes()));
        if text("ath") != Some(hash.as_str()) {
            return Err(invalid("the DPoP proof's ath is not the hash of the access token"));
        }
    }
    let jkt = jwk_thumbprint(jwk);
    let used = records::UsedUntil(iat + MAX_AGE_SECS + 1);
    if !records::DPOP_PROOF_JTI.put_new(state, &records::scoped(&jkt, jti), &used).await? {
        return Err(invalid("the DPoP proof was already used"));
    }
    Ok(Some(Proof { jkt }))
}

/// RFC 9449 §4.3: `htu` matches the URL without its query and fragment,
/// compared after normalisation (RFC 3986 §6: case of scheme and host, default port).
fn same_target(htu: &str, expected: &str) -> bool {
    let Ok(mut htu) = url::Url::parse(htu) else { return false };
    htu.set_query(None);
    htu.set_fragment(None);
    url::Url::parse(expected).is_ok_and(|expected| expected == htu)
}

fn invalid(why: impl Into<String>) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidDpopProof, why)
}

/// A JWK thumbprint as `dpop_jkt` may carry one (RFC 9449 §10): base64url of SHA-256.
pub fn is_thumbprint(value: &str) -> bool {
    value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_ignores_query_fragment_and_case_of_host() {
        let url = "https://id.example/token";
        for same in
            ["https://id.example/token", "https://ID.example:443/token?x=1#f", "HTTPS://id.example/token"]
        {
            assert!(same_target(same, url), "{same}");
        }
        for other in [
            "https://id.example/token/",
            "http://id.example/token",
            "https://id.example/userinfo",
            "",
            "/token",
        ] {
            assert!(!same_target(other, url), "{other}");
        }
    }

    #[test]
    fn a_thumbprint_is_43_base64url_characters() {
        assert!(is_thumbprint("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
        for bad in [
            "",
            "short",
            "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I=",
            "0ZcOCORZNYy+DWpqq30jZyJGHTN0d2HglBV3uiguA4I",
        ] {
            assert!(!is_thumbprint(bad), "{bad}");
        }
    }
}
