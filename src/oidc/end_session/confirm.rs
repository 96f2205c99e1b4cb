//! Asking before signing out (RP-Initiated Logout 1.0 §2: without a valid
//! `id_token_hint` the person confirms). The question is a short-lived record
//! bound to the browser's session cookie, so another site cannot answer it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::request::{LogoutRequest, PostLogoutRedirect};
use super::{post_logout_location, redirect, signed_out};
use crate::AppState;
use crate::audit::Origin;
use crate::crypto::random;
use crate::ephemeral::records::{self, Record};
use crate::login::logout;
use crate::login::session::{self, Current};
use crate::web::csrf;
use crate::web::pages::{Form, PageError};

pub const PATH: &str = "/end_session/confirm";

#[derive(Serialize, Deserialize)]
struct PendingLogout {
    csrf: String,
    /// Digest of the session cookie the question was asked under.
    cookie_digest: String,
    client_id: Option<String>,
    redirect: Option<PostLogoutRedirect>,
}

impl Record for PendingLogout {}

#[derive(Serialize)]
struct ConfirmView<'a> {
    logout: &'a str,
    csrf: &'a str,
    client_name: Option<&'a str>,
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
    records::PENDING_LOGOUT.put(state, &id, &pending).await?;
    let client_name = request.client.as_ref().map(|c| c.name.as_str());
    let context = ConfirmView { logout: &id, csrf: &pending.csrf, client_name };
    Ok(match &pending.redirect {
        Some(to) => state.templates.page_leading_to(StatusCode::OK, "logout_confirm.html", context, &to.uri),
        None => state.templates.page(StatusCode::OK, "logout_confirm.html", context),
    })
}

/// `POST /end_session/confirm`: the person's answer.
pub async fn submit(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
    Form(form): Form,
) -> Result<Response, PageError> {
    let (state, headers, origin) = (&state, &headers, &origin);
    let stale = || PageError::bad_request(crate::i18n::text("logout-stale"));
    let id = form.get("logout").filter(|id| id.len() <= 64).ok_or_else(stale)?;
    let pending: PendingLogout = records::PENDING_LOGOUT.load(state, id).await?.ok_or_else(stale)?;
    let cookie = session::read_cookie(headers, session::cookie_name(state)).unwrap_or_default();
    let same_browser = random::same(&random::digest(cookie), &pending.cookie_digest);
    if !same_browser || !csrf::matches(form.get("csrf").unwrap_or_default(), &pending.csrf) {
        return Err(stale());
    }
    // One answer per question, however often the form is sent.
    records::PENDING_LOGOUT.take::<PendingLogout>(state, id).await?.ok_or_else(stale)?;
    if form.get("decision") != Some("yes") {
        return Ok(match &pending.redirect {
            Some(to) => redirect(&post_logout_location(to)),
            None => state.templates.page(StatusCode::OK, "still_signed_in.html", ()),
        });
    }
    if let Some(current) = session::current(state, headers).await? {
        logout::log_out(state, &current, pending.client_id.as_deref(), origin).await?;
    }
    Ok(signed_out(state, pending.redirect.as_ref()))
}
