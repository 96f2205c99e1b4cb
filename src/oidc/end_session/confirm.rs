//! Asking before signing out (RP-Initiated Logout 1.0 §2: without a valid
//! `id_token_hint` the person confirms). The question is a short-lived record
//! bound to the browser's session cookie, so another site cannot answer it.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::request::{LogoutRequest, PostLogoutRedirect};
use super::{post_logout_location, redirect, signed_out};
use crate::AppState;
use crate::audit::Origin;
use crate::crypto::random;
use crate::login::logout;
use crate::login::session::{self, Current};
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;
use crate::web::params::Params;

pub const PATH: &str = "/end_session/confirm";

/// Long enough to read the question, short enough not to linger.
const TTL: Duration = Duration::from_secs(600);

#[derive(Serialize, Deserialize)]
struct PendingLogout {
    csrf: String,
    /// Digest of the session cookie the question was asked under.
    cookie_digest: String,
    client_id: Option<String>,
    redirect: Option<PostLogoutRedirect>,
}

fn key(id: &str) -> String {
    format!("logout:{id}")
}

/// Records the question and shows the confirmation page.
pub async fn show(
    state: &AppState,
    current: &Current,
    request: &LogoutRequest,
) -> Result<Response, PageError> {
    let id = random::token(24);
    let pending = PendingLogout {
        csrf: random::token(24),
        cookie_digest: random::digest(&current.cookie),
        client_id: request.client.as_ref().map(|c| c.id.clone()),
        redirect: request.redirect.clone(),
    };
    let bytes = serde_json::to_vec(&pending).expect("serialising a pending logout");
    state.ephemeral.put(&key(&id), &bytes, TTL).await?;
    let client_name = request.client.as_ref().map(|c| c.name.as_str());
    let context = json!({ "logout": id, "csrf": pending.csrf, "client_name": client_name });
    Ok(match &pending.redirect {
        Some(to) => state.templates.page_leading_to(StatusCode::OK, "logout_confirm.html", context, &to.uri),
        None => state.templates.page(StatusCode::OK, "logout_confirm.html", context),
    })
}

/// `POST /end_session/confirm`: the person's answer.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    answer(&state, &headers, &body, &origin).await.unwrap_or_else(|p| p.render(&state))
}

async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    origin: &Origin,
) -> Result<Response, PageError> {
    let stale = || PageError::bad_request("This sign-out form is stale. Please go back and try again.");
    let form = Params::parse(body).map_err(PageError::bad_request)?;
    let id = form.get("logout").filter(|id| id.len() <= 64).ok_or_else(stale)?;
    let bytes = state.ephemeral.get(&key(id)).await?.ok_or_else(stale)?;
    let pending: PendingLogout = serde_json::from_slice(&bytes).map_err(|_| stale())?;
    let cookie = session::read_cookie(headers, session::cookie_name(state)).unwrap_or_default();
    let same_browser = random::same(&random::digest(cookie), &pending.cookie_digest);
    if !same_browser || !random::same(form.get("csrf").unwrap_or_default(), &pending.csrf) {
        return Err(stale());
    }
    // One answer per question, however often the form is sent.
    state.ephemeral.take(&key(id)).await?.ok_or_else(stale)?;
    if form.get("decision") != Some("yes") {
        return Ok(match &pending.redirect {
            Some(to) => redirect(&post_logout_location(to)),
            None => state.templates.page(StatusCode::OK, "still_signed_in.html", json!({})),
        });
    }
    if let Some(current) = session::current(state, headers).await? {
        logout::log_out(state, &current, pending.client_id.as_deref(), origin).await?;
    }
    Ok(signed_out(state, pending.redirect.as_ref()))
}
