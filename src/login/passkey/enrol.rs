//! The passkey registration sign-in requires of members of a deployment with
//! `passkey_required` who have none yet ("biometric login mandatory"): there is
//! no way past it but adding one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use super::{Answered, Challenge, onwards, take};
use crate::AppState;
use crate::audit::Origin;
use crate::factors::passkeys::{self, Binding};
use crate::login::form::{SignInJson, SignInPage, signing_in};
use crate::login::policy;
use crate::login::steps;
use crate::login::transaction::LoginTransaction;
use crate::oidc::authorize::respond::redirect;
use crate::people::User;
use crate::web::json_api::JsonError;
use crate::web::pages::PageError;

#[derive(Serialize)]
struct RegisterView<'a> {
    tx: &'a str,
    csrf: &'a str,
}

/// GET /login/passkey/register: the page with "Add a passkey".
pub async fn show(State(state): State<AppState>, SignInPage(tx): SignInPage) -> Result<Response, PageError> {
    let user = signing_in(&state, &tx).await?;
    if !policy::passkey_enrolment_needed(&state, &user).await? {
        return Ok(redirect(&steps::onwards(&tx)));
    }
    let view = RegisterView { tx: &tx.id, csrf: &tx.csrf };
    Ok(state.templates.page(StatusCode::OK, "passkey_register.html", view))
}

/// POST /login/passkey/register/options: creation options for the person signing in.
pub async fn options(
    State(state): State<AppState>,
    SignInJson { tx, .. }: SignInJson<Challenge>,
) -> Result<Json<Value>, JsonError> {
    let user = enrolling(&state, &tx).await?;
    let binding = Binding { tx: Some(tx.id), sid: None };
    Ok(Json(passkeys::start_registration(&state, &user, binding).await?.to_json()))
}

/// POST /login/passkey/register: the new credential; sign-in goes on.
pub async fn finish(
    State(state): State<AppState>,
    origin: Origin,
    SignInJson { tx, body }: SignInJson<Answered>,
) -> Result<Response, JsonError> {
    let user = enrolling(&state, &tx).await?;
    let binding = Binding { tx: Some(tx.id.clone()), sid: None };
    passkeys::finish_registration(&state, &user, &binding, &body.answer, &body.name, &origin).await?;
    let tx = take(&state, &tx).await?;
    onwards(&state, tx).await
}

/// The person signing in in `tx`, when this step is theirs to take: their
/// deployment requires a passkey, they have none, and their password is
/// fresh. Outside it, adding a passkey is the account page's.
async fn enrolling(state: &AppState, tx: &LoginTransaction) -> Result<User, JsonError> {
    let user = signing_in(state, tx).await?;
    let fresh = tx.pending.as_ref().is_some_and(|p| p.is_fresh(state.clock.now()));
    if !fresh || !policy::passkey_enrolment_needed(state, &user).await? {
        return Err(JsonError::bad_request(crate::i18n::text("passkey-already")));
    }
    Ok(user)
}
