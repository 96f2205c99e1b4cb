//! One-time SMS codes (NIST SP 800-63B §5.1.3): six CSPRNG digits, five
//! minutes, stored only hashed, bound to one challenge (a login transaction or
//! an enrolment) and one number, five wrong tries, single use, and limits
//! against SMS pumping.

use std::net::IpAddr;
use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::code_message;
use crate::AppState;
use crate::accounts::User;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::ephemeral::EphemeralError;
use crate::factors::phone::PhoneNumber;
use crate::store::StoreError;
use crate::web::pages::PageError;

pub const LIFETIME_SECS: i64 = 300;
pub const RESEND_AFTER_SECS: i64 = 30;
pub const MAX_WRONG: u64 = 5;
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

#[derive(Serialize, Deserialize)]
struct Stored {
    /// Digest of the challenge and the code together, so a code is worthless elsewhere.
    hash: String,
    user_id: String,
    phone: String,
    sent_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    #[error("too soon")]
    TooSoon { retry_after: i64 },
    #[error("limit reached")]
    Limited { retry_after: i64 },
    #[error("locked")]
    Locked { retry_after: i64 },
    #[error("wrong code")]
    Wrong { remaining: u64 },
    /// Expired, used, voided by wrong tries, or never sent: one answer for all.
    #[error("no usable code")]
    NoCode,
    #[error("delivery failed")]
    Delivery,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
}

impl From<CodeError> for PageError {
    fn from(e: CodeError) -> Self {
        let wait =
            |retry_after: i64, message: String| PageError { message, ..PageError::too_many(retry_after) };
        match e {
            CodeError::TooSoon { retry_after } => wait(
                retry_after,
                format!("A code was just sent. You can ask for another in {retry_after} seconds."),
            ),
            CodeError::Limited { retry_after } => wait(
                retry_after,
                format!(
                    "Too many codes were asked for. Please try again in {} minutes.",
                    (retry_after + 59) / 60
                ),
            ),
            CodeError::Locked { retry_after } => wait(
                retry_after,
                format!(
                    "Too many wrong codes. Two-step verification is locked for {} minutes.",
                    (retry_after + 59) / 60
                ),
            ),
            CodeError::Wrong { .. } | CodeError::NoCode => PageError::bad_request(
                "This code can no longer be used. Please go back and ask for a new one.",
            ),
            CodeError::Delivery => PageError {
                title: "The text message could not be sent",
                message: "Please go back and try again in a moment.".into(),
                ..PageError::unavailable()
            },
            CodeError::Store(e) => e.into(),
            CodeError::Ephemeral(e) => e.into(),
        }
    }
}

fn key(challenge: &str) -> String {
    format!("sms:code:{}", random::digest(challenge))
}

fn wrong_key(challenge: &str) -> String {
    format!("sms:wrong:{}", random::digest(challenge))
}

fn hash(challenge: &str, code: &str) -> String {
    random::digest(&format!("{challenge}:{code}"))
}

/// Refuses while repeated wrong codes keep the second step locked.
pub fn check_lock(state: &AppState, user: &User) -> Result<(), CodeError> {
    let now = state.clock.now();
    match user.sms_locked_until {
        Some(until) if until > now => Err(CodeError::Locked { retry_after: until - now }),
        _ => Ok(()),
    }
}

/// Whether a code for `challenge` is waiting to be entered.
pub async fn pending(state: &AppState, challenge: &str) -> Result<bool, EphemeralError> {
    Ok(state.ephemeral.get(&key(challenge)).await?.is_some())
}

