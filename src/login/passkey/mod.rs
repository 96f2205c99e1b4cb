//! Passkeys in the hosted sign-in: signing in with one alone, confirming with
//! one after a password, and the registration a deployment may require.
//! The pages are server-rendered; the WebAuthn calls go through JSON endpoints
//! that `webauthn.js` uses, each carrying its page's `tx` and `csrf`.

pub mod confirm;
pub mod enrol;
pub mod signin;

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::steps;
use super::transaction::{self, LoginTransaction};
use crate::AppState;
use crate::factors::passkeys::Answer;
use crate::web::json_api::JsonError;

/// A request for a challenge: nothing beyond the page's `tx` and `csrf`.
#[derive(Deserialize)]
pub struct Challenge {}

/// The answer to a challenge.
#[derive(Deserialize)]
pub struct Answered {
    #[serde(flatten)]
    pub answer: Answer,
    /// The name of a new passkey (registration only).
    #[serde(default)]
    pub name: String,
}

/// Takes the transaction for this step: of two answers to one page only one goes on.
async fn take(state: &AppState, loaded: &LoginTransaction) -> Result<LoginTransaction, JsonError> {
    transaction::take_loaded(state, loaded).await?.ok_or_else(JsonError::expired)
}

/// Stores the taken transaction for its next step and tells the script where that is.
async fn onwards(state: &AppState, mut tx: LoginTransaction) -> Result<Response, JsonError> {
    tx.sms = None;
    let tx = transaction::next_step(state, tx).await?;
    Ok(Json(json!({ "redirect": steps::onwards(&tx) })).into_response())
}
