//! Signing in with a recovery code in place of the SMS code (a lost or broken
//! phone). The password came first, so the sign-in still has two factors;
//! its `amr` says `mfa` but not `sms`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::form::{SignInForm, SignInPage, signing_in};
use super::second_step::raise;
use super::transaction::LoginTransaction;
use super::{acr, steps};
use crate::AppState;
use crate::audit::Origin;
use crate::factors::recovery_codes;
use crate::oidc::authorize::respond::redirect;
use crate::web::pages::PageError;

#[derive(Serialize)]
struct RecoveryView<'a> {
    tx: &'a str,
    csrf: &'a str,
    error: Option<&'a str>,
}

fn page(state: &AppState, tx: &LoginTransaction, status: StatusCode, error: Option<&str>) -> Response {
    let view = RecoveryView { tx: &tx.id, csrf: &tx.csrf, error };
    state.templates.page_leading_to(status, "recovery_code.html", view, &tx.request.reply.redirect_uri)
}

/// GET /login/recovery: the form, for a sign-in at its second step.
pub async fn show(State(state): State<AppState>, SignInPage(tx): SignInPage) -> Result<Response, PageError> {
    signing_in(&state, &tx).await?;
    Ok(page(&state, &tx, StatusCode::OK, None))
}

/// POST /login/recovery: a right, unused code counts like an SMS code.
pub async fn submit(
    State(state): State<AppState>,
    origin: Origin,
    SignInForm { tx, fields }: SignInForm,
) -> Result<Response, PageError> {
    let user = signing_in(&state, &tx).await?;
    let input = fields.get("code").unwrap_or_default();
    if !recovery_codes::redeem(&state, &user, input, &origin).await? {
        let error = &crate::i18n::text("recovery-code-wrong");
        return Ok(page(&state, &tx, StatusCode::UNAUTHORIZED, Some(error)));
    }
    let next = raise(&state, &tx, &[acr::AMR_MFA], &origin).await?;
    Ok(redirect(&steps::onwards(&next)))
}
