//! Password reset by email: a request that answers alike for every address, a
//! single-use link valid for `reset_link_secs`, and a new password that ends
//! every session and refresh-token family of the account.

pub mod pages;

use axum::Router;
use axum::routing::get;
use serde_json::json;

use crate::AppState;
use crate::accounts::Email;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::notify::email;
use crate::store::StoreError;

pub const PURPOSE: &str = "reset_password";
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/password/forgot", get(pages::show_forgot).post(pages::submit_forgot))
        .route("/password/reset/{token}", get(pages::show_reset).post(pages::submit_reset))
}

/// Whether `password` may be set; the one place to swap for a fuller policy.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters."));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
    }
    Ok(())
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
            Ok(()) => email::send_template(&state, "password_reset", &user.email, context).await,
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

/// Uses `token` and sets `password` (already checked), then ends every session
/// and refresh-token family of the account; false for an unusable link.
pub async fn complete(
    state: &AppState,
    token: &str,
    password: &str,
    origin: &Origin,
) -> Result<bool, StoreError> {
    let now = state.clock.now();
    let Some(user_id) = state.store.use_email_link(&random::digest(token), PURPOSE, now).await? else {
        return Ok(false);
    };
    let hash = state.passwords.hash(password).await;
    state.store.set_password_hash(&user_id, &hash, now).await?;
    // Whoever knew the old password may hold a session or refresh token: end them all.
    state.store.end_user_sessions(&user_id, now).await?;
    let revoked = state.store.revoke_user_grants(&user_id, "password reset", now).await?;
    let event = Event {
        subject: Some(&user_id),
        detail: Some(json!({ "grants_revoked": revoked })),
        ..Event::new("password.reset_completed")
    };
    audit::record(state, event, origin).await;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_are_8_to_128_characters() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("12345678").is_ok());
        assert!(check_new_password(&"é".repeat(128)).is_ok());
        assert!(check_new_password(&"a".repeat(129)).is_err());
    }
}
