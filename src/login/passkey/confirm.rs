//! A passkey after the password: the second step for someone who has one, and
//! the step-up a phishing-resistant requirement asks for. The sign-in then
//! holds the phishing-resistant level, which also counts as two factors.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use super::{Answered, Challenge};
use crate::AppState;
use crate::audit::Origin;
use crate::factors::passkeys::{self, Binding};
use crate::login::form::{SignInJson, SignInPage, signing_in};
use crate::login::{acr, policy, second_step, steps};
use crate::web::json_api::JsonError;
use crate::web::pages::PageError;

#[derive(Serialize)]
struct ConfirmView<'a> {
    tx: &'a str,
    csrf: &'a str,
    sms_too: bool,
}

/// GET /login/passkey/confirm: the page with "Use your passkey".
pub async fn show(State(state): State<AppState>, SignInPage(tx): SignInPage) -> Result<Response, PageError> {
    let user = signing_in(&state, &tx).await?;
    let pending = tx.pending.as_ref().ok_or_else(PageError::expired)?;
    let client = state.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
    // A code by text message reaches two factors, not the phishing-resistant level:
    // offer it only where two factors are what is asked, and a number is there to send it to.
    let needed = policy::check(&state, &client, &tx.request, &user, pending.acr).await?;
    let sms_too = matches!(needed, policy::Needed::SecondFactor) && user.verified_phone().is_some();
    let view = ConfirmView { tx: &tx.id, csrf: &tx.csrf, sms_too };
    Ok(state.templates.page(StatusCode::OK, "passkey_confirm.html", view))
}

/// POST /login/passkey/confirm/options: a challenge for the passkeys of the person signing in.
pub async fn options(
    State(state): State<AppState>,
    SignInJson { tx, .. }: SignInJson<Challenge>,
) -> Result<Json<Value>, JsonError> {
    let user = signing_in(&state, &tx).await?;
    let binding = Binding { tx: Some(tx.id), sid: None };
    Ok(Json(passkeys::start_confirmation(&state, &user, binding).await?.to_json()))
}

/// POST /login/passkey/confirm: the assertion; raises the sign-in in progress.
pub async fn finish(
    State(state): State<AppState>,
    origin: Origin,
    SignInJson { tx, body }: SignInJson<Answered>,
) -> Result<Response, JsonError> {
    let user = signing_in(&state, &tx).await?;
    let binding = Binding { tx: Some(tx.id.clone()), sid: None };
    passkeys::finish_confirmation(&state, &user, &binding, &body.answer, &origin).await?;
    let methods = [acr::AMR_HWK, acr::AMR_USER, acr::AMR_MFA];
    let next = second_step::raise(&state, &tx, &methods, &origin).await?;
    Ok(Json(serde_json::json!({ "redirect": steps::onwards(&next) })).into_response())
}
