//! The "2 Step Verification" step of sign-in: a code by SMS to the verified
//! number, or first enrolling a number; the sign-in then has two factors.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::json;

use super::form::{SignInForm, SignInPage, signing_in};
use super::transaction::{self, LoginTransaction, SmsStep};
use super::{acr, policy, steps};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::factors::phone::PhoneNumber;
use crate::factors::recovery_codes;
use crate::factors::sms::codes::{self, CodeError};
use crate::oidc::authorize::respond::redirect;
use crate::people::User;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;

#[derive(Serialize)]
struct CodeView<'a> {
    tx: &'a str,
    csrf: &'a str,
    phone: Option<String>,
    error: Option<String>,
    /// The code can no longer be used: the page offers a new one instead of the field.
    void: bool,
}

fn code_page(state: &AppState, tx: &LoginTransaction, status: StatusCode, error: Option<String>) -> Response {
    code_view(state, tx, status, error, false)
}

fn code_view(
    state: &AppState,
    tx: &LoginTransaction,
    status: StatusCode,
    error: Option<String>,
    void: bool,
) -> Response {
    let phone = tx.sms.as_ref().and_then(|s| PhoneNumber::parse(&s.phone).ok()).map(|p| p.masked());
    let view = CodeView { tx: &tx.id, csrf: &tx.csrf, phone, error, void };
    state.templates.page_leading_to(status, "sms_code.html", view, &tx.request.reply.redirect_uri)
}

#[derive(Serialize)]
struct PhoneView<'a> {
    tx: &'a str,
    csrf: &'a str,
    error: Option<String>,
    phone: &'a str,
}

fn phone_page(
    state: &AppState,
    tx: &LoginTransaction,
    status: StatusCode,
    error: Option<String>,
    typed: &str,
) -> Response {
    let view = PhoneView { tx: &tx.id, csrf: &tx.csrf, error, phone: typed };
    state.templates.page_leading_to(status, "phone.html", view, &tx.request.reply.redirect_uri)
}

/// GET /login/sms: sends a code to the verified number (once per transaction),
/// or asks for a number when there is none yet.
pub async fn show(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    origin: Origin,
    SignInPage(mut tx): SignInPage,
) -> Result<Response, PageError> {
    let user = signing_in(&state, &tx).await?;
    if tx.sms.is_none() {
        let Some(phone) = user.verified_phone().and_then(|p| PhoneNumber::parse(p).ok()) else {
            if !may_enrol(&state, &tx, &user).await? {
                return Ok(redirect(&format!("/login/passkey/confirm?tx={}", tx.id)));
            }
            return Ok(phone_page(&state, &tx, StatusCode::OK, None, ""));
        };
        let challenge = random::token(24);
        tx.sms = Some(SmsStep { challenge: challenge.clone(), phone: phone.e164().into(), enrolling: false });
        transaction::save(&state, &tx).await?;
        codes::send(&state, &challenge, &user, &phone, ip, &origin).await?;
    }
    Ok(code_page(&state, &tx, StatusCode::OK, None))
}

/// Whether this sign-in may enrol a first number: only where the account has
/// no second factor at all, and the password is fresh (the ladder sends an
/// older session's step-up back to the login page first).
/// Someone with a passkey confirms with it; a password alone never adds a factor.
async fn may_enrol(state: &AppState, tx: &LoginTransaction, user: &User) -> Result<bool, PageError> {
    let fresh = tx.pending.as_ref().is_some_and(|p| p.is_fresh(state.clock.now()));
    Ok(fresh && user.verified_phone().is_none() && !policy::has_passkey(state, user).await?)
}

/// POST /login/phone: the number to enrol; a code goes to it.
pub async fn enrol(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    origin: Origin,
    SignInForm { mut tx, fields }: SignInForm,
) -> Result<Response, PageError> {
    let user = signing_in(&state, &tx).await?;
    if !may_enrol(&state, &tx, &user).await? {
        return Ok(redirect(&format!("/login/sms?tx={}", tx.id)));
    }
    let typed = fields.get("phone").unwrap_or_default();
    let phone = match PhoneNumber::parse(typed) {
        Ok(phone) => phone,
        Err(e) => return Ok(phone_page(&state, &tx, StatusCode::BAD_REQUEST, Some(e.to_string()), typed)),
    };
    let step = SmsStep { challenge: random::token(24), phone: phone.e164().into(), enrolling: true };
    codes::send(&state, &step.challenge, &user, &phone, ip, &origin).await?;
    tx.sms = Some(step);
    transaction::save(&state, &tx).await?;
    Ok(redirect(&format!("/login/sms?tx={}", tx.id)))
}

