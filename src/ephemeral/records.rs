//! Every kind of short-lived record careid keeps in the ephemeral store: its
//! key prefix, how long it lives, and typed operations over it that never panic.
//!
//! Every key is `prefix:digest(id)`, never the raw id: most ids are bearer
//! secrets (a session cookie, a code, a login transaction id), and a dump of
//! the store must not hand them out; the others gain fixed-length keys that no
//! request can stretch. A record that carries its own deadline
//! ([`Record::expires_at`]) is checked against careid's clock here, once, for
//! every kind. A value that does not decode is treated as absent.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Ephemeral, EphemeralError};
use crate::AppState;
use crate::crypto::random;

/// How long one-time SMS codes live (NIST SP 800-63B §5.1.3: short-lived).
pub const SMS_CODE_SECS: i64 = 300;

/// How long a WebAuthn challenge can be answered.
pub const PASSKEY_CEREMONY_SECS: i64 = 300;

/// A login transaction: an authorization request waiting for the person to
/// sign in or consent. Id: a bearer secret (it carries the sign-in in progress).
/// Lives until `created_at + session.login_transaction_secs`.
pub const LOGIN_TRANSACTION: Kind = Kind::new("tx", Lifetime::UntilExpiry);

/// A browser session. Id: the session cookie, a bearer secret. Lives until its
/// lifetime or its idle timeout, whichever comes first. Its key is also kept
/// in the durable session index ([`Kind::take_indexed`]).
pub const SESSION: Kind = Kind::new("session", Lifetime::UntilExpiry);

/// An authorization code's grant. Id: the code, a bearer secret. Lives
/// `session.code_secs`, and no longer than the grant's own `expires_at`.
pub const AUTHORIZATION_CODE: Kind = Kind::new("code", Lifetime::Configured(code_secs));

/// The grant a redeemed code produced, so a replay can revoke it. Id: the code,
/// a bearer secret. Lives an hour: long enough to catch replays well after the
/// code's own lifetime.
pub const REDEEMED_CODE: Kind = Kind::new("code-used", Lifetime::Secs(3600));

/// A sign-out waiting for the person's confirmation. Id: the form's `logout`
/// field, a bearer secret (with the session cookie and CSRF token it answers
/// the question). Lives ten minutes: long enough to read the question.
pub const PENDING_LOGOUT: Kind = Kind::new("logout", Lifetime::Secs(600));

/// A CSRF token for a form reached without a login transaction. Id: the token,
/// a bearer secret. Lives an hour: long enough to read an email and type a new password.
pub const FORM_TOKEN: Kind = Kind::new("form", Lifetime::Secs(3600));

/// A one-time SMS code (hashed). Id: the challenge it is bound to, a bearer
/// secret. Lives [`SMS_CODE_SECS`] from `sent_at`.
pub const SMS_CODE: Kind = Kind::new("sms:code", Lifetime::Secs(SMS_CODE_SECS));

/// Wrong entries of one SMS code. Id: the code's challenge, a bearer secret.
/// Counts for as long as the code lives.
pub const SMS_WRONG_TRIES: Counter = Counter::new("sms:wrong", SMS_CODE_SECS);

/// A WebAuthn ceremony's state. Id: the challenge id the browser echoes, a
/// bearer secret. Lives [`PASSKEY_CEREMONY_SECS`] from `created_at`.
pub const PASSKEY_CEREMONY: Kind = Kind::new("webauthn", Lifetime::Secs(PASSKEY_CEREMONY_SECS));

/// The account page's code waiting to be entered. Id: the browser session's
/// `sid`, public (it appears in tokens). Lives as long as an SMS code.
pub const ACCOUNT_PHONE_CODE: Kind = Kind::new("account:phone", Lifetime::Secs(SMS_CODE_SECS));

/// A client assertion's `jti`, once used (RFC 7523 §3). Id: the client and
/// jti ([`scoped`]), public. Lives until the assertion could no longer be
/// accepted ([`UsedUntil`]).
pub const CLIENT_ASSERTION_JTI: Kind = Kind::new("assertion-jti", Lifetime::UntilExpiry);

/// How long a pushed authorization request's `request_uri` can be used (RFC 9126 §2.2).
pub const PUSHED_REQUEST_SECS: i64 = 60;

/// A pushed authorization request (RFC 9126): its parameters, to be taken
/// once at `/authorize`. Id: the client and the `request_uri` ([`scoped`]),
/// a bearer secret, so another client's `request_uri` finds nothing. Lives
/// [`PUSHED_REQUEST_SECS`] from when it was pushed.
pub const PUSHED_REQUEST: Kind = Kind::new("par", Lifetime::UntilExpiry);

