//! The verification pages: the link's button page and its submission, and the
//! sign-in step a blocked account sees (the ladder's email verification) with
//! its "send a new link" form.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::json;

use super::Resend;
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::login::form::{SignInForm, SignInPage, signing_in};
use crate::web::form_token;
use crate::web::pages::{Form, PageError, notice};

#[derive(Serialize)]
struct LinkView<'a> {
    token: &'a str,
    csrf: &'a str,
}

pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, PageError> {
    crate::brand::offer_link_owner(&state, &token, super::PURPOSE).await?;
    if !super::link_is_open(&state, &token).await? {
        return unusable(&state, &token).await;
    }
    let csrf = form_token::issue(&state).await?;
    Ok(state.templates.page(StatusCode::OK, "verify_email.html", LinkView { token: &token, csrf: &csrf }))
}

pub async fn submit(
    State(state): State<AppState>,
    origin: Origin,
    Path(token): Path<String>,
    Form(form): Form,
) -> Result<Response, PageError> {
    crate::brand::offer_link_owner(&state, &token, super::PURPOSE).await?;
    if !form_token::redeem(&state, form.get("csrf").unwrap_or_default()).await? {
        return Err(PageError::stale_form());
    }
    let Some(user) = super::verify(&state, &token, &origin).await? else {
        return unusable(&state, &token).await;
    };
    let title = crate::i18n::text("verified-title");
    Ok(match super::onwards(&state, &user).await? {
        Some((client, link)) => {
            let message =
                crate::i18n::text_with("verified-message-client", &[("client", client.clone().into())]);
            let text = crate::i18n::text_with("continue-to", &[("client", client.into())]);
            notice(&state, StatusCode::OK, &title, &message, Some((&link, &text)))
        }
        None => notice(&state, StatusCode::OK, &title, &crate::i18n::text("verified-message"), None),
    })
}

/// A link that does not verify: for an address verified already (the link
/// opened again), that news and the way on; else the one answer for
/// unknown, used and expired links.
async fn unusable(state: &AppState, token: &str) -> Result<Response, PageError> {
    let Some(user) = super::already_verified(state, token).await? else {
        return Err(PageError::unusable_link());
    };
    let (title, message) =
        (crate::i18n::text("verified-already-title"), crate::i18n::text("verified-already-message"));
    let (link, text) = match super::onwards(state, &user).await? {
        Some((client, link)) => (link, crate::i18n::text_with("continue-to", &[("client", client.into())])),
        None => ("/account".to_string(), crate::i18n::text("back-to-account")),
    };
    Ok(notice(state, StatusCode::OK, &title, &message, Some((&link, &text))))
}

#[derive(Serialize)]
struct BlockedView<'a> {
    tx: &'a str,
    csrf: &'a str,
    email: &'a str,
}

/// GET /login/verify-email: the sign-in of an account past its verification
/// deadline stops here (after the right password, so it tells nothing to
/// someone guessing), with a way to ask for a new link.
pub async fn blocked(
    State(state): State<AppState>,
    origin: Origin,
    SignInPage(tx): SignInPage,
) -> Result<Response, PageError> {
    let user = signing_in(&state, &tx).await?;
    let event = Event {
        subject: Some(&user.id),
        client_id: Some(&tx.request.reply.client_id),
        detail: Some(json!({ "reason": "email not verified in time" })),
        ..Event::new("login.failure")
    };
    audit::record(&state, event, &origin).await;
    let view = BlockedView { tx: &tx.id, csrf: &tx.csrf, email: &user.email };
    Ok(state.templates.page(StatusCode::FORBIDDEN, "verify_required.html", view))
}

/// POST /verify-email/resend: a new link for the account signing in in this
/// transaction (the form names nothing else, so nobody asks for another's).
pub async fn resend(
    State(state): State<AppState>,
    SignInForm { tx, .. }: SignInForm,
) -> Result<Response, PageError> {
    let user = signing_in(&state, &tx).await?;
    match super::resend(&state, &user).await? {
        Resend::Sent => Ok(notice(
            &state,
            StatusCode::OK,
            &crate::i18n::text("check-email"),
            &crate::i18n::text_with("verify-resent", &[("email", user.email.clone().into())]),
            Some((&format!("/login?tx={}", tx.id), &crate::i18n::text("forgot-back"))),
        )),
        Resend::Limited(secs) => Err(PageError {
            message: crate::i18n::text("verify-resend-limited"),
            ..PageError::too_many(secs)
        }),
    }
}
