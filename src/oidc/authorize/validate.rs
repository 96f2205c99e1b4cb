//! Every rule of an authorization request once its parameters are known,
//! wherever they came from (the query or form, a request object, a pushed
//! request): `/authorize` and `/par` run exactly these checks.

use super::request::{self, AuthorizationRequest, ReplyTo};
use crate::AppState;
use crate::clients::Client;
use crate::oidc::error::OAuthError;
use crate::web::pages::PageError;
use crate::web::params::Params;

/// Why a request is refused, and where the answer goes.
#[derive(Debug)]
pub enum Refusal {
    /// The client or its redirect URI is not known good: a page, never a redirect.
    Page(PageError),
    /// Sent back to the client at its redirect URI.
    ToClient(Box<ReplyTo>, OAuthError),
}

impl Refusal {
    /// The refusal as a JSON error of an endpoint the client calls (`/par`,
    /// RFC 9126 §2.3: a bad redirect URI is `invalid_request`).
    pub fn into_oauth(self) -> OAuthError {
        match self {
            Refusal::Page(page) => OAuthError::invalid_request(page.message),
            Refusal::ToClient(_, e) => e,
        }
    }
}

/// Checks `params`, a request of `client` (already looked up by its
/// `client_id`), rule by rule.
pub fn validate(state: &AppState, params: &Params, client: &Client) -> Result<AuthorizationRequest, Refusal> {
    if params.get("client_id").is_some_and(|id| id != client.id) {
        return Err(Refusal::Page(PageError::bad_request(crate::i18n::text("authorize-two-clients"))));
    }
    let reply = request::check_client_and_redirect(params, Some(client)).map_err(Refusal::Page)?;
    let to_client = |e: OAuthError| Refusal::ToClient(Box::new(reply.clone()), e);
    let mut request = request::check_rest(params, client, reply.clone()).map_err(to_client)?;
    if let Some(hint) = params.get("id_token_hint") {
        let claims =
            state.keyring.verify::<serde_json::Value>(hint, state.config.issuer_str(), None).map_err(
                |_| to_client(OAuthError::invalid_request("id_token_hint is not an ID token careid issued")),
            )?;
        request.hinted_sub = claims["sub"].as_str().map(str::to_owned);
    }
    Ok(request)
}
