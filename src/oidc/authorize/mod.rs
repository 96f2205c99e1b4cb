//! The authorization endpoint (`/authorize`, GET and POST) and its
//! continuation after each sign-in step; what a request needs next is the
//! ladder's (`login::steps`).

pub mod code;
pub mod pushed;
pub mod request;
pub mod request_object;
pub mod respond;
mod source;
pub mod validate;

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use self::request::AuthorizationRequest;
use self::validate::Refusal;
use crate::AppState;
use crate::clients::Client;
use crate::login::{steps, transaction};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::resource;
use crate::web::pages::PageError;
use crate::web::params::Params;

pub async fn get(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    start(&state, &headers, query.unwrap_or_default().as_bytes()).await
}

pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return PageError::bad_request(crate::i18n::text("authorize-must-post")).into_response();
    }
    start(&state, &headers, &body).await
}

async fn start(state: &AppState, headers: &HeaderMap, raw: &[u8]) -> Response {
    match checked_request(state, raw).await {
        Ok(Ok((client, request))) => steps::proceed(state, headers, &client, request, None).await,
        Ok(Err(response)) => response,
        Err(page) => page.into_response(),
    }
}

/// The page error (unknown client or redirect URI), or the request; errors
/// after that point are already answered to the client.
async fn checked_request(
    state: &AppState,
    raw: &[u8],
) -> Result<Result<(Client, AuthorizationRequest), Response>, PageError> {
    let outer = Params::parse(raw).map_err(PageError::bad_request)?;
    let client = match outer.get("client_id") {
        Some(id) if id.len() <= 128 => state.client(id).await?,
        _ => None,
    };
    let Some(client) = client else {
        request::check_client_and_redirect(&outer, None)?;
        return Err(PageError::bad_request(crate::i18n::text("authorize-unknown-client")));
    };
    let params = match source::resolve(state, &client, &outer).await {
        Ok(params) => params,
        Err(e) => return refuse_source(state, &outer, &client, &e),
    };
    let mut request = match validate::validate(state, &params, &client) {
        Ok(request) => request,
        Err(Refusal::Page(page)) => return Err(page),
        Err(Refusal::ToClient(reply, e)) => return Ok(Err(respond::error(state, &reply, &e))),
    };
    // RFC 8707: the APIs named, whichever way the parameters came.
    match resource::authorize(state, &client, &params, &mut request.scopes).await {
        Ok(resources) => request.resources = resources,
        Err(e) => return Ok(Err(respond::error(state, &request.reply, &e))),
    }
    Ok(Ok((client, request)))
}

/// Where the parameters should have come from is wrong (a used
/// `request_uri`, a bad request object): the client hears it at a registered
/// redirect URI the request names outside, otherwise the person sees a page
/// naming the error (RFC 6749 §4.1.2.1: never a redirect to an unchecked URI).
fn refuse_source(
    state: &AppState,
    outer: &Params,
    client: &Client,
    e: &OAuthError,
) -> Result<Result<(Client, AuthorizationRequest), Response>, PageError> {
    match request::check_client_and_redirect(outer, Some(client)) {
        Ok(reply) => Ok(Err(respond::error(state, &reply, e))),
        Err(_) if e.code == ErrorCode::TemporarilyUnavailable => Err(PageError::unavailable()),
        Err(_) => {
            Err(PageError { error_code: Some(e.code.as_str()), ..PageError::bad_request(&e.description) })
        }
    }
}

/// careid's own authorization request `query` (the account pages sign in
/// through it), checked like any other.
pub async fn internal_request(
    state: &AppState,
    query: &str,
) -> Result<(Client, AuthorizationRequest), PageError> {
    match checked_request(state, query.as_bytes()).await? {
        Ok(checked) => Ok(checked),
        Err(_) => Err(PageError::bad_request("careid's own sign-in request was refused.")),
    }
}

/// `?tx=…` of `/authorize/continue`; without one the page answers as for an
/// unknown transaction (the "sign-in has expired" page), not with a bare 400.
#[derive(Deserialize)]
pub struct ContinueQuery {
    #[serde(default)]
    tx: String,
}

/// `/authorize/continue?tx=…`: back from a sign-in step, the consent or terms
/// page; the transaction is taken, so each continuation happens once.
pub async fn resume(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ContinueQuery>,
) -> Result<Response, PageError> {
    let tx = transaction::take(&state, &q.tx, &headers).await?.ok_or_else(PageError::expired)?;
    let client = state.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
    Ok(steps::proceed(&state, &headers, &client, tx.request.clone(), Some(tx)).await)
}
