//! The "Two-step verification" switch on the account page. On: the person goes
//! through the second step at once (enrolling a number when they have none).
//! Off: needs the password and a fresh code to the number, and is refused
//! while their role or deployment requires two steps.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::page::{AccountForm, password_again, refuse};
use super::phone::{Purpose, TWO_STEP_OFF, TWO_STEP_REQUIRED, send_code};
use super::signin;
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::factors::phone::PhoneNumber;
use crate::login::policy;
use crate::notify::sign_in_changed;
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
            return Ok(refuse(&state, &current, &user, TWO_STEP_REQUIRED).await);
        }
        if let Err(page) = password_again(&state, &current, &user, &params).await {
            return Ok(page);
        }
        // A fresh code to the number proves the phone is still at hand.
        if let Some(phone) = user.verified_phone().and_then(|p| PhoneNumber::parse(p).ok()) {
            return send_code(&state, &current, &user, &phone, Purpose::TurnOffTwoStep, ip, &origin).await;
        }
        state.store.set_two_step(&user.id, false, state.clock.now()).await?;
        audit::record(&state, Event { subject: Some(&user.id), ..Event::new("two_step.disabled") }, &origin)
            .await;
        sign_in_changed::tell(&state, &user, TWO_STEP_OFF).await;
        Ok::<_, PageError>(redirect("/account"))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}