/// POST /login/sms/resend: a new code for the same step, after 30 seconds.
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    origin: Origin,
    SignInForm { tx, .. }: SignInForm,
) -> Result<Response, PageError> {
    let user = signing_in(&state, &tx).await?;
    let step = tx.sms.as_ref().ok_or_else(PageError::expired)?;
    let phone = PhoneNumber::parse(&step.phone).map_err(|_| PageError::expired())?;
    match codes::send(&state, &step.challenge, &user, &phone, ip, &origin).await {
        Ok(()) => Ok(redirect(&format!("/login/sms?tx={}", tx.id))),
        // The wait and the limits are said on the code page, where the button is.
        Err(e @ (CodeError::TooSoon { .. } | CodeError::Limited { .. })) => {
            let page = PageError::from(e);
            let mut response = code_view(&state, &tx, page.status, Some(page.message), true);
            if let Some(secs) = page.retry_after
                && let Ok(value) = axum::http::HeaderValue::from_str(&secs.to_string())
            {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /login/sms: the code; a right one gives the sign-in two factors.
pub async fn submit(
    State(state): State<AppState>,
    origin: Origin,
    SignInForm { tx, fields }: SignInForm,
) -> Result<Response, PageError> {
    let user = signing_in(&state, &tx).await?;
    let step = tx.sms.clone().ok_or_else(PageError::expired)?;
    let input = fields.get("code").unwrap_or_default();
    match codes::verify(&state, &step.challenge, &user, &step.phone, input, &origin).await {
        Ok(()) => {}
        Err(CodeError::Wrong { remaining }) => {
            let error = crate::i18n::text_with("sms-code-wrong", &[("remaining", remaining.into())]);
            return Ok(code_page(&state, &tx, StatusCode::UNAUTHORIZED, Some(error)));
        }
        // Too many wrong tries (or expired): say so, with a new code one button away.
        Err(CodeError::NoCode) => {
            let error = crate::i18n::text("sms-code-void-page");
            return Ok(code_view(&state, &tx, StatusCode::BAD_REQUEST, Some(error), true));
        }
        Err(e) => return Err(e.into()),
    }
    if step.enrolling {
        state.store.set_verified_phone(&user.id, &step.phone, state.clock.now()).await?;
        let masked = PhoneNumber::parse(&step.phone).map(|p| p.masked()).unwrap_or_default();
        let event = Event {
            subject: Some(&user.id),
            detail: Some(json!({ "phone": masked })),
            ..Event::new("phone.enrolled")
        };
        audit::record(&state, event, &origin).await;
        // Added here when a policy asks for it: said by email like a change on the account page.
        crate::notify::sign_in_changed::tell(&state, &user, "changed-phone", &[("phone", masked.into())])
            .await;
    }
    let next = raise(&state, &tx, &[acr::AMR_SMS, acr::AMR_MFA], &origin).await?;
    // The first time someone sets up two steps they get recovery codes, shown once.
    let (issued, _) = state.store.recovery_code_counts(&user.id).await?;
    if issued > 0 {
        return Ok(redirect(&steps::onwards(&next)));
    }
    let codes = recovery_codes::issue(&state, &user, &origin).await?;
    Ok(recovery_codes_page(&state, &codes, Some(&next.id)))
}

#[derive(Serialize)]
struct RecoveryCodesView<'a> {
    codes: &'a [String],
    tx: Option<&'a str>,
}

/// The new recovery codes, shown once; `tx` is the sign-in to go on with, if any.
pub fn recovery_codes_page(state: &AppState, codes: &[String], tx: Option<&str>) -> Response {
    state.templates.page(StatusCode::OK, "recovery_codes.html", RecoveryCodesView { codes, tx })
}

/// Adds the second factor `methods` (two factors) to the sign-in in progress
/// of `loaded` and stores it for the ladder; the transaction to continue.
pub(super) async fn raise(
    state: &AppState,
    loaded: &LoginTransaction,
    methods: &[&str],
    origin: &Origin,
) -> Result<LoginTransaction, PageError> {
    // One continuation per transaction, however often the form is submitted.
    let mut tx = transaction::take_loaded(state, loaded).await?.ok_or_else(PageError::expired)?;
    let pending = tx.pending.as_mut().ok_or_else(PageError::expired)?;
    let level = if methods.contains(&acr::AMR_HWK) { acr::Level::PhishingResistant } else { acr::Level::Mfa };
    pending.add_factor(methods, level);
    let event = Event {
        subject: Some(&pending.user_id),
        client_id: Some(&tx.request.reply.client_id),
        detail: Some(json!({ "amr": pending.amr })),
        ..Event::new("login.second_factor")
    };
    audit::record(state, event, origin).await;
    tx.sms = None;
    Ok(transaction::next_step(state, tx).await?)
}
