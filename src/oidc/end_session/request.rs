//! The logout request (RP-Initiated Logout 1.0 §2, §3), checked one rule at a
//! time. Every failure is a page: careid never redirects on a request it could
//! not fully check.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::AppState;
use crate::clients::Client;
use crate::web::pages::PageError;
use crate::web::params::Params;

/// Where to send the browser once done, already matched against the client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PostLogoutRedirect {
    pub uri: String,
    pub state: Option<String>,
}

/// A fully checked logout request.
pub struct LogoutRequest {
    /// The client that asked, from the hint's audience or `client_id`.
    pub client: Option<Client>,
    /// `sub` of a valid `id_token_hint`.
    pub hinted_sub: Option<String>,
    pub redirect: Option<PostLogoutRedirect>,
}

/// What a valid `id_token_hint` says.
struct Hint {
    sub: Option<String>,
    /// The client it was issued to (`azp`, else its single audience).
    client_id: Option<String>,
    audiences: Vec<String>,
}

pub async fn check(state: &AppState, params: &Params) -> Result<LogoutRequest, PageError> {
    let hint = params.get("id_token_hint").map(|h| check_hint(state, h)).transpose()?;
    let client = check_client(state, params.get("client_id"), hint.as_ref()).await?;
    let redirect = check_redirect(params, client.as_ref())?;
    Ok(LogoutRequest { client, hinted_sub: hint.and_then(|h| h.sub), redirect })
}

/// Rule 1: the hint is an ID token careid signed. Expired is fine (§2: the
/// RP may hold on to it for the whole session), anything else is not.
fn check_hint(state: &AppState, hint: &str) -> Result<Hint, PageError> {
    let claims: Value = state
        .keyring
        .verify(hint, state.config.issuer_str(), None)
        .map_err(|_| PageError::bad_request(crate::i18n::text("logout-bad-hint")))?;
    let audiences: Vec<String> = match &claims["aud"] {
        Value::String(aud) => vec![aud.clone()],
        Value::Array(auds) => auds.iter().filter_map(|a| a.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    };
    let client_id = claims["azp"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| if audiences.len() == 1 { audiences.first().cloned() } else { None });
    Ok(Hint { sub: claims["sub"].as_str().map(str::to_owned), client_id, audiences })
}

/// Rule 2: `client_id`, when sent with a hint, is one of the hint's audiences;
/// the client, however named, is registered.
async fn check_client(
    state: &AppState,
    client_id: Option<&str>,
    hint: Option<&Hint>,
) -> Result<Option<Client>, PageError> {
    if let (Some(id), Some(hint)) = (client_id, hint)
        && !hint.audiences.iter().any(|a| a == id)
    {
        return Err(PageError::bad_request(crate::i18n::text("logout-client-mismatch")));
    }
    let Some(id) = client_id.or(hint.and_then(|h| h.client_id.as_deref())) else { return Ok(None) };
    let client = if id.len() <= 128 { state.client(id).await? } else { None };
    client.map(Some).ok_or_else(|| PageError::bad_request(crate::i18n::text("logout-unknown-application")))
}

/// Rule 3: `post_logout_redirect_uri` is exactly one the client registered (no
/// added query, no near misses), and the client is known at all.
fn check_redirect(params: &Params, client: Option<&Client>) -> Result<Option<PostLogoutRedirect>, PageError> {
    let Some(uri) = params.get("post_logout_redirect_uri") else { return Ok(None) };
    let Some(client) = client else {
        return Err(PageError::bad_request(
            "careid cannot tell which application the post_logout_redirect_uri belongs to \
             (send id_token_hint or client_id), so it will not send you there.",
        ));
    };
    if !client.post_logout_redirect_uris.iter().any(|registered| registered == uri) {
        return Err(PageError::bad_request(crate::i18n::text("logout-unregistered-redirect")));
    }
    Ok(Some(PostLogoutRedirect { uri: uri.to_string(), state: params.get("state").map(str::to_owned) }))
}
