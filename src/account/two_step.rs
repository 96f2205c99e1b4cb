//! The "Two-step verification" switch on the account page. On: the person goes
//! through the second step at once (enrolling a number when they have none).
//! Off: needs a two-factor session and the password again, and is refused
//! while their role or deployment requires two steps.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::page::{AccountForm, render, reverify};
use super::signin;
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::login::policy;
use crate::oidc::authorize::respond::redirect;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;

pub async fn turn_on(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AccountForm { current, user, .. }: AccountForm,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        state.store.set_two_step(&user.id, true, state.clock.now()).await?;
        audit::record(&state, Event { subject: Some(&user.id), ..Event::new("two_step.enabled") }, &origin)
            .await;
        if policy::is_multi_factor(&current.session.acr) {
            return Ok(redirect("/account"));
        }
        Ok::<_, PageError>(signin::step_up(&state))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

pub async fn turn_off(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        if policy::policy_requires(&state, &user).await? {
            let message = "Your organisation requires two-step verification, so it cannot be turned off.";
            return Ok(render(&state, &current, &user, StatusCode::BAD_REQUEST, None, Some(message)).await);
        }
        if let Err(page) = reverify(&state, &current, &user, &params).await {
            return Ok(page);
        }
        state.store.set_two_step(&user.id, false, state.clock.now()).await?;
        audit::record(&state, Event { subject: Some(&user.id), ..Event::new("two_step.disabled") }, &origin)
            .await;
        Ok::<_, PageError>(redirect("/account"))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}
