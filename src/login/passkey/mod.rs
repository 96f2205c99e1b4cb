//! Passkeys in the hosted sign-in: signing in with one alone, confirming with
//! one after a password, and the registration a deployment may require.
//! The pages are server-rendered; the WebAuthn calls go through JSON endpoints
//! that `webauthn.js` uses.

pub mod confirm;
pub mod enrol;
pub mod signin;

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::session::{self, Current};
use super::transaction::{self, LoginTransaction};
use crate::AppState;
use crate::accounts::User;
use crate::crypto::random;
use crate::factors::passkeys::Answer;
use crate::web::json_api::JsonError;

/// A request for a challenge from a sign-in page.
#[derive(Deserialize)]
pub struct TxBody {
    pub tx: String,
    pub csrf: String,
}

/// The answer to a challenge, from a sign-in page.
#[derive(Deserialize)]
pub struct TxAnswer {
    pub tx: String,
    pub csrf: String,
    #[serde(flatten)]
    pub answer: Answer,
    /// The name of a new passkey (registration only).
    #[serde(default)]
    pub name: String,
}

/// The live transaction `id`, after its CSRF check.
async fn transaction_for(state: &AppState, id: &str, csrf: &str) -> Result<LoginTransaction, JsonError> {
    let tx = transaction::load(state, id).await?.ok_or_else(JsonError::expired)?;
    if !random::same(csrf, &tx.csrf) {
        return Err(JsonError::bad_request("This page is stale. Please reload it and try again."));
    }
    Ok(tx)
}

/// The person signed in in this browser (the password step came first).
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<(Current, User), JsonError> {
    let current = session::current(state, headers).await?.ok_or_else(JsonError::expired)?;
    let user = state
        .store
        .user_by_id(&current.session.user_id)
        .await?
        .filter(|u| u.is_active())
        .ok_or_else(JsonError::expired)?;
    Ok((current, user))
}

/// Takes the transaction for this step: of two answers to one page only one goes on.
async fn take(state: &AppState, tx_id: &str) -> Result<LoginTransaction, JsonError> {
    transaction::take(state, tx_id).await?.ok_or_else(JsonError::expired)
}

/// Stores the taken transaction for its next step and tells the script where that is.
async fn onwards(state: &AppState, mut tx: LoginTransaction) -> Result<Response, JsonError> {
    tx.sms = None;
    let tx = transaction::next_step(state, tx).await?;
    Ok(Json(json!({ "redirect": format!("/authorize/continue?tx={}", tx.id) })).into_response())
}
