//! Checking a typed password against an account, for the login page and for
//! the "current password" the account page asks before a change: one count
//! of wrong passwords in a row and one lock for both, and the same work and
//! the same answer for unknown, disabled, locked and known accounts; and the
//! password sign-in itself, with its rate limits.

use std::net::IpAddr;

use serde_json::json;

use crate::AppState;
use crate::limits::{self, Limit};
use crate::notify::email;
use crate::people::{Email, User, password_policy};
use crate::store::StoreError;
use crate::web::pages::PageError;

/// What a typed password proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// The right password of an active, unlocked account.
    Right,
    /// A wrong password, or no such account, or a disabled one.
    Wrong,
    /// Too many wrong passwords in a row: no password is accepted until then.
    Locked { until: i64 },
}

/// Checks `typed` for `user` (`None`: no account with the typed address).
pub async fn check(state: &AppState, user: Option<&User>, typed: &str) -> Result<Checked, StoreError> {
    let now = state.clock.now();
    let limits = &state.config.login;
    let locked_until = user.filter(|u| u.is_locked(now)).and_then(|u| u.locked_until);
    // A locked account is checked against the dummy hash: the answer takes as
    // long as any other and can never be a match.
    let hash = if locked_until.is_some() { None } else { user.and_then(|u| u.password_hash.as_deref()) };
    let normalized = password_policy::normalize(typed);
    // The attempt is counted while the hash is checked, not after, so a known
    // account's wrong password answers no slower than an unknown address; a
    // right one clears the count again below.
    let count = async {
        match user {
            Some(u) if locked_until.is_none() => state
                .store
                .record_login_failure(&u.id, limits.max_failures, now + limits.lock_secs)
                .await
                .map(Some),
            _ => Ok(None),
        }
    };
    let (matched, counted) = tokio::join!(state.passwords.verify(&normalized, hash), count);
    let counted = counted?;
    let Some(user) = user else { return Ok(Checked::Wrong) };
    if let Some(until) = locked_until {
        return Ok(Checked::Locked { until });
    }
    if matched && user.is_active() {
        state.store.clear_login_failures(&user.id).await?;
        return Ok(Checked::Right);
    }
    if counted == Some(limits.max_failures) {
        tell_locked(state, user, now + limits.lock_secs).await;
    }
    Ok(Checked::Wrong)
}

/// What a password sign-in came to.
pub enum SignIn {
    /// The right password of an active, unlocked account.
    Right(User),
    /// One answer for every failure (the reason is for the audit trail only):
    /// a lock, like an unknown address, says nothing about which accounts exist.
    Refused { account: Option<User>, reason: &'static str },
    /// Too many attempts from this address or for this address.
    Limited { retry_after: i64 },
}

/// Signs in with `typed_email` and `password` from `ip`, under the login limits.
pub async fn sign_in(
    state: &AppState,
    ip: IpAddr,
    typed_email: &str,
    password: &str,
) -> Result<SignIn, PageError> {
    for (limit, subject) in
        [(Limit::LoginPerIp, ip.to_string()), (Limit::LoginPerAccount, typed_email.trim().to_lowercase())]
    {
        if let Err(limited) = limits::check(state, limit, subject).await? {
            return Ok(SignIn::Limited { retry_after: limited.retry_after });
        }
    }
    let user = match Email::parse(typed_email) {
        Ok(email) => state.store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let checked = check(state, user.as_ref(), password).await?;
    Ok(match (user, checked) {
        (Some(user), Checked::Right) => SignIn::Right(user),
        (account, checked) => {
            let reason = match (&account, checked) {
                (None, _) => "unknown account",
                (Some(_), Checked::Locked { .. }) => "locked",
                (Some(u), _) if !u.is_active() => "account disabled",
                (Some(_), _) => "wrong password",
            };
            SignIn::Refused { account, reason }
        }
    })
}

/// The lock answers like a wrong password (so it reveals no account): the
/// person hears of it by email instead.
async fn tell_locked(state: &AppState, user: &User, until: i64) {
    let context = json!({
        "name": user.name,
        "failures": state.config.login.max_failures,
        "until": crate::i18n::datetime(crate::i18n::current(), until),
        "account": state.config.url("/account"),
    });
    if let Err(e) = email::send_template(state, "account_locked", user, context).await {
        tracing::error!(error = %e, "account locked email not queued");
    }
}
