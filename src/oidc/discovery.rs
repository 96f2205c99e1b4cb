//! OpenID Connect Discovery 1.0: advertises exactly what careid implements.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{JWKS_PATH, end_session, introspect, revoke, token, userinfo};
use crate::AppState;
use crate::clients::{AuthMethod, SCOPES};
use crate::crypto::Alg;
use crate::login::acr;

pub async fn openid_configuration(State(state): State<AppState>) -> Response {
    let config = &state.config;
    let algs: Vec<&str> = state.keyring.signing_algs().iter().map(|a| a.as_str()).collect();
    let auth_methods: Vec<&str> = AuthMethod::ALL.iter().map(|m| m.as_str()).collect();
    // Introspection answers confidential clients only (see introspect.rs).
    let confidential_methods: Vec<&str> =
        AuthMethod::ALL.iter().filter(|m| **m != AuthMethod::None).map(|m| m.as_str()).collect();
    let assertion_algs: Vec<&str> = Alg::ALL.iter().map(|a| a.as_str()).collect();
    let body = json!({
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
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_signing_alg_values_supported": assertion_algs,
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "acr_values_supported": acr::SUPPORTED,
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "azp", "at_hash",
            "name", "given_name", "family_name", "updated_at", "email", "email_verified",
            "phone_number", "phone_number_verified", "role", "deployment"
        ],
        "claims_parameter_supported": true,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
        "end_session_endpoint": config.url(end_session::PATH),
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
    });
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(body)).into_response()
}
