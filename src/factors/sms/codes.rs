//! One-time SMS codes (NIST SP 800-63B §5.1.3): six CSPRNG digits, five
//! minutes, stored only hashed, bound to one challenge (a login transaction or
//! an enrolment) and one number, five wrong tries, single use, and limits
//! against SMS pumping.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::code_message;
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::ephemeral::EphemeralError;
use crate::ephemeral::records::{self, Record};
use crate::factors::phone::PhoneNumber;
use crate::i18n::{self, Arg, Source};
use crate::limits::{self, Limit};
use crate::people::User;
use crate::store::StoreError;
use crate::web::pages::PageError;

pub const LIFETIME_SECS: i64 = records::SMS_CODE_SECS;
pub const RESEND_AFTER_SECS: i64 = 30;
pub const MAX_WRONG: u64 = 5;

#[derive(Serialize, Deserialize)]
struct Stored {
    /// Digest of the challenge and the code together, so a code is worthless elsewhere.
    hash: String,
    user_id: String,
    phone: String,
    sent_at: i64,
    /// Voided by wrong tries: kept until it expires so that the wait before
    /// a new code still counts from when this one was sent.
    #[serde(default)]
    void: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    #[error("too soon")]
    TooSoon { retry_after: i64 },
    #[error("limit reached")]
    Limited { retry_after: i64 },
    /// Locked until `until` (Unix seconds), `retry_after` seconds from now.
    #[error("locked")]
    Locked { retry_after: i64, until: i64 },
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
        let minutes = |secs: i64| ("minutes", Arg::Number((secs + 59) / 60));
        match e {
            CodeError::TooSoon { retry_after } => {
                wait(retry_after, i18n::text_with("sms-too-soon", &[("seconds", Arg::Number(retry_after))]))
            }
            CodeError::Limited { retry_after } => {
                wait(retry_after, i18n::text_with("sms-limited", &[minutes(retry_after)]))
            }
            CodeError::Locked { retry_after, until } => {
                let until = i18n::datetime(i18n::current(), until);
                wait(retry_after, i18n::text_with("sms-locked-until", &[("until", until.into())]))
            }
            CodeError::Wrong { .. } | CodeError::NoCode => {
                PageError::bad_request(i18n::text("sms-code-void"))
            }
            CodeError::Delivery => PageError {
                title: i18n::text("sms-not-sent-title"),
                message: i18n::text("sms-not-sent-message"),
                ..PageError::unavailable()
            },
            CodeError::Store(e) => e.into(),
            CodeError::Ephemeral(e) => e.into(),
        }
    }
}

impl Record for Stored {
    fn expires_at(&self, _state: &AppState) -> Option<i64> {
        Some(self.sent_at + LIFETIME_SECS)
    }
}

fn hash(challenge: &str, code: &str) -> String {
    random::digest(&format!("{challenge}:{code}"))
}

/// Refuses while repeated wrong codes keep the second step locked.
pub fn check_lock(state: &AppState, user: &User) -> Result<(), CodeError> {
    let now = state.clock.now();
    match user.sms_locked_until {
        Some(until) if until > now => Err(CodeError::Locked { retry_after: until - now, until }),
        _ => Ok(()),
    }
}

/// Whether a code for `challenge` is waiting to be entered.
pub async fn pending(state: &AppState, challenge: &str) -> Result<bool, EphemeralError> {
    Ok(records::SMS_CODE.load::<Stored>(state, challenge).await?.is_some_and(|s| !s.void))
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
    if let Some(old) = records::SMS_CODE.load::<Stored>(state, challenge).await?
        && now - old.sent_at < RESEND_AFTER_SECS
    {
        return Err(CodeError::TooSoon { retry_after: RESEND_AFTER_SECS - (now - old.sent_at) });
    }
    let windows = [
        (Limit::SmsPerAccount, user.id.to_string()),
        (Limit::SmsPerNumber, phone.e164().to_string()),
        (Limit::SmsPerIp, ip.to_string()),
        (Limit::SmsPerCountry, phone.country_code().to_string()),
    ];
    for (limit, subject) in windows {
        if let Err(limited) = limits::check(state, limit, subject).await? {
            let event = Event {
                subject: Some(&user.id),
                detail: Some(json!({ "limit": limit.per(), "to": phone.masked() })),
                ..Event::new("sms.limited")
            };
            audit::record(state, event, origin).await;
            return Err(CodeError::Limited { retry_after: limited.retry_after });
        }
    }
    let code = format!("{:06}", crate::crypto::random::below(1_000_000));
    let stored = Stored {
        hash: hash(challenge, &code),
        user_id: user.id.clone(),
        phone: phone.e164().to_string(),
        sent_at: now,
        void: false,
    };
    records::SMS_CODE.put(state, challenge, &stored).await?;
    records::SMS_WRONG_TRIES.delete(state, challenge).await?;
    let host = state.config.issuer.host_str().unwrap_or("localhost");
    // The person's saved language, else the language of the page they are on.
    let lang = i18n::negotiation::current().offer(Source::Person, user.lang()).lang;
    let sent = state.sms.send(&state.http, phone, &code_message(lang, host, &code), now).await;
    let event = Event {
        subject: Some(&user.id),
        detail: Some(json!({ "to": phone.masked(), "delivered": sent.is_ok() })),
        ..Event::new("sms.code_sent")
    };
    audit::record(state, event, origin).await;
    if let Err(e) = sent {
        tracing::warn!(error = %e, "SMS code not delivered");
        // The code was never received, so it must not count against a resend.
        records::SMS_CODE.delete(state, challenge).await?;
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
    let Some(stored) = records::SMS_CODE.load::<Stored>(state, challenge).await? else {
        return Err(CodeError::NoCode);
    };
    if stored.void || stored.user_id != user.id || stored.phone != phone {
        return Err(CodeError::NoCode);
    }
    let input: String = input.chars().filter(|c| !c.is_whitespace()).take(16).collect();
    if random::same(&hash(challenge, &input), &stored.hash) {
        if records::SMS_CODE.take::<Stored>(state, challenge).await?.is_none() {
            return Err(CodeError::NoCode);
        }
        state.store.clear_sms_failures(&user.id).await?;
        return Ok(());
    }
    let wrong = records::SMS_WRONG_TRIES.incr(state, challenge).await?;
    let voided = wrong >= MAX_WRONG;
    if voided {
        let void = Stored { void: true, hash: String::new(), ..stored };
        records::SMS_CODE.put(state, challenge, &void).await?;
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
        return Err(CodeError::Locked { retry_after: limits.lock_secs, until: lock_until });
    }
    Ok(())
}
