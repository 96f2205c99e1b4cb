//! The password reset pages: "forgot password" and the new-password form.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::audit::Origin;
use crate::limits::{self, Limit};
use crate::people::Email;
use crate::web::client_ip::ClientIp;
use crate::web::form_token;
use crate::web::pages::{Form, PageError, notice};

#[derive(Deserialize)]
pub struct ForgotQuery {
    /// The login transaction to go back to, when the person came from the login page.
    #[serde(default)]
    tx: Option<String>,
}

/// Only a plausible transaction id is echoed into links.
fn tx_param(tx: Option<&str>) -> Option<&str> {
    tx.filter(|t| {
        !t.is_empty()
            && t.len() <= 64
            && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

#[derive(Serialize)]
struct ForgotView<'a> {
    csrf: String,
    tx: Option<&'a str>,
}

pub async fn show_forgot(
    State(state): State<AppState>,
    Query(q): Query<ForgotQuery>,
) -> Result<Response, PageError> {
    let view = ForgotView { csrf: form_token::issue(&state).await?, tx: tx_param(q.tx.as_deref()) };
    Ok(state.templates.page(StatusCode::OK, "password_forgot.html", view))
}

pub async fn submit_forgot(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    origin: Origin,
    Form(form): Form,
) -> Result<Response, PageError> {
    if !form_token::redeem(&state, form.get("csrf").unwrap_or_default()).await? {
        return Err(PageError::stale_form());
    }
    let typed = form.get("email").unwrap_or_default();
    let email =
        Email::parse(typed).map_err(|_| PageError::bad_request(crate::i18n::text("forgot-email-missing")))?;
    // Both windows count every request, whichever refuses it.
    let by_ip = limits::check(&state, Limit::ResetPerIp, ip).await?;
    let by_address = limits::check(&state, Limit::ResetPerAddress, email.as_str()).await?;
    if let Err(limited) = by_ip.and(by_address) {
        return Err(PageError {
            message: "Too many password reset requests. If you asked for a link, please use the newest \
                      one in your inbox, or try again in an hour."
                .into(),
            ..PageError::too_many(limited.retry_after)
        });
    }
    super::request(&state, &email, &origin).await?;
    let back = tx_param(form.get("tx")).map(|tx| format!("/login?tx={tx}"));
    let back_text = crate::i18n::text("forgot-back");
    Ok(notice(
        &state,
        StatusCode::OK,
        &crate::i18n::text("check-email"),
        &crate::i18n::text("forgot-sent"),
        back.as_deref().map(|href| (href, back_text.as_str())),
    ))
}

pub async fn show_reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    crate::brand::offer_link_owner(&state, &token, super::PURPOSE).await?;
    render_form(&state, &token, StatusCode::OK, None).await
}

#[derive(Serialize)]
struct ResetView<'a> {
    token: &'a str,
    csrf: String,
    error: Option<&'a str>,
}

/// The new-password form while the link is usable; the neutral page otherwise.
async fn render_form(
    state: &AppState,
    token: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, PageError> {
    if !super::link_is_open(state, token).await? {
        return Err(PageError::unusable_link());
    }
    let view = ResetView { token, csrf: form_token::issue(state).await?, error };
    Ok(state.templates.page(status, "password_reset.html", view))
}

pub async fn submit_reset(
    State(state): State<AppState>,
    origin: Origin,
    Path(token): Path<String>,
    Form(form): Form,
) -> Result<Response, PageError> {
    crate::brand::offer_link_owner(&state, &token, super::PURPOSE).await?;
    if !form_token::redeem(&state, form.get("csrf").unwrap_or_default()).await? {
        return Err(PageError::stale_form());
    }
    let password = form.get("password").unwrap_or_default();
    if form.get("confirm") != Some(password) {
        let problem = &crate::i18n::text("reset-passwords-differ");
        return render_form(&state, &token, StatusCode::UNPROCESSABLE_ENTITY, Some(problem)).await;
    }
    match super::complete(&state, &token, password, &origin).await? {
        Ok(()) => {}
        Err(super::NotSet::UnusableLink) => return Err(PageError::unusable_link()),
        Err(super::NotSet::Refused(problem)) => {
            return render_form(&state, &token, StatusCode::UNPROCESSABLE_ENTITY, Some(&problem)).await;
        }
    }
    Ok(notice(
        &state,
        StatusCode::OK,
        &crate::i18n::text("reset-done-title"),
        &crate::i18n::text("reset-done-message"),
        None,
    ))
}
