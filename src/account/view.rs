//! What the account page shows, loaded in one place, and the page itself
//! (with a notice, or with why a change was refused).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::AppState;
use crate::crypto::random;
use crate::factors::phone::PhoneNumber;
use crate::login::policy;
use crate::login::session::Current;
use crate::people::{Role, User};
use crate::store::StoreError;
use crate::web::pages::PageError;

/// The account page's CSRF token for this session, derived from the session
/// cookie, which a cross-site page cannot read.
pub(super) fn csrf(current: &Current) -> String {
    random::digest(&format!("account csrf {}", current.cookie))
}

#[derive(Serialize)]
struct AccountView<'a> {
    csrf: String,
    user: Person<'a>,
    app: Option<AppLinks>,
    deployment: Option<String>,
    sessions: Vec<SessionView>,
    accepted: Vec<Accepted>,
    two_step: TwoStep,
    recovery: Recovery,
    passkeys: Passkeys,
    notice: Option<&'a str>,
    error: Option<&'a str>,
    /// The id of the input the error is about (none: the page as a whole).
    error_field: Option<&'a str>,
    /// When an unverified address must be verified by (in the page's language).
    verify_by: Option<String>,
    /// The client this person belongs at, and the link that brings them there.
    onwards: Option<Onwards>,
}

#[derive(Serialize)]
struct Onwards {
    name: String,
    link: String,
}

#[derive(Serialize)]
struct Person<'a> {
    email: &'a str,
    email_verified: bool,
    given_name: Option<&'a str>,
    family_name: Option<&'a str>,
    role: &'a str,
}

#[derive(Serialize)]
struct AppLinks {
    link: String,
    app_store_url: Option<String>,
    play_store_url: Option<String>,
}

#[derive(Serialize)]
struct SessionView {
    sid: String,
    created_at: i64,
    last_seen: i64,
    current: bool,
}

#[derive(Serialize)]
struct Accepted {
    document: String,
    version: String,
    accepted_at: i64,
}

#[derive(Serialize)]
struct TwoStep {
    enabled: bool,
    required: bool,
    phone: Option<String>,
}

#[derive(Serialize)]
struct Recovery {
    issued: i64,
    left: i64,
}

#[derive(Serialize)]
struct Passkeys {
    available: bool,
    items: Vec<PasskeyView>,
    required: bool,
}

#[derive(Serialize)]
struct PasskeyView {
    id: String,
    name: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

async fn load<'a>(
    state: &AppState,
    current: &Current,
    user: &'a User,
    notice: Option<&'a str>,
    error: Option<Refusal<'a>>,
) -> Result<AccountView<'a>, StoreError> {
    // The index follows a session's use to the minute (`session::save`).
    let idle_cutoff =
        state.clock.now() - state.config.session.idle_secs - crate::login::session::INDEX_RESOLUTION_SECS;
    let sessions = state.store.open_user_sessions(&user.id, idle_cutoff).await?;
    let deployment = state.store.deployment(&user.deployment_id).await?;
    let required = policy::policy_requires(state, user).await?;
    let (issued, left) = state.store.recovery_code_counts(&user.id).await?;
    let app = deployment.as_ref().filter(|_| user.role() == Some(Role::Patient)).and_then(|d| {
        let link = d.app_link.clone()?;
        Some(AppLinks {
            link,
            app_store_url: d.app_store_url.clone(),
            play_store_url: d.play_store_url.clone(),
        })
    });
    let passkeys = Passkeys {
        available: state.passkeys.is_some(),
        items: state
            .store
            .passkeys_of(&user.id)
            .await?
            .into_iter()
            .map(|p| PasskeyView {
                id: p.id,
                name: p.name,
                created_at: p.created_at,
                last_used_at: p.last_used_at,
            })
            .collect(),
        required: deployment.as_ref().is_some_and(|d| d.passkey_required),
    };
    let verify_by = user
        .verify_by
        .filter(|_| !user.email_verified)
        .map(|at| crate::i18n::datetime(crate::i18n::current(), at));
    let onwards = crate::onboarding::verification::onwards(state, user).await?;
    Ok(AccountView {
        verify_by,
        onwards: onwards.map(|(name, link)| Onwards { name, link }),
        csrf: csrf(current),
        user: Person {
            email: &user.email,
            email_verified: user.email_verified,
            given_name: user.given_name.as_deref(),
            family_name: user.family_name.as_deref(),
            role: &user.role,
        },
        app,
        deployment: deployment.map(|d| d.name),
        sessions: sessions
            .into_iter()
            .map(|s| SessionView {
                current: s.sid == current.session.sid,
                sid: s.sid,
                created_at: s.created_at,
                last_seen: s.last_seen,
            })
            .collect(),
        accepted: state
            .store
            .acceptances(&user.id)
            .await?
            .into_iter()
            .map(|(document, version, accepted_at)| Accepted { document, version, accepted_at })
            .collect(),
        two_step: TwoStep {
            enabled: user.two_step_enabled || required,
            required,
            phone: user.verified_phone().and_then(|p| PhoneNumber::parse(p).ok()).map(|p| p.masked()),
        },
        recovery: Recovery { issued, left },
        passkeys,
        notice,
        error: error.map(|e| e.message),
        error_field: error.and_then(|e| e.field),
    })
}

/// Why a change was refused, and the input of the form it is about.
#[derive(Clone, Copy)]
pub(super) struct Refusal<'a> {
    pub message: &'a str,
    pub field: Option<&'a str>,
}

/// The account page with `status`, and a `notice` or an `error` to show.
pub(super) async fn render(
    state: &AppState,
    current: &Current,
    user: &User,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> Response {
    let error = error.map(|message| Refusal { message, field: None });
    show(state, current, user, status, notice, error).await
}

/// The account page with `status` and the `refusal` of one of its forms.
pub(super) async fn refused(
    state: &AppState,
    current: &Current,
    user: &User,
    status: StatusCode,
    refusal: Refusal<'_>,
) -> Response {
    show(state, current, user, status, None, Some(refusal)).await
}

async fn show(
    state: &AppState,
    current: &Current,
    user: &User,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<Refusal<'_>>,
) -> Response {
    match load(state, current, user, notice, error).await {
        Ok(view) => state.templates.page(status, "account.html", view),
        Err(e) => PageError::from(e).into_response(),
    }
}

/// The account page again, with `message` saying why a change was refused (400).
pub(super) async fn refuse(state: &AppState, current: &Current, user: &User, message: &str) -> Response {
    render(state, current, user, StatusCode::BAD_REQUEST, None, Some(message)).await
}

/// [`refuse`], the message tied to the input `field` (its id on the page).
pub(super) async fn refuse_at(
    state: &AppState,
    current: &Current,
    user: &User,
    field: &str,
    message: &str,
) -> Response {
    refused(state, current, user, StatusCode::BAD_REQUEST, Refusal { message, field: Some(field) }).await
}
