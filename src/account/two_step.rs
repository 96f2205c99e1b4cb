//! The "Two-step verification" switch on the account page. On: the person goes
//! through the second step at once (enrolling a number when they have none).
//! Off: needs the password and a fresh code to the number (or, without one,
//! a fresh passkey), and is refused while their role or deployment requires
//! two steps.

use axum::extract::State;
use axum::response::Response;

use super::form::AccountForm;
use super::phone::{Purpose, TWO_STEP_OFF, TWO_STEP_REQUIRED, send_code};
use super::view::refuse;
use super::{proof, signin};
use crate::AppState;
use crate::audit::{self, Event};
use crate::factors::phone::PhoneNumber;
use crate::login::{acr, policy};
use crate::notify::sign_in_changed;
use crate::oidc::authorize::respond::redirect;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;

pub async fn turn_on(
    State(state): State<AppState>,
    AccountForm { current, user, origin, .. }: AccountForm,
) -> Result<Response, PageError> {
    state.store.set_two_step(&user.id, true, state.clock.now()).await?;
    audit::record(&state, Event { subject: Some(&user.id), ..Event::new("two_step.enabled") }, &origin).await;
    sign_in_changed::tell(&state, &user, "changed-two-step-on", &[]).await;
    if current.session.acr.is_multi_factor() {
        return Ok(redirect("/account"));
    }
    Ok(signin::step_up(&state))
}

pub async fn turn_off(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AccountForm { current, user, params, origin }: AccountForm,
) -> Result<Response, PageError> {
    if policy::policy_requires(&state, &user).await? {
        return Ok(refuse(&state, &current, &user, &crate::i18n::text(TWO_STEP_REQUIRED)).await);
    }
    if let Some(answer) =
        proof::password_again(&state, &current, &user, &params, &origin, "two_step_password").await?
    {
        return Ok(answer);
    }
    // A fresh code to the number is the fresh proof of the second factor.
    if let Some(phone) = user.verified_phone().and_then(|p| PhoneNumber::parse(p).ok()) {
        return send_code(&state, &current, &user, &phone, Purpose::TurnOffTwoStep, ip, &origin).await;
    }
    if let Some(page) =
        proof::unless_fresh(&state, &current, proof::level_for(&state, &user, acr::Level::Mfa).await?)
    {
        return Ok(page);
    }
    state.store.set_two_step(&user.id, false, state.clock.now()).await?;
    audit::record(&state, Event { subject: Some(&user.id), ..Event::new("two_step.disabled") }, &origin)
        .await;
    sign_in_changed::tell(&state, &user, TWO_STEP_OFF, &[]).await;
    Ok(redirect("/account"))
}
