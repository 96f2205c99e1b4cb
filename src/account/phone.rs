//! Changing or removing the mobile number from the account page: both need the
//! password again; a new number is saved only once a code sent to it is
//! entered; removal is refused while two-step verification is on or required.
//! Turning two-step verification off also waits for a code (to the current
//! number), through the same pending code.

use std::net::IpAddr;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::page::{AccountForm, csrf, password_again, refuse};
use crate::AppState;
use crate::accounts::User;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::factors::phone::PhoneNumber;
use crate::factors::sms::codes::{self, CodeError};
use crate::login::policy;
use crate::login::session::Current;
use crate::notify::sign_in_changed;
use crate::oidc::authorize::respond::redirect;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;

/// What the person is told when two-step verification goes off.
pub(super) const TWO_STEP_OFF: &str = "Two-step verification was turned off for your account.";

/// Why it cannot go off.
pub(super) const TWO_STEP_REQUIRED: &str =
    "Your organisation requires two-step verification, so it cannot be turned off.";

/// What a right code confirms.
#[derive(Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(super) enum Purpose {
    /// Saving a new number.
    NewNumber,
    /// Turning two-step verification off.
    TurnOffTwoStep,
}

/// A code waiting to be entered, for one browser session.
#[derive(Serialize, Deserialize)]
struct Pending {
    challenge: String,
    phone: String,
    purpose: Purpose,
}

fn pending_key(current: &Current) -> String {
    format!("account:phone:{}", current.session.sid)
}

fn code_page(
    state: &AppState,
    csrf: &str,
    pending: &Pending,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let phone = PhoneNumber::parse(&pending.phone).map(|p| p.masked()).unwrap_or_default();
    let turning_off = pending.purpose == Purpose::TurnOffTwoStep;
    let context = json!({ "csrf": csrf, "phone": phone, "error": error, "turning_off": turning_off });
    state.templates.page(status, "account_phone_code.html", context)
}

/// Sends a code to `phone` for `purpose` and shows the page to enter it.
pub(super) async fn send_code(
    state: &AppState,
    current: &Current,
    user: &User,
    phone: &PhoneNumber,
    purpose: Purpose,
    ip: IpAddr,
    origin: &Origin,
) -> Result<Response, PageError> {
    let pending = Pending { challenge: random::token(24), phone: phone.e164().into(), purpose };
    codes::send(state, &pending.challenge, user, phone, ip, origin).await?;
    let bytes = serde_json::to_vec(&pending).expect("serialising a pending code");
    let ttl = Duration::from_secs(codes::LIFETIME_SECS as u64);
    state.ephemeral.put(&pending_key(current), &bytes, ttl).await?;
    Ok(code_page(state, &csrf(current), &pending, StatusCode::OK, None))
}

/// POST /account/phone: password and the new number; a code goes to the number.
pub async fn change(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        let password = params.get("current_password").unwrap_or_default();
        let parsed = if state.passwords.verify(password, user.password_hash.as_deref()).await {
            PhoneNumber::parse(params.get("phone").unwrap_or_default()).map_err(|e| e.to_string())
        } else {
            Err("Your password is not right.".to_string())
        };
        let phone = match parsed {
            Ok(phone) => phone,
            Err(message) => {
                return Ok(refuse(&state, &current, &user, &message).await);
            }
        };
        send_code(&state, &current, &user, &phone, Purpose::NewNumber, ip, &origin).await
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

/// POST /account/phone/verify: the code sent to the new number.
pub async fn verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        let bytes = state
            .ephemeral
            .get(&pending_key(&current))
            .await?
            .ok_or_else(|| PageError::from(CodeError::NoCode))?;
        let pending: Pending =
            serde_json::from_slice(&bytes).map_err(|_| PageError::from(CodeError::NoCode))?;
        let phone = PhoneNumber::parse(&pending.phone).map_err(|_| PageError::from(CodeError::NoCode))?;
        let input = params.get("code").unwrap_or_default();
        match codes::verify(&state, &pending.challenge, &user, &pending.phone, input, &origin).await {
            Ok(()) => {}
            Err(CodeError::Wrong { remaining }) => {
                let error = format!("That code is not right. You have {remaining} more tries.");
                return Ok(code_page(
                    &state,
                    &csrf(&current),
                    &pending,
                    StatusCode::UNAUTHORIZED,
                    Some(error),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        state.ephemeral.delete(&pending_key(&current)).await?;
        let now = state.clock.now();
        let (event, what) = match pending.purpose {
            Purpose::NewNumber => {
                state.store.set_verified_phone(&user.id, phone.e164(), now).await?;
                let event =
                    Event { detail: Some(json!({ "phone": phone.masked() })), ..Event::new("phone.changed") };
                (event, format!("Codes for signing in now go to the mobile number {}.", phone.masked()))
            }
            Purpose::TurnOffTwoStep => {
                // The policy may have changed while the code was on its way.
                if policy::policy_requires(&state, &user).await? {
                    return Ok(refuse(&state, &current, &user, TWO_STEP_REQUIRED).await);
                }
                state.store.set_two_step(&user.id, false, now).await?;
                (Event::new("two_step.disabled"), TWO_STEP_OFF.to_string())
            }
        };
        audit::record(&state, Event { subject: Some(&user.id), ..event }, &origin).await;
        sign_in_changed::tell(&state, &user, &what).await;
        Ok::<_, PageError>(redirect("/account"))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

/// POST /account/phone/remove: password; refused while two steps are on or required.
pub async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        if policy::user_requires(&state, &user).await? {
            let message = "Two-step verification needs your mobile number, so it cannot be removed.";
            return Ok(refuse(&state, &current, &user, message).await);
        }
        if let Err(page) = password_again(&state, &current, &user, &params).await {
            return Ok(page);
        }
        state.store.clear_phone(&user.id, state.clock.now()).await?;
        audit::record(&state, Event { subject: Some(&user.id), ..Event::new("phone.removed") }, &origin)
            .await;
        sign_in_changed::tell(&state, &user, "The mobile number was removed from your account.").await;
        Ok::<_, PageError>(redirect("/account"))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}
