//! "Sign in with a passkey" and passkey autofill on the login page: a
//! discoverable passkey with user verification starts a session at the
//! phishing-resistant level, which satisfies every two-step policy.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::{TxAnswer, TxBody, onwards, take, transaction_for};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::factors::passkeys::{self, Binding};
use crate::login::{acr, session};
use crate::onboarding::verification;
use crate::web::client_ip::ClientIp;
use crate::web::json_api::{JsonBody, JsonError};

const WINDOW: Duration = Duration::from_secs(60);

/// POST /login/passkey/options: a challenge any of careid's passkeys can answer.
pub async fn options(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody<TxBody>,
) -> Result<Json<Value>, JsonError> {
    let tx = transaction_for(&state, &body.tx, &body.csrf).await?;
    // Each challenge is kept five minutes: bound how many one address can make.
    let count = state.ephemeral.incr_in_window(&format!("rl:passkey:ip:{ip}"), WINDOW).await?;
    if count > state.config.login.per_ip_per_minute {
        let message = "Too many attempts. Please wait a minute and try again.";
        return Err(JsonError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message));
    }
    let challenge = passkeys::start_sign_in(&state, Binding { tx: Some(tx.id), sid: None }).await?;
    Ok(Json(challenge.to_json()))
}

/// POST /login/passkey: the assertion; signs its owner in.
pub async fn finish(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(body): JsonBody<TxAnswer>,
) -> Result<Response, JsonError> {
    let origin = Origin::from_request(ip, &headers);
    let tx = transaction_for(&state, &body.tx, &body.csrf).await?;
    let binding = Binding { tx: Some(tx.id.clone()), sid: None };
    let user_id = passkeys::finish_sign_in(&state, &binding, &body.answer, &origin).await?;
    let user = state.store.user_by_id(&user_id).await?.filter(|u| u.is_active());
    let refusal = match &user {
        None => Some(("account disabled", "This account cannot sign in.")),
        Some(u) if verification::is_overdue(u, state.clock.now()) => Some((
            "email not verified in time",
            "Please verify your email address first: sign in with your password to get a new link.",
        )),
        Some(_) => None,
    };
    if let Some((reason, message)) = refusal {
        let event = Event {
            subject: Some(&user_id),
            client_id: Some(&tx.request.reply.client_id),
            detail: Some(json!({ "reason": reason, "amr": [acr::AMR_HWK] })),
            ..Event::new("login.failure")
        };
        audit::record(&state, event, &origin).await;
        return Err(JsonError::new(StatusCode::FORBIDDEN, "access_denied", message));
    }
    let user = user.ok_or_else(JsonError::expired)?;
    let mut tx = take(&state, &tx.id).await?;
    let client_id = tx.request.reply.client_id.clone();
    if let Some(old) = session::current(&state, &headers).await? {
        session::end(&state, &old.cookie).await?;
    }
    let amr = [acr::AMR_HWK, acr::AMR_USER, acr::AMR_MFA].map(String::from).to_vec();
    let current = session::start(&state, &user.id, amr, acr::PHISHING_RESISTANT).await?;
    tx.authenticated_sid = Some(current.session.sid.clone());
    let mut response = onwards(&state, tx).await?;
    let event = Event {
        subject: Some(&user.id),
        client_id: Some(&client_id),
        deployment_id: Some(&user.deployment_id),
        detail: Some(json!({ "amr": current.session.amr })),
        ..Event::new("login.success")
    };
    audit::record(&state, event, &origin).await;
    response.headers_mut().insert(header::SET_COOKIE, session::set_cookie(&state, &current.cookie));
    Ok(response)
}
