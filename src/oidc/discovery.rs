//! OpenID Connect Discovery 1.0: advertises exactly what careid implements.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use serde_json::{Value, json};

use super::{JWKS_PATH, end_session, introspect, par, revoke, token, userinfo};
use crate::AppState;
use crate::clients::{AuthMethod, SCOPES};
use crate::crypto::jws;
use crate::login::acr;

pub const PATH: &str = "/.well-known/openid-configuration";

/// Changes only with the algorithms that have a signing key, so it is built
/// once per key-set change, not per request.
pub async fn openid_configuration(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let algs = state.keyring.signing_algs();
    let build = || document(&state, &algs);
    let cache = HeaderValue::from_static("public, max-age=300");
    state.published_discovery.respond(algs.clone(), build, &headers, cache)
}

fn document(state: &AppState, algs: &[crate::crypto::Alg]) -> Value {
    let config = &state.config;
    let algs: Vec<&str> = algs.iter().map(|a| a.as_str()).collect();
    let auth_methods: Vec<&str> = AuthMethod::ALL.iter().map(|m| m.as_str()).collect();
    // Introspection answers confidential clients only (see introspect.rs).
    let confidential_methods: Vec<&str> =
        AuthMethod::ALL.iter().filter(|m| **m != AuthMethod::None).map(|m| m.as_str()).collect();
    // Client assertions (and every other JWT a client signs) accept `Ed25519` beside `EdDSA`.
    let assertion_algs = jws::ACCEPTED_ALGS;
    json!({
        "issuer": config.issuer_str(),
        "authorization_endpoint": config.url("/authorize"),
        "token_endpoint": config.url(token::PATH),
        "jwks_uri": config.url(JWKS_PATH),
        "userinfo_endpoint": config.url(userinfo::PATH),
        "introspection_endpoint": config.url(introspect::PATH),
        "revocation_endpoint": config.url(revoke::PATH),
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algs,
        "token_endpoint_auth_methods_supported": auth_methods,
        "token_endpoint_auth_signing_alg_values_supported": assertion_algs,
        "introspection_endpoint_auth_methods_supported": confidential_methods,
        "introspection_endpoint_auth_signing_alg_values_supported": assertion_algs,
        // RFC 9701: the JWT answer to `Accept: application/token-introspection+jwt`.
        "introspection_signing_alg_values_supported": algs,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_signing_alg_values_supported": assertion_algs,
        "code_challenge_methods_supported": ["S256"],
        "dpop_signing_alg_values_supported": assertion_algs,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "acr_values_supported": acr::Level::ALL,
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "azp", "at_hash",
            "name", "given_name", "family_name", "updated_at", "locale", "email", "email_verified",
            "phone_number", "phone_number_verified", "role", "deployment"
        ],
        "claims_parameter_supported": true,
        "ui_locales_supported": crate::i18n::Lang::ALL.map(crate::i18n::Lang::code),
        "pushed_authorization_request_endpoint": config.url(par::PATH),
        "require_pushed_authorization_requests": config.par.required,
        "request_parameter_supported": true,
        // Only the request_uri /par issues works, which RFC 9126 §5 says needs
        // no metadata; `true` (also what omitting it means) would promise
        // that careid fetches a client's URI, which it never does.
        "request_uri_parameter_supported": false,
        "request_object_signing_alg_values_supported": jws::ACCEPTED_ALGS,
        "authorization_response_iss_parameter_supported": true,
        "end_session_endpoint": config.url(end_session::PATH),
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
    })
}
