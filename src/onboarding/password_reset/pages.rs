//! The password reset pages: "forgot password" and the new-password form.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::accounts::Email;
use crate::audit::Origin;
use crate::crypto::random;
use crate::web::client_ip::ClientIp;
use crate::web::form_token;
use crate::web::pages::{PageError, notice};
use crate::web::params::Params;

const HOUR: Duration = Duration::from_secs(3600);

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

pub async fn show_forgot(State(state): State<AppState>, Query(q): Query<ForgotQuery>) -> Response {
    match form_token::issue(&state).await {
        Ok(csrf) => state.templates.page(
            StatusCode::OK,
            "password_forgot.html",
            json!({ "csrf": csrf, "tx": tx_param(q.tx.as_deref()) }),
        ),
        Err(e) => PageError::from(e).render(&state),
    }
}

pub async fn submit_forgot(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let answered = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        if !form_token::redeem(&state, form.get("csrf").unwrap_or_default()).await? {
            return Err(PageError::stale_form());
        }
        let typed = form.get("email").unwrap_or_default();
        let email =
            Email::parse(typed).map_err(|_| PageError::bad_request("Please enter an email address."))?;
        let limits = &state.config.onboarding;
        let by_ip = state.ephemeral.incr_in_window(&format!("rl:reset:ip:{ip}"), HOUR).await?;
        let address_key = format!("rl:reset:addr:{}", random::digest(email.as_str()));
        let by_address = state.ephemeral.incr_in_window(&address_key, HOUR).await?;
        if by_ip > limits.reset_requests_per_ip_per_hour
            || by_address > limits.reset_requests_per_address_per_hour
        {
            return Err(PageError {
                message: "Too many password reset requests. If you asked for a link, please use the newest \
                          one in your inbox, or try again in an hour."
                    .into(),
                ..PageError::too_many(HOUR.as_secs() as i64)
            });
        }
        super::request(&state, &email, &origin).await?;
        let back = tx_param(form.get("tx")).map(|tx| format!("/login?tx={tx}"));
        Ok(notice(
            &state,
            StatusCode::OK,
            "Check your email",
            "If an account exists for this address, we sent it a link to choose a new password. \
             The link works for a short time and only once.",
            back.as_deref().map(|href| (href, "Back to sign in")),
        ))
    };
    answered.await.unwrap_or_else(|page| page.render(&state))
}

pub async fn show_reset(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    render_form(&state, &token, StatusCode::OK, None).await.unwrap_or_else(|page| page.render(&state))
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
    let csrf = form_token::issue(state).await?;
    let context = json!({ "token": token, "csrf": csrf, "error": error });
    Ok(state.templates.page(status, "password_reset.html", context))
}

pub async fn submit_reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let answered = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        if !form_token::redeem(&state, form.get("csrf").unwrap_or_default()).await? {
            return Err(PageError::stale_form());
        }
        let password = form.get("password").unwrap_or_default();
        if form.get("confirm") != Some(password) {
            let problem = "The two passwords differ.";
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
            "Password changed",
            "Your new password is set and you are signed out everywhere. Go back to the application to sign in.",
            None,
        ))
    };
    answered.await.unwrap_or_else(|page| page.render(&state))
}
