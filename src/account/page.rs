//! The account page, the name on it and the browsers signed in to it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::form::AccountForm;
use super::view::{refuse_at, render};
use super::{proof, signin};
use crate::AppState;
use crate::login::session;
use crate::oidc::authorize::respond::redirect;
use crate::onboarding::verification::{self, Resend};
use crate::web::pages::PageError;

pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, PageError> {
    Ok(match proof::signed_in(&state, &headers).await? {
        Some((current, user)) => render(&state, &current, &user, StatusCode::OK, None, None).await,
        None => signin::sign_in(&state),
    })
}

pub async fn update_profile(
    State(state): State<AppState>,
    AccountForm { current, user, params, .. }: AccountForm,
) -> Result<Response, PageError> {
    let given = params.get("given_name").unwrap_or_default().trim();
    let family = params.get("family_name").unwrap_or_default().trim();
    if given.is_empty() || given.chars().count() > 100 || family.chars().count() > 100 {
        let message = &crate::i18n::text("account-name-invalid");
        return Ok(refuse_at(&state, &current, &user, "given_name", message).await);
    }
    state.store.update_user_name(&user.id, given, family, state.clock.now()).await?;
    Ok(redirect("/account"))
}

/// POST /account/verify-email/resend: another verification link, before the deadline.
pub async fn resend_verification(
    State(state): State<AppState>,
    AccountForm { current, user, .. }: AccountForm,
) -> Result<Response, PageError> {
    if user.email_verified {
        return Ok(redirect("/account"));
    }
    match verification::send_again(&state, &user).await? {
        Resend::Sent => {
            let until = user.verify_by.map(|at| crate::i18n::datetime(crate::i18n::current(), at));
            let args = [("email", user.email.clone().into()), ("until", until.unwrap_or_default().into())];
            let notice = crate::i18n::text_with("account-verify-resent", &args);
            Ok(render(&state, &current, &user, StatusCode::OK, Some(&notice), None).await)
        }
        Resend::Limited(secs) => Err(PageError {
            message: crate::i18n::text("verify-resend-limited"),
            ..PageError::too_many(secs)
        }),
    }
}

pub async fn end_session(
    State(state): State<AppState>,
    AccountForm { current, user, params, .. }: AccountForm,
) -> Result<Response, PageError> {
    let open = state.store.open_user_sessions(&user.id, 0).await?;
    let targets: Vec<String> = match params.get("sid") {
        Some("others") => open.into_iter().map(|s| s.sid).filter(|sid| *sid != current.session.sid).collect(),
        Some(sid) if open.iter().any(|s| s.sid == sid) => vec![sid.to_string()],
        Some(_) => return Err(PageError::bad_request(crate::i18n::text("account-session-unknown"))),
        None => return Err(PageError::bad_request("Which session?")),
    };
    for sid in targets {
        session::end_by_sid(&state, &sid).await?;
    }
    Ok(redirect("/account"))
}
