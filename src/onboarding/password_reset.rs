//! Password reset by email: a request that answers alike for every address, a
//! single-use link valid for `reset_link_secs`, and a new password that ends
//! every session and refresh-token family of the account.

pub mod pages;

use axum::Router;
use axum::routing::get;
use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::login::policy;
use crate::login::session::{self, SessionError};
use crate::notify::email;
use crate::people::{Email, password_policy};
use crate::store::StoreError;

pub const PURPOSE: &str = "reset_password";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/password/forgot", get(pages::show_forgot).post(pages::submit_forgot))
        .route("/password/reset/{token}", get(pages::show_reset).post(pages::submit_reset))
}

/// Why a new password was not set.
pub enum NotSet {
    /// Unknown, used or expired link.
    UnusableLink,
    /// The password policy refused it; the reason is for the person.
    Refused(String),
}

/// The password policy for the account the link `token` resets: the new
/// password, normalised, or why not.
async fn checked_password(
    state: &AppState,
    token: &str,
    password: &str,
) -> Result<Result<String, NotSet>, StoreError> {
    let now = state.clock.now();
    let Some(user_id) = state.store.email_link_user(&random::digest(token), PURPOSE, now).await? else {
        return Ok(Err(NotSet::UnusableLink));
    };
    let Some(user) = state.store.user_by_id(&user_id).await? else { return Ok(Err(NotSet::UnusableLink)) };
    let deployment = state.store.deployment(&user.deployment_id).await?;
    let rule = policy::password_rule(state, user.role(), deployment.as_ref());
    let deployment_name = deployment.map(|d| d.name).unwrap_or_default();
    let password = password_policy::normalize(password);
    let inputs = [user.email.as_str(), user.name.as_str(), deployment_name.as_str()];
    Ok(rule.check(&password, &inputs).map(|()| password).map_err(|r| NotSet::Refused(r.to_string())))
}

/// Sends a reset link when `email` has an account. The caller answers the same
/// either way; the token, its digest and the voiding of older links are done for
/// every address, and the rest runs in the background, so neither the page nor
/// its timing nor a failure tells whether the account exists.
pub async fn request(state: &AppState, email: &Email, origin: &Origin) -> Result<(), StoreError> {
    let now = state.clock.now();
    let user = state.store.user_by_email(email.as_str()).await?;
    let token = random::token(32);
    let digest = random::digest(&token);
    let user_id = user.as_ref().map_or("", |u| u.id.as_str());
    state.store.void_email_links(user_id, PURPOSE, now).await?;
    let Some(user) = user else { return Ok(()) };
    let state = state.clone();
    let origin = origin.clone();
    tokio::spawn(async move {
        let expires_at = now + state.config.onboarding.reset_link_secs;
        let context = json!({
            "name": user.name,
            "link": state.config.url(&format!("/password/reset/{token}")),
            "minutes": state.config.onboarding.reset_link_secs / 60,
        });
        let queued = match state.store.insert_email_link(&digest, PURPOSE, &user.id, now, expires_at).await {
            Ok(()) => email::send_template(&state, "password_reset", &user, context).await,
            Err(e) => Err(e.into()),
        };
        if let Err(e) = queued {
            tracing::error!(error = %e, "password reset email not queued");
            return;
        }
        let event = Event { subject: Some(&user.id), ..Event::new("password.reset_requested") };
        audit::record(&state, event, &origin).await;
    });
    Ok(())
}

/// Whether `token` is a usable reset link (the GET shows the form only).
pub async fn link_is_open(state: &AppState, token: &str) -> Result<bool, StoreError> {
    state.store.email_link_is_open(&random::digest(token), PURPOSE, state.clock.now()).await
}

/// Checks `password` against the policy for the account, uses `token` and sets
/// the password, then ends every session and refresh-token family of the account.
pub async fn complete(
    state: &AppState,
    token: &str,
    password: &str,
    origin: &Origin,
) -> Result<Result<(), NotSet>, SessionError> {
    let password = match checked_password(state, token, password).await? {
        Ok(password) => password,
        Err(not_set) => return Ok(Err(not_set)),
    };
    let now = state.clock.now();
    let Some(user_id) = state.store.use_email_link(&random::digest(token), PURPOSE, now).await? else {
        return Ok(Err(NotSet::UnusableLink));
    };
    let hash = state.passwords.hash(&password).await;
    state.store.set_password_hash(&user_id, &hash, now).await?;
    // Whoever knew the old password may hold a session or refresh token: end them all.
    session::end_all(state, &user_id).await?;
    let revoked = state.store.revoke_user_grants(&user_id, "password reset", now).await?;
    let event = Event {
        subject: Some(&user_id),
        detail: Some(json!({ "grants_revoked": revoked })),
        ..Event::new("password.reset_completed")
    };
    audit::record(state, event, origin).await;
    Ok(Ok(()))
}
