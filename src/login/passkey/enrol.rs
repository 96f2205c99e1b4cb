//! The passkey registration sign-in requires of members of a deployment with
//! `passkey_required` who have none yet ("biometric login mandatory"): there is
//! no way past it but adding one.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{TxAnswer, TxBody, onwards, signed_in, take, transaction_for};
use crate::AppState;
use crate::audit::Origin;
use crate::factors::passkeys::{self, Binding};
use crate::login::{policy, session, transaction};
use crate::oidc::authorize::TxQuery;
use crate::oidc::authorize::respond::redirect;
use crate::web::client_ip::ClientIp;
use crate::web::json_api::{JsonBody, JsonError};
use crate::web::pages::PageError;

/// GET /login/passkey/register: the page with "Add a passkey".
pub async fn show(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<TxQuery>) -> Response {
    let page = async {
        let tx = transaction::load(&state, &q.tx).await?.ok_or_else(PageError::expired)?;
        let current = session::current(&state, &headers).await?.ok_or_else(PageError::expired)?;
        let user = state.store.user_by_id(&current.session.user_id).await?.ok_or_else(PageError::expired)?;
        if !policy::passkey_enrolment_needed(&state, &user).await? {
            return Ok(redirect(&format!("/authorize/continue?tx={}", tx.id)));
        }
        Ok::<_, PageError>(state.templates.page(
            StatusCode::OK,
            "passkey_register.html",
            json!({ "tx": tx.id, "csrf": tx.csrf }),
        ))
    };
    page.await.unwrap_or_else(|p| p.render(&state))
}

/// POST /login/passkey/register/options: creation options for the signed-in person.
pub async fn options(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TxBody>,
) -> Result<Json<Value>, JsonError> {
    let tx = transaction_for(&state, &body.tx, &body.csrf).await?;
    let (current, user) = signed_in(&state, &headers).await?;
    // Outside the required step, adding a passkey is the account page's (with a fresh sign-in).
    if !policy::passkey_enrolment_needed(&state, &user).await? {
        return Err(JsonError::bad_request("You already have a passkey. Add more from your account page."));
    }
    let binding = Binding { tx: Some(tx.id), sid: Some(current.session.sid) };
    Ok(Json(passkeys::start_registration(&state, &user, binding).await?.to_json()))
}

/// POST /login/passkey/register: the new credential; sign-in goes on.
pub async fn finish(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TxAnswer>,
) -> Result<Response, JsonError> {
    let origin = Origin::from_request(ip, &headers);
    let tx = transaction_for(&state, &body.tx, &body.csrf).await?;
    let (current, user) = signed_in(&state, &headers).await?;
    let binding = Binding { tx: Some(tx.id.clone()), sid: Some(current.session.sid.clone()) };
    passkeys::finish_registration(&state, &user, &binding, &body.answer, &body.name, &origin).await?;
    let tx = take(&state, &tx.id).await?;
    onwards(&state, tx).await
}