/// A request object's `jti`, once used (RFC 9101 §10.1). Id: the client and
/// jti ([`scoped`]), public. Lives until the object could no longer be
/// accepted ([`UsedUntil`]).
pub const REQUEST_OBJECT_JTI: Kind = Kind::new("request-jti", Lifetime::UntilExpiry);

/// A DPoP proof's `jti`, once used (RFC 9449 §11.1). Id: the proof key's
/// thumbprint and jti ([`scoped`]), public. Lives until the proof could no
/// longer be accepted ([`UsedUntil`]).
pub const DPOP_PROOF_JTI: Kind = Kind::new("dpop-jti", Lifetime::UntilExpiry);

/// Every kind, for the checks that keys never collide.
pub const ALL: [Kind; 13] = [
    LOGIN_TRANSACTION,
    SESSION,
    AUTHORIZATION_CODE,
    REDEEMED_CODE,
    PENDING_LOGOUT,
    FORM_TOKEN,
    SMS_CODE,
    PASSKEY_CEREMONY,
    ACCOUNT_PHONE_CODE,
    CLIENT_ASSERTION_JTI,
    PUSHED_REQUEST,
    REQUEST_OBJECT_JTI,
    DPOP_PROOF_JTI,
];

fn code_secs(state: &AppState) -> i64 {
    state.config.session.code_secs
}

/// A value kept in the ephemeral store.
pub trait Record: Serialize + DeserializeOwned {
    /// The Unix time (careid's clock) from which the record no longer counts,
    /// for a record that carries its own deadline.
    fn expires_at(&self, _state: &AppState) -> Option<i64> {
        None
    }
}

/// A marker with nothing in it (a form token).
impl Record for () {}

/// An id of something else (a grant, an account).
impl Record for String {}

/// A marker kept until a moment on careid's clock (a used assertion's `jti`).
#[derive(Debug, Serialize, Deserialize)]
pub struct UsedUntil(pub i64);

impl Record for UsedUntil {
    fn expires_at(&self, _state: &AppState) -> Option<i64> {
        Some(self.0)
    }
}

/// An id made of two parts (`scope`: a client, a session), which no other
/// pair of parts can produce.
pub fn scoped(scope: &str, id: &str) -> String {
    format!("{}:{scope}:{id}", scope.len())
}

/// How long the store keeps a kind of record.
#[derive(Clone, Copy, Debug)]
pub enum Lifetime {
    /// A fixed number of seconds.
    Secs(i64),
    /// A number of seconds read from configuration when the record is stored.
    Configured(fn(&AppState) -> i64),
    /// Until the record's own [`Record::expires_at`].
    UntilExpiry,
}

/// A kind of short-lived record: where it is kept and for how long.
#[derive(Clone, Copy, Debug)]
pub struct Kind {
    prefix: &'static str,
    lifetime: Lifetime,
}

/// What an operation needs: the store and the time on careid's clock.
struct Ctx<'a> {
    ephemeral: &'a Ephemeral,
    now: i64,
}

impl<'a> Ctx<'a> {
    fn of(state: &'a AppState) -> Ctx<'a> {
        Ctx { ephemeral: &state.ephemeral, now: state.clock.now() }
    }
}

impl Kind {
    const fn new(prefix: &'static str, lifetime: Lifetime) -> Kind {
        Kind { prefix, lifetime }
    }

    pub fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The store key of record `id`: a digest, never the id itself.
    pub fn key(&self, id: &str) -> String {
        format!("{}:{}", self.prefix, random::digest(id))
    }

    /// Stores `record` under `id` for the kind's lifetime, replacing what was there.
    pub async fn put<T: Record>(&self, state: &AppState, id: &str, record: &T) -> Result<(), EphemeralError> {
        let ttl = self.ttl_secs(state, record);
        self.put_in(&Ctx::of(state), id, record, ttl).await
    }

    /// Stores `record` only if `id` holds nothing; whether it was stored.
    pub async fn put_new<T: Record>(
        &self,
        state: &AppState,
        id: &str,
        record: &T,
    ) -> Result<bool, EphemeralError> {
        let bytes = encode(record)?;
        state.ephemeral.put_new(&self.key(id), &bytes, ttl(self.ttl_secs(state, record))).await
    }

    /// The live record `id`; an expired one is deleted and is `None`, like a
    /// missing or malformed one.
    pub async fn load<T: Record>(&self, state: &AppState, id: &str) -> Result<Option<T>, EphemeralError> {
        self.load_in(&Ctx::of(state), id, |r: &T| r.expires_at(state)).await
    }