/// Sends a new code for `challenge` to `phone`, replacing any earlier one.
pub async fn send(
    state: &AppState,
    challenge: &str,
    user: &User,
    phone: &PhoneNumber,
    ip: IpAddr,
    origin: &Origin,
) -> Result<(), CodeError> {
    check_lock(state, user)?;
    let now = state.clock.now();
    if let Some(bytes) = state.ephemeral.get(&key(challenge)).await?
        && let Ok(old) = serde_json::from_slice::<Stored>(&bytes)
        && now - old.sent_at < RESEND_AFTER_SECS
    {
        return Err(CodeError::TooSoon { retry_after: RESEND_AFTER_SECS - (now - old.sent_at) });
    }
    let limits = &state.config.sms;
    let windows = [
        (format!("rl:sms:acct:{}", user.id), HOUR, limits.per_account_per_hour),
        (format!("rl:sms:num:{}", random::digest(phone.e164())), HOUR, limits.per_number_per_hour),
        (format!("rl:sms:ip:{ip}"), HOUR, limits.per_ip_per_hour),
        (format!("rl:sms:cc:{}", phone.country_code()), DAY, limits.per_country_per_day),
    ];
    for (name, window, limit) in windows {
        if state.ephemeral.incr_in_window(&name, window).await? > limit {
            let event = Event {
                subject: Some(&user.id),
                detail: Some(json!({ "limit": name.split(':').nth(2), "to": phone.masked() })),
                ..Event::new("sms.limited")
            };
            audit::record(state, event, origin).await;
            return Err(CodeError::Limited { retry_after: window.as_secs() as i64 });
        }
    }
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    let stored = Stored {
        hash: hash(challenge, &code),
        user_id: user.id.clone(),
        phone: phone.e164().to_string(),
        sent_at: now,
    };
    let bytes = serde_json::to_vec(&stored).expect("serialising a code record");
    state.ephemeral.put(&key(challenge), &bytes, Duration::from_secs(LIFETIME_SECS as u64)).await?;
    state.ephemeral.delete(&wrong_key(challenge)).await?;
    let host = state.config.issuer.host_str().unwrap_or("localhost");
    let sent = state.sms.send(&state.http, phone, &code_message(host, &code), now).await;
    let event = Event {
        subject: Some(&user.id),
        detail: Some(json!({ "to": phone.masked(), "delivered": sent.is_ok() })),
        ..Event::new("sms.code_sent")
    };
    audit::record(state, event, origin).await;
    if let Err(e) = sent {
        tracing::warn!(error = %e, "SMS code not delivered");
        // The code was never received, so it must not count against a resend.
        state.ephemeral.delete(&key(challenge)).await?;
        return Err(CodeError::Delivery);
    }
    Ok(())
}

/// Checks `input` against the code for `challenge`; a right code is used up
/// (of concurrent right answers, exactly one succeeds).
pub async fn verify(
    state: &AppState,
    challenge: &str,
    user: &User,
    phone: &str,
    input: &str,
    origin: &Origin,
) -> Result<(), CodeError> {
    check_lock(state, user)?;
    let now = state.clock.now();
    let Some(bytes) = state.ephemeral.get(&key(challenge)).await? else { return Err(CodeError::NoCode) };
    let Ok(stored) = serde_json::from_slice::<Stored>(&bytes) else { return Err(CodeError::NoCode) };
    if stored.user_id != user.id || stored.phone != phone || now - stored.sent_at >= LIFETIME_SECS {
        return Err(CodeError::NoCode);
    }
    let input: String = input.chars().filter(|c| !c.is_whitespace()).take(16).collect();
    if random::same(&hash(challenge, &input), &stored.hash) {
        if state.ephemeral.take(&key(challenge)).await?.is_none() {
            return Err(CodeError::NoCode);
        }
        state.store.clear_sms_failures(&user.id).await?;
        return Ok(());
    }
    let wrong = state
        .ephemeral
        .incr_in_window(&wrong_key(challenge), Duration::from_secs(LIFETIME_SECS as u64))
        .await?;
    let voided = wrong >= MAX_WRONG;
    if voided {
        state.ephemeral.delete(&key(challenge)).await?;
    }
    let detail = json!({ "wrong_for_this_code": wrong, "voided": voided });
    count_failure(state, user, "sms", detail, origin).await?;
    if voided {
        return Err(CodeError::NoCode);
    }
    Err(CodeError::Wrong { remaining: MAX_WRONG - wrong })
}

/// Counts a wrong second-factor entry (`factor`: `sms` or `recovery_code`) in
/// the durable store, audits it, and locks the second step at the limit.
pub async fn count_failure(
    state: &AppState,
    user: &User,
    factor: &str,
    mut detail: serde_json::Value,
    origin: &Origin,
) -> Result<(), CodeError> {
    let limits = &state.config.sms;
    let lock_until = state.clock.now() + limits.lock_secs;
    let failures = state.store.record_sms_failure(&user.id, limits.max_failures, lock_until).await?;
    let locked = failures >= limits.max_failures;
    detail["failures"] = json!(failures);
    detail["factor"] = json!(factor);
    let kind = match (factor, locked) {
        (_, true) => "second_factor.locked",
        ("sms", false) => "sms.failure",
        _ => "recovery_code.failure",
    };
    let event = Event { subject: Some(&user.id), detail: Some(detail), ..Event::new(kind) };
    audit::record(state, event, origin).await;
    if locked {
        return Err(CodeError::Locked { retry_after: limits.lock_secs });
    }
    Ok(())
}
