//! The JWT answer of RFC 9701: the introspection response, signed, for a
//! caller that asks for it with `Accept: application/token-introspection+jwt`.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Introspection;
use super::caller::Caller;
use crate::AppState;
use crate::crypto::{Alg, random};
use crate::oidc::error::OAuthError;

pub const MEDIA_TYPE: &str = "application/token-introspection+jwt";

/// RFC 9701 §6: a client that registered no `introspection_signed_response_alg` gets RS256.
const CLIENT_ALG: Alg = Alg::RS256;

/// Whether the caller's `Accept` names the JWT answer (RFC 9701 §4).
pub fn wanted(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).any(|accept| {
        accept
            .split(',')
            .any(|range| range.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(MEDIA_TYPE))
    })
}

/// RFC 9701 §5: `iss`, `aud` (the caller), `iat` and the answer as
/// `token_introspection`; no top-level `sub` or `exp`, so it cannot pass for
/// an access token, and `typ` says what it is. An API's answers are signed
/// with the alg of its tokens.
pub fn response(state: &AppState, caller: &Caller, answer: &Introspection) -> Result<Response, OAuthError> {
    let (audience, alg) = match caller {
        Caller::Api(api) => (api.id.as_str(), api.alg),
        Caller::Client(client) => (client.id.as_str(), CLIENT_ALG),
    };
    let claims = json!({
        "iss": state.config.issuer_str(),
        "aud": audience,
        "iat": state.clock.now(),
        "jti": random::token(16),
        "token_introspection": answer,
    });
    let jwt = state.keyring.sign(alg, Some("token-introspection+jwt"), &claims).map_err(|e| {
        tracing::error!(error = %e, "signing an introspection response failed");
        OAuthError::server_error()
    })?;
    let mut response = jwt.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jwt_answer_is_asked_for_by_media_type() {
        let with = |accept: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
            wanted(&headers)
        };
        assert!(with("application/token-introspection+jwt"));
        assert!(with("application/json;q=0.5, Application/Token-Introspection+JWT;q=1"));
        assert!(!with("application/json"));
        assert!(!with("application/jwt"));
        assert!(!wanted(&HeaderMap::new()));
    }
}