    /// Takes record `id` in one atomic step (of concurrent takes, exactly one
    /// sees it); `None` unless it is live.
    pub async fn take<T: Record>(&self, state: &AppState, id: &str) -> Result<Option<T>, EphemeralError> {
        self.take_in(&Ctx::of(state), id, |r: &T| r.expires_at(state)).await
    }

    /// Takes the record under `key`, a [`Kind::key`] kept elsewhere (the
    /// session index), live or not: ending a session tells its clients even
    /// after it timed out. `None` for a key of another kind.
    pub async fn take_indexed<T: Record>(
        &self,
        state: &AppState,
        key: &str,
    ) -> Result<Option<T>, EphemeralError> {
        if key.strip_prefix(self.prefix).and_then(|rest| rest.strip_prefix(':')).is_none() {
            return Ok(None);
        }
        Ok(decode(state.ephemeral.take(key).await?))
    }

    pub async fn delete(&self, state: &AppState, id: &str) -> Result<(), EphemeralError> {
        state.ephemeral.delete(&self.key(id)).await
    }

    fn ttl_secs<T: Record>(&self, state: &AppState, record: &T) -> i64 {
        match self.lifetime {
            Lifetime::Secs(secs) => secs,
            Lifetime::Configured(read) => read(state),
            Lifetime::UntilExpiry => record.expires_at(state).unwrap_or(0) - state.clock.now(),
        }
    }

    async fn put_in<T: Record>(
        &self,
        ctx: &Ctx<'_>,
        id: &str,
        record: &T,
        secs: i64,
    ) -> Result<(), EphemeralError> {
        let bytes = encode(record)?;
        ctx.ephemeral.put(&self.key(id), &bytes, ttl(secs)).await
    }

    async fn load_in<T: Record>(
        &self,
        ctx: &Ctx<'_>,
        id: &str,
        expires_at: impl Fn(&T) -> Option<i64>,
    ) -> Result<Option<T>, EphemeralError> {
        let key = self.key(id);
        let Some(record) = decode::<T>(ctx.ephemeral.get(&key).await?) else { return Ok(None) };
        if is_live(expires_at(&record), ctx.now) {
            return Ok(Some(record));
        }
        ctx.ephemeral.delete(&key).await?;
        Ok(None)
    }

    async fn take_in<T: Record>(
        &self,
        ctx: &Ctx<'_>,
        id: &str,
        expires_at: impl Fn(&T) -> Option<i64>,
    ) -> Result<Option<T>, EphemeralError> {
        let record = decode::<T>(ctx.ephemeral.take(&self.key(id)).await?);
        Ok(record.filter(|r| is_live(expires_at(r), ctx.now)))
    }
}

/// A counter of one record's events in a window that starts at its first
/// event (wrong entries of one code).
#[derive(Clone, Copy, Debug)]
pub struct Counter {
    prefix: &'static str,
    window_secs: i64,
}

impl Counter {
    const fn new(prefix: &'static str, window_secs: i64) -> Counter {
        Counter { prefix, window_secs }
    }

    pub fn key(&self, id: &str) -> String {
        format!("{}:{}", self.prefix, random::digest(id))
    }

    /// Counts one more event for `id`; the new count.
    pub async fn incr(&self, state: &AppState, id: &str) -> Result<u64, EphemeralError> {
        state.ephemeral.incr_in_window(&self.key(id), ttl(self.window_secs)).await
    }

    pub async fn delete(&self, state: &AppState, id: &str) -> Result<(), EphemeralError> {
        state.ephemeral.delete(&self.key(id)).await
    }
}

/// The store refuses a zero TTL, and a deadline already passed still needs one.
fn ttl(secs: i64) -> Duration {
    Duration::from_secs(secs.max(1) as u64)
}

fn is_live(expires_at: Option<i64>, now: i64) -> bool {
    expires_at.is_none_or(|at| at > now)
}

fn encode<T: Serialize>(record: &T) -> Result<Vec<u8>, EphemeralError> {
    serde_json::to_vec(record).map_err(|e| EphemeralError(format!("encoding a record: {e}")))
}

/// A stored value as `T`; `None` when absent or malformed (written by another
/// version, or by hand).
fn decode<T: DeserializeOwned>(bytes: Option<Vec<u8>>) -> Option<T> {
    serde_json::from_slice(&bytes?).ok()
}

#[cfg(test)]
mod tests;
