//! What a change on the account page must be preceded by. Every page needs a
//! session that met all of the account's requirements ([`signed_in`]); a
//! change to a factor also needs a fresh proof ([`fresh`]) of the strongest
//! kind of factor the person holds, up to the level of the factor changed;
//! and the "current password" a form asks for is checked like a sign-in
//! ([`password_again`]), counting towards the same lock.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::signin;
use super::view::{Refusal, refused};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::login::acr::Level;
use crate::login::password_check::{self, Checked};
use crate::login::policy;
use crate::login::session::{self, Current};
use crate::oidc::authorize::respond::redirect;
use crate::people::User;
use crate::store::StoreError;
use crate::web::pages::PageError;
use crate::web::params::Params;

/// The signed-in person: a live session of an active account that meets every
/// requirement of the account as it stands now (its second factor, a required
/// passkey). `None` sends the browser to sign in, where the authorization
/// endpoint asks for whatever is missing.
pub(super) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Current, User)>, PageError> {
    let Some(current) = session::current(state, headers).await? else { return Ok(None) };
    let user = state.store.user_by_id(&current.session.user_id).await?;
    let Some(user) = user.filter(|u| u.is_active() && current.session.auth_time >= u.sessions_valid_after)
    else {
        return Ok(None);
    };
    if !policy::account_requirements_met(state, &user, current.session.acr).await? {
        return Ok(None);
    }
    Ok(Some((current, user)))
}

/// The level a fresh proof must reach before a factor of level `factor` is
/// added or changed: the strongest kind of factor the person holds (a
/// passkey, else a second factor, else the password), but never more than
/// `factor` itself. A code sent to a number being added proves only that number.
pub(super) async fn level_for(state: &AppState, user: &User, factor: Level) -> Result<Level, StoreError> {
    let strongest = if policy::has_passkey(state, user).await? {
        Level::PhishingResistant
    } else if user.verified_phone().is_some() {
        Level::Mfa
    } else {
        Level::Password
    };
    Ok(strongest.min(factor))
}

/// Whether this session proved `level` within [`policy::FRESH_SECS`]. The
/// password level is also proven by the password typed on the form.
pub(super) fn is_fresh(state: &AppState, current: &Current, level: Level) -> bool {
    let s = &current.session;
    s.acr >= level && policy::is_fresh(s.auth_time, state.clock.now())
}

/// Sends the person through a new sign-in at `level`, back to the account page.
pub(super) fn sign_in_again(state: &AppState, level: Level) -> Response {
    redirect(&signin::reverify_path(state, level))
}

/// The answer that sends the person to make a fresh proof at `level` (see
/// [`level_for`]), when this session has none. The password level is the
/// form's password.
pub(super) fn unless_fresh(state: &AppState, current: &Current, level: Level) -> Option<Response> {
    let proven = level == Level::Password || is_fresh(state, current, level);
    (!proven).then(|| sign_in_again(state, level))
}

/// The password typed again (`current_password`, the input `field` of the
/// page) before a change: checked like a sign-in, so wrong ones count towards
/// the account's lock. The answer to give instead when it is not right, or the
/// lock holds.
pub(super) async fn password_again(
    state: &AppState,
    current: &Current,
    user: &User,
    params: &Params,
    origin: &Origin,
    field: &str,
) -> Result<Option<Response>, PageError> {
    let typed = params.get("current_password").unwrap_or_default();
    let (status, message, reason) = match password_check::check(state, Some(user), typed).await? {
        Checked::Right => return Ok(None),
        Checked::Wrong => {
            (StatusCode::BAD_REQUEST, crate::i18n::text("account-wrong-password"), "wrong password")
        }
        Checked::Locked { until } => (
            StatusCode::TOO_MANY_REQUESTS,
            crate::i18n::text_with(
                "account-password-locked",
                &[("until", crate::i18n::datetime(crate::i18n::current(), until).into())],
            ),
            "locked",
        ),
    };
    let event = Event {
        subject: Some(&user.id),
        detail: Some(json!({ "reason": reason })),
        ..Event::new("account.password_refused")
    };
    audit::record(state, event, origin).await;
    let refusal = Refusal { message: &message, field: Some(field) };
    Ok(Some(refused(state, current, user, status, refusal).await))
}
