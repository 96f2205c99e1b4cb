//! Email verification: a single-use link valid until the account's deadline,
//! one reminder before it, and a new link (with a new deadline) for an account
//! that missed it and so may not sign in.

pub mod pages;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::ephemeral::EphemeralError;
use crate::limits::{self, Limit};
use crate::notify::email::{self, EmailError};
use crate::onboarding::journey;
use crate::people::User;
use crate::store::StoreError;

pub const PURPOSE: &str = "verify_email";
/// When a deployment row is missing (it never should be), the seed's 24 hours.
const DEFAULT_HOURS: i64 = 24;
const REMINDER_SWEEP: Duration = Duration::from_secs(60);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login/verify-email", get(pages::blocked))
        .route("/verify-email/resend", post(pages::resend))
        .route("/verify-email/{token}", get(pages::show).post(pages::submit))
}

/// Whether the account missed its verification deadline (and so may not sign in).
pub fn is_overdue(user: &User, now: i64) -> bool {
    !user.email_verified && user.verify_by.is_some_and(|deadline| deadline <= now)
}

/// Sends a verification link valid until the user's deadline.
pub async fn send(state: &AppState, user: &User) -> Result<(), EmailError> {
    send_link(state, user, "verify_email").await
}

async fn send_link(state: &AppState, user: &User, template: &str) -> Result<(), EmailError> {
    let now = state.clock.now();
    let deadline = match user.verify_by {
        Some(deadline) => deadline,
        None => now + deployment_hours(state, &user.deployment_id).await? * 3600,
    };
    let token = random::token(32);
    state.store.insert_email_link(&random::digest(&token), PURPOSE, &user.id, now, deadline).await?;
    let (client, client_link) = match onwards(state, user).await? {
        Some((name, link)) => (Some(name), Some(link)),
        None => (None, None),
    };
    let context = json!({
        "client": client,
        "client_link": client_link,
        "name": user.name,
        "link": state.config.url(&format!("/verify-email/{token}")),
        // Rounded up: "23 hours" for 23 h 59 min would be a broken promise the other way.
        "hours": ((deadline - now) + 3599) / 3600,
    });
    email::send_template(state, template, user, context).await
}

async fn deployment_hours(state: &AppState, deployment_id: &str) -> Result<i64, StoreError> {
    Ok(state.store.deployment(deployment_id).await?.map_or(DEFAULT_HOURS, |d| d.email_verification_hours))
}

/// The client `user` goes on to once verified, and the link that brings them
/// there signed in (`/start/…`), when careid can bring them there.
pub async fn onwards(state: &AppState, user: &User) -> Result<Option<(String, String)>, StoreError> {
    let Some(client) = journey::client_of(state, user).await? else { return Ok(None) };
    if journey::arrival(state, &client, None) == journey::Arrival::Nowhere {
        return Ok(None);
    }
    Ok(Some((client.name.clone(), journey::start_url(state, &client))))
}

/// The owner of a link that no longer verifies, when their address is
/// verified already (a link opened twice): the page says so instead of
/// calling the link broken.
pub async fn already_verified(state: &AppState, token: &str) -> Result<Option<User>, StoreError> {
    if token.len() > 64 {
        return Ok(None);
    }
    let Some(user_id) = state.store.email_link_owner(&random::digest(token), PURPOSE).await? else {
        return Ok(None);
    };
    Ok(state.store.user_by_id(&user_id).await?.filter(|u| u.email_verified))
}

/// Whether `token` would verify (the GET shows a button and uses nothing, so
/// mail scanners that prefetch links burn no link).
pub async fn link_is_open(state: &AppState, token: &str) -> Result<bool, StoreError> {
    state.store.email_link_is_open(&random::digest(token), PURPOSE, state.clock.now()).await
}

/// Uses `token` and marks its account verified: the account, or `None` for
/// an unknown, used or expired link.
pub async fn verify(state: &AppState, token: &str, origin: &Origin) -> Result<Option<User>, StoreError> {
    let now = state.clock.now();
    let Some(user_id) = state.store.use_email_link(&random::digest(token), PURPOSE, now).await? else {
        return Ok(None);
    };
    state.store.mark_email_verified(&user_id, now).await?;
    audit::record(state, Event { subject: Some(&user_id), ..Event::new("email.verified") }, origin).await;
    state.store.user_by_id(&user_id).await
}

pub enum Resend {
    Sent,
    /// Too many links asked for; try again after this many seconds.
    Limited(i64),
}

/// A new deadline and a new link for an account that missed its deadline, a
/// few times an hour at most (each one is an email to someone's inbox).
pub async fn resend(state: &AppState, user: &User) -> Result<Resend, ResendError> {
    if let Err(limited) = limits::check(state, Limit::VerificationResend, &user.id).await? {
        return Ok(Resend::Limited(limited.retry_after));
    }
    let now = state.clock.now();
    let deadline = now + deployment_hours(state, &user.deployment_id).await? * 3600;
    state.store.void_email_links(&user.id, PURPOSE, now).await?;
    state.store.set_verification_deadline(&user.id, deadline, now).await?;
    let user = User { verify_by: Some(deadline), ..user.clone() };
    send(state, &user).await?;
    Ok(Resend::Sent)
}

/// Another link for an account still within its deadline (the email went
/// missing), asked for from the account page: the same deadline, older
/// links void, a few times an hour at most. The signed-in session is all it
/// needs: it proves nothing new and changes no credential.
pub async fn send_again(state: &AppState, user: &User) -> Result<Resend, ResendError> {
    if let Err(limited) = limits::check(state, Limit::VerificationResend, &user.id).await? {
        return Ok(Resend::Limited(limited.retry_after));
    }
    state.store.void_email_links(&user.id, PURPOSE, state.clock.now()).await?;
    send(state, user).await?;
    Ok(Resend::Sent)
}

#[derive(Debug, thiserror::Error)]
pub enum ResendError {
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
}

impl From<ResendError> for crate::web::pages::PageError {
    fn from(e: ResendError) -> Self {
        match e {
            ResendError::Email(e) => e.into(),
            ResendError::Ephemeral(e) => e.into(),
        }
    }
}

impl From<StoreError> for ResendError {
    fn from(e: StoreError) -> Self {
        ResendError::Email(e.into())
    }
}

/// Reminds every unverified account whose deadline is near, once per deadline;
/// returns how many were reminded.
pub async fn send_reminders(state: &AppState) -> Result<usize, EmailError> {
    let now = state.clock.now();
    let within = state.config.onboarding.verification_reminder_secs;
    let mut sent = 0;
    for user in state.store.users_to_remind(now, within, 100).await? {
        // The claim makes the reminder once-only even with several nodes sweeping.
        if state.store.claim_verification_reminder(&user.id, now).await? {
            send_link(state, &user, "verify_email_reminder").await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Runs [`send_reminders`] every minute until aborted.
pub async fn remind_periodically(state: AppState) {
    let mut tick = tokio::time::interval(REMINDER_SWEEP);
    loop {
        tick.tick().await;
        if let Err(e) = send_reminders(&state).await {
            tracing::warn!(error = %e, "sending verification reminders failed");
        }
    }
}
