//! Changing or removing the mobile number from the account page: both need the
//! password again and a fresh proof of the second factor the person has; a
//! new number is saved only once a code sent to it is entered; removal is
//! refused while two-step verification is on or required.
//! Turning two-step verification off also waits for a code (to the current
//! number), through the same pending code.

use std::net::IpAddr;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::form::AccountForm;
use super::proof;
use super::view::{csrf, refuse, refuse_at};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::ephemeral::records::{self, Record};
use crate::factors::phone::PhoneNumber;
use crate::factors::sms::codes::{self, CodeError};
use crate::i18n::Arg;
use crate::login::session::Current;
use crate::login::{acr, policy};
use crate::notify::sign_in_changed;
use crate::oidc::authorize::respond::redirect;
use crate::people::User;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;

/// What the person is told when two-step verification goes off.
pub(super) const TWO_STEP_OFF: &str = "changed-two-step-off";

/// Why it cannot go off.
pub(super) const TWO_STEP_REQUIRED: &str = "two-step-required";

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

impl Record for Pending {}

fn code_page(
    state: &AppState,
    csrf: &str,
    pending: &Pending,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let phone = PhoneNumber::parse(&pending.phone).map(|p| p.masked()).unwrap_or_default();
    let turning_off = pending.purpose == Purpose::TurnOffTwoStep;
    let view = CodeView { csrf, phone, error, turning_off };
    state.templates.page(status, "account_phone_code.html", view)
}

#[derive(Serialize)]
struct CodeView<'a> {
    csrf: &'a str,
    phone: String,
    error: Option<String>,
    turning_off: bool,
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
    records::ACCOUNT_PHONE_CODE.put(state, &current.session.sid, &pending).await?;
    Ok(code_page(state, &csrf(current), &pending, StatusCode::OK, None))
}

/// POST /account/phone: password and the new number; after a fresh proof of
/// the factors the person already has, a code goes to the new number.
pub async fn change(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AccountForm { current, user, params, origin }: AccountForm,
) -> Result<Response, PageError> {
    if let Some(answer) =
        proof::password_again(&state, &current, &user, &params, &origin, "phone_password").await?
    {
        return Ok(answer);
    }
    if let Some(page) =
        proof::unless_fresh(&state, &current, proof::level_for(&state, &user, acr::Level::Mfa).await?)
    {
        return Ok(page);
    }
    let phone = match PhoneNumber::parse(params.get("phone").unwrap_or_default()) {
        Ok(phone) => phone,
        Err(e) => return Ok(refuse_at(&state, &current, &user, "new_phone", &e.to_string()).await),
    };
    send_code(&state, &current, &user, &phone, Purpose::NewNumber, ip, &origin).await
}

/// POST /account/phone/verify: the code sent to the new number.
pub async fn verify(
    State(state): State<AppState>,
    AccountForm { current, user, params, origin }: AccountForm,
) -> Result<Response, PageError> {
    let pending: Pending = records::ACCOUNT_PHONE_CODE
        .load(&state, &current.session.sid)
        .await?
        .ok_or_else(|| PageError::from(CodeError::NoCode))?;
    let phone = PhoneNumber::parse(&pending.phone).map_err(|_| PageError::from(CodeError::NoCode))?;
    let input = params.get("code").unwrap_or_default();
    match codes::verify(&state, &pending.challenge, &user, &pending.phone, input, &origin).await {
        Ok(()) => {}
        Err(CodeError::Wrong { remaining }) => {
            let error = crate::i18n::text_with("sms-code-wrong", &[("remaining", remaining.into())]);
            return Ok(code_page(&state, &csrf(&current), &pending, StatusCode::UNAUTHORIZED, Some(error)));
        }
        Err(e) => return Err(e.into()),
    }
    records::ACCOUNT_PHONE_CODE.delete(&state, &current.session.sid).await?;
    let now = state.clock.now();
    let (event, what, args) = match pending.purpose {
        Purpose::NewNumber => {
            state.store.set_verified_phone(&user.id, phone.e164(), now).await?;
            let event =
                Event { detail: Some(json!({ "phone": phone.masked() })), ..Event::new("phone.changed") };
            (event, "changed-phone", vec![("phone", Arg::Text(phone.masked()))])
        }
        Purpose::TurnOffTwoStep => {
            // The policy may have changed while the code was on its way.
            if policy::policy_requires(&state, &user).await? {
                return Ok(refuse(&state, &current, &user, &crate::i18n::text(TWO_STEP_REQUIRED)).await);
            }
            state.store.set_two_step(&user.id, false, now).await?;
            (Event::new("two_step.disabled"), TWO_STEP_OFF, Vec::new())
        }
    };
    audit::record(&state, Event { subject: Some(&user.id), ..event }, &origin).await;
    sign_in_changed::tell(&state, &user, what, &args).await;
    Ok(redirect("/account"))
}

/// POST /account/phone/remove: password and a fresh second factor; refused
/// while two steps are on or required.
pub async fn remove(
    State(state): State<AppState>,
    AccountForm { current, user, params, origin }: AccountForm,
) -> Result<Response, PageError> {
    if policy::user_requires(&state, &user).await? {
        let message = &crate::i18n::text("account-phone-needed");
        return Ok(refuse(&state, &current, &user, message).await);
    }
    if let Some(answer) =
        proof::password_again(&state, &current, &user, &params, &origin, "remove_password").await?
    {
        return Ok(answer);
    }
    if let Some(page) =
        proof::unless_fresh(&state, &current, proof::level_for(&state, &user, acr::Level::Mfa).await?)
    {
        return Ok(page);
    }
    state.store.clear_phone(&user.id, state.clock.now()).await?;
    audit::record(&state, Event { subject: Some(&user.id), ..Event::new("phone.removed") }, &origin).await;
    sign_in_changed::tell(&state, &user, "changed-phone-removed", &[]).await;
    Ok(redirect("/account"))
}
