//! Signing in to the account pages through the authorization endpoint.

use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;

use crate::AppState;
use crate::clients::ClientSpec;
use crate::clients::registry::{self, RegistryError};
use crate::crypto::random;
use crate::login::acr::Level;
use crate::oidc::authorize::respond::redirect;
use crate::web::pages::PageError;

pub use crate::clients::ACCOUNT_CLIENT_ID;
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
        // careid redeems its own codes server-side, within the same request flow.
        require_dpop: Some(false),
        ..ClientSpec::default()
    };
    registry::save(state_store, secrets, spec, false, &[], now).await.map(drop)
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
    redirect(&authorize_path(state, Some(Level::Mfa.as_str()), None))
}

/// Where a signed-in person signs in again, reaching `level` (a fresh proof
/// before a change to a factor), coming back to /account.
pub fn reverify_path(state: &AppState, level: Level) -> String {
    let acr_values = (level != Level::Password).then_some(level.as_str());
    authorize_path(state, acr_values, Some("login"))
}

/// Where a person without a session signs in, coming back to /account.
pub fn sign_in_path(state: &AppState) -> String {
    authorize_path(state, None, None)
}

/// The query of the authorization request that signs a person in to the account pages.
pub fn sign_in_query(state: &AppState) -> String {
    authorize_query(state, None, None)
}

/// As [`sign_in_query`], going on to client `then` (`/start/{then}`) instead
/// of the account page once signed in: how a new account that must first set
/// up a factor still ends at the client its invitation leads to.
pub fn sign_in_query_then(state: &AppState, then: Option<&str>) -> String {
    let mut query = authorize_query(state, None, None);
    if let Some(client) = then {
        let mut state_param = url::form_urlencoded::Serializer::new(String::new());
        state_param.append_pair("state", &format!("{START_PREFIX}{client}"));
        query = format!("{query}&{}", state_param.finish());
    }
    query
}

/// The `state` of an account sign-in that goes on to a client: anyone can
/// write one, and it leads only to `/start/{client}`, which reaches nothing
/// but a registered client's registered addresses.
const START_PREFIX: &str = "start:";

fn authorize_path(state: &AppState, acr_values: Option<&str>, prompt: Option<&str>) -> String {
    format!("/authorize?{}", authorize_query(state, acr_values, prompt))
}

fn authorize_query(state: &AppState, acr_values: Option<&str>, prompt: Option<&str>) -> String {
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
    query.finish()
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    error: Option<String>,
    state: Option<String>,
}

pub async fn callback(Query(q): Query<CallbackQuery>) -> Result<Response, PageError> {
    let then = q.state.as_deref().and_then(|s| s.strip_prefix(START_PREFIX)).filter(|c| !c.is_empty());
    match (q.error, then) {
        (None, Some(client)) => {
            let id: String = url::form_urlencoded::byte_serialize(client.as_bytes()).collect();
            Ok(redirect(&format!("/start/{id}")))
        }
        (None, None) => Ok(redirect("/account")),
        (Some(_), _) => Err(PageError::bad_request(crate::i18n::text("account-sign-in-incomplete"))),
    }
}
