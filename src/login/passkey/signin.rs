//! "Sign in with a passkey" and passkey autofill on the login page: a
//! discoverable passkey with user verification starts a session at the
//! phishing-resistant level, which satisfies every two-step policy.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Answered, Challenge, onwards, take};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::factors::passkeys::{self, Binding};
use crate::limits::{self, Limit};
use crate::login::acr;
use crate::login::form::SignInJson;
use crate::login::transaction::Pending;
use crate::web::client_ip::ClientIp;
use crate::web::json_api::JsonError;

/// POST /login/passkey/options: a challenge any of careid's passkeys can answer.
pub async fn options(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    SignInJson { tx, .. }: SignInJson<Challenge>,
) -> Result<Json<Value>, JsonError> {
    // Each challenge is kept five minutes: bound how many one address can make.
    if limits::check(&state, Limit::PasskeyPerIp, ip).await?.is_err() {
        let message = &crate::i18n::text("passkey-too-many");
        return Err(JsonError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message));
    }
    let challenge = passkeys::start_sign_in(&state, Binding { tx: Some(tx.id), sid: None }).await?;
    Ok(Json(challenge.to_json()))
}

/// POST /login/passkey: the assertion; signs its owner in.
pub async fn finish(
    State(state): State<AppState>,
    origin: Origin,
    SignInJson { tx, body }: SignInJson<Answered>,
) -> Result<Response, JsonError> {
    let binding = Binding { tx: Some(tx.id.clone()), sid: None };
    let user_id = passkeys::finish_sign_in(&state, &binding, &body.answer, &origin).await?;
    let Some(user) = state.store.user_by_id(&user_id).await?.filter(|u| u.is_active()) else {
        let event = Event {
            subject: Some(&user_id),
            client_id: Some(&tx.request.reply.client_id),
            detail: Some(json!({ "reason": "account disabled", "amr": [acr::AMR_HWK] })),
            ..Event::new("login.failure")
        };
        audit::record(&state, event, &origin).await;
        let message = &crate::i18n::text("passkey-account-cannot");
        return Err(JsonError::new(StatusCode::FORBIDDEN, "access_denied", message));
    };
    let mut tx = take(&state, &tx).await?;
    let amr = [acr::AMR_HWK, acr::AMR_USER, acr::AMR_MFA];
    let pending = Pending::first_factor(&user.id, &amr, acr::Level::PhishingResistant, state.clock.now());
    let event = Event {
        subject: Some(&user.id),
        client_id: Some(&tx.request.reply.client_id),
        deployment_id: Some(&user.deployment_id),
        detail: Some(json!({ "amr": pending.amr })),
        ..Event::new("login.success")
    };
    audit::record(&state, event, &origin).await;
    // The ladder makes it the session once the account's requirements are
    // met (a passkey meets every two-step rule; an overdue email does not).
    tx.pending = Some(pending);
    onwards(&state, tx).await
}
