//! A passkey after the password: the second step for someone who has one, and
//! the step-up a phishing-resistant requirement asks for. The session then
//! holds the phishing-resistant level, which also counts as two factors.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{TxAnswer, TxBody, onwards, signed_in, take, transaction_for};
use crate::AppState;
use crate::audit::Origin;
use crate::factors::passkeys::{self, Binding};
use crate::login::{acr, policy, session, transaction};
use crate::oidc::authorize::TxQuery;
use crate::web::client_ip::ClientIp;
use crate::web::json_api::{JsonBody, JsonError};
use crate::web::pages::PageError;

/// GET /login/passkey/confirm: the page with "Use your passkey".
pub async fn show(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<TxQuery>) -> Response {
    let page = async {
        let tx = transaction::load(&state, &q.tx).await?.ok_or_else(PageError::expired)?;
        let current = session::current(&state, &headers).await?.ok_or_else(PageError::expired)?;
        let user = state.store.user_by_id(&current.session.user_id).await?.ok_or_else(PageError::expired)?;
        let client = state.store.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
        // A code by text message reaches two factors, not the phishing-resistant level:
        // offer it only where two factors are what is asked.
        let needed = policy::check(&state, &client, &tx.request, &user, &current.session).await?;
        let sms_too = matches!(needed, policy::Needed::SecondFactor);
        Ok::<_, PageError>(state.templates.page(
            StatusCode::OK,
            "passkey_confirm.html",
            json!({ "tx": tx.id, "csrf": tx.csrf, "sms_too": sms_too }),
        ))
    };
    page.await.unwrap_or_else(|p| p.render(&state))
}

/// POST /login/passkey/confirm/options: a challenge for the signed-in person's passkeys.
pub async fn options(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TxBody>,
) -> Result<Json<Value>, JsonError> {
    let tx = transaction_for(&state, &body.tx, &body.csrf).await?;
    let (current, user) = signed_in(&state, &headers).await?;
    let binding = Binding { tx: Some(tx.id), sid: Some(current.session.sid) };
    Ok(Json(passkeys::start_confirmation(&state, &user, binding).await?.to_json()))
}

/// POST /login/passkey/confirm: the assertion; raises the session.
pub async fn finish(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TxAnswer>,
) -> Result<Response, JsonError> {
    let origin = Origin::from_request(ip, &headers);
    let tx = transaction_for(&state, &body.tx, &body.csrf).await?;
    let (mut current, user) = signed_in(&state, &headers).await?;
    let binding = Binding { tx: Some(tx.id.clone()), sid: Some(current.session.sid.clone()) };
    passkeys::finish_confirmation(&state, &user, &binding, &body.answer, &origin).await?;
    let mut tx = take(&state, &tx.id).await?;
    let methods = [acr::AMR_HWK, acr::AMR_USER, acr::AMR_MFA];
    let client_id = tx.request.reply.client_id.clone();
    session::add_second_factor(&state, &mut current, &methods, acr::PHISHING_RESISTANT, &client_id, &origin)
        .await?;
    tx.authenticated_sid = Some(current.session.sid.clone());
    onwards(&state, tx).await
}
