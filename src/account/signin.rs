//! Signing in to the account pages through the authorization endpoint.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::AppState;
use crate::clients::ClientSpec;
use crate::clients::registry::{self, RegistryError};
use crate::crypto::random;
use crate::oidc::authorize::respond::redirect;
use crate::web::pages::PageError;

pub const ACCOUNT_CLIENT_ID: &str = "careid-account";
const CALLBACK: &str = "/account/callback";

/// Creates or refreshes the internal client at start (its redirect URI follows the issuer).
pub async fn register_account_client(
    state_store: &crate::store::Store,
    secrets: &crate::clients::secret::SecretHasher,
    issuer_url: String,
    now: i64,
) -> Result<(), RegistryError> {
    let spec = ClientSpec {
        id: ACCOUNT_CLIENT_ID.into(),
        name: "Your careid account".into(),
        public: true,
        first_party: true,
        redirect_uris: vec![issuer_url],
        grant_types: Some(vec!["authorization_code".into()]),
        allowed_scopes: Some(vec!["openid".into()]),
        ..ClientSpec::default()
    };
    registry::save(state_store, secrets, spec, false, now).await.map(drop)
}

pub fn callback_url(state: &AppState) -> String {
    state.config.url(CALLBACK)
}

/// Sends a person without a session to sign in, coming back to /account.
pub fn sign_in(state: &AppState) -> Response {
    redirect(&authorize_path(state, None, None))
}

/// Sends a signed-in person through the second step (enrolling a number if
/// they have none), coming back to /account.
pub fn step_up(state: &AppState) -> Response {
    redirect(&authorize_path(state, Some(crate::login::acr::MFA), None))
}

/// Where a signed-in person signs in again (a fresh verification before a
/// sensitive change), coming back to /account.
pub fn reverify_path(state: &AppState) -> String {
    authorize_path(state, None, Some("login"))
}

/// Where a person without a session signs in, coming back to /account.
pub fn sign_in_path(state: &AppState) -> String {
    authorize_path(state, None, None)
}

fn authorize_path(state: &AppState, acr_values: Option<&str>, prompt: Option<&str>) -> String {
    // The code is never redeemed: signing in is what the account pages need,
    // and the session cookie carries it. PKCE is required of public clients,
    // so the request carries a challenge nobody holds the verifier of.
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", ACCOUNT_CLIENT_ID)
        .append_pair("redirect_uri", &callback_url(state))
        .append_pair("scope", "openid")
        .append_pair("code_challenge", &random::token(32))
        .append_pair("code_challenge_method", "S256");
    if let Some(acr) = acr_values {
        query.append_pair("acr_values", acr);
    }
    if let Some(prompt) = prompt {
        query.append_pair("prompt", prompt);
    }
    format!("/authorize?{}", query.finish())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    error: Option<String>,
}

pub async fn callback(State(state): State<AppState>, Query(q): Query<CallbackQuery>) -> Response {
    match q.error {
        None => redirect("/account"),
        Some(_) => PageError::bad_request("Signing in to your account did not complete.").render(&state),
    }
}
