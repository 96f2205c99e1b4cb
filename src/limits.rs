//! Every rate-limit window careid enforces: what it counts, for how long, and
//! the configured maximum it allows; [`check`] counts one attempt against one.
//!
//! A window starts at its first attempt and is never extended; an attempt
//! past the maximum is refused until the window ends, and told to come back
//! after the window's length. Subjects that name a person (an address, a
//! number) are kept as digests.

use std::fmt::Display;
use std::time::Duration;

use crate::AppState;
use crate::crypto::random;
use crate::ephemeral::EphemeralError;

const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 86_400;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Password sign-ins from one IP address a minute (`login.per_ip_per_minute`).
    LoginPerIp,
    /// Password sign-ins for one typed address, trimmed and lower-cased, a
    /// minute (`login.per_account_per_minute`).
    LoginPerAccount,
    /// Passkey sign-in challenges from one IP address a minute (each is kept
    /// five minutes; `login.per_ip_per_minute`).
    PasskeyPerIp,
    /// SMS codes to one account an hour (`sms.per_account_per_hour`).
    SmsPerAccount,
    /// SMS codes to one number (E.164) an hour (`sms.per_number_per_hour`).
    SmsPerNumber,
    /// SMS codes asked for from one IP address an hour (`sms.per_ip_per_hour`).
    SmsPerIp,
    /// SMS codes to one country calling code a day (`sms.per_country_per_day`).
    SmsPerCountry,
    /// Password reset requests from one IP address an hour
    /// (`onboarding.reset_requests_per_ip_per_hour`).
    ResetPerIp,
    /// Password reset requests for one address an hour
    /// (`onboarding.reset_requests_per_address_per_hour`).
    ResetPerAddress,
    /// New verification links for one account an hour
    /// (`onboarding.verification_resends_per_hour`).
    VerificationResend,
    /// POSTs without a bearer token from one IP address a minute
    /// (`http.posts_per_ip_per_minute`).
    PostPerIp,
}

/// One window: its key name, what it counts per, its length, its maximum.
struct Window {
    name: &'static str,
    per: &'static str,
    secs: u64,
    max: fn(&AppState) -> u64,
    /// The subject names a person: keep its digest.
    digest: bool,
}

impl Limit {
    pub const ALL: [Limit; 11] = [
        Limit::LoginPerIp,
        Limit::LoginPerAccount,
        Limit::PasskeyPerIp,
        Limit::SmsPerAccount,
        Limit::SmsPerNumber,
        Limit::SmsPerIp,
        Limit::SmsPerCountry,
        Limit::ResetPerIp,
        Limit::ResetPerAddress,
        Limit::VerificationResend,
        Limit::PostPerIp,
    ];

    fn window(self) -> Window {
        let w = |name, per, secs, max, digest| Window { name, per, secs, max, digest };
        match self {
            Limit::LoginPerIp => w("login:ip", "ip", MINUTE, |s| s.config.login.per_ip_per_minute, false),
            Limit::LoginPerAccount => {
                w("login:acct", "acct", MINUTE, |s| s.config.login.per_account_per_minute, true)
            }
            Limit::PasskeyPerIp => w("passkey:ip", "ip", MINUTE, |s| s.config.login.per_ip_per_minute, false),
            Limit::SmsPerAccount => w("sms:acct", "acct", HOUR, |s| s.config.sms.per_account_per_hour, false),
            Limit::SmsPerNumber => w("sms:num", "num", HOUR, |s| s.config.sms.per_number_per_hour, true),
            Limit::SmsPerIp => w("sms:ip", "ip", HOUR, |s| s.config.sms.per_ip_per_hour, false),
            Limit::SmsPerCountry => w("sms:cc", "cc", DAY, |s| s.config.sms.per_country_per_day, false),
            Limit::ResetPerIp => {
                w("reset:ip", "ip", HOUR, |s| s.config.onboarding.reset_requests_per_ip_per_hour, false)
            }
            Limit::ResetPerAddress => w(
                "reset:addr",
                "addr",
                HOUR,
                |s| s.config.onboarding.reset_requests_per_address_per_hour,
                true,
            ),
            Limit::VerificationResend => {
                w("verify-resend", "acct", HOUR, |s| s.config.onboarding.verification_resends_per_hour, false)
            }
            Limit::PostPerIp => w("post:ip", "ip", MINUTE, |s| s.config.http.posts_per_ip_per_minute, false),
        }
    }

    /// What the window counts per (`ip`, `acct`, `num`, `cc`, `addr`), as audit events name it.
    pub fn per(self) -> &'static str {
        self.window().per
    }

    /// How long a window lasts from its first attempt.
    pub fn length(self) -> Duration {
        Duration::from_secs(self.window().secs)
    }

    /// The most attempts a window allows, from configuration.
    pub fn max(self, state: &AppState) -> u64 {
        (self.window().max)(state)
    }

    fn key(self, subject: &str) -> String {
        let window = self.window();
        if window.digest {
            format!("rl:{}:{}", window.name, random::digest(subject))
        } else {
            format!("rl:{}:{subject}", window.name)
        }
    }

    /// The answer to the `count`th attempt of a window.
    fn verdict(self, count: u64, max: u64) -> Result<(), Limited> {
        if count > max {
            return Err(Limited { limit: self, retry_after: self.window().secs as i64 });
        }
        Ok(())
    }
}

/// An attempt past a window's maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limited {
    pub limit: Limit,
    /// Seconds to wait before trying again.
    pub retry_after: i64,
}

/// Counts one attempt by `subject` against `limit`: `Ok(Err(Limited))` once
/// its window has seen more than the configured maximum. The outer error is
/// the store's.
pub async fn check(
    state: &AppState,
    limit: Limit,
    subject: impl Display,
) -> Result<Result<(), Limited>, EphemeralError> {
    let count = state.ephemeral.incr_in_window(&limit.key(&subject.to_string()), limit.length()).await?;
    Ok(limit.verdict(count, limit.max(state)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_keep_todays_keys_and_lengths() {
        assert_eq!(Limit::LoginPerIp.key("192.0.2.1"), "rl:login:ip:192.0.2.1");
        assert_eq!(Limit::PasskeyPerIp.key("192.0.2.1"), "rl:passkey:ip:192.0.2.1");
        assert_eq!(Limit::SmsPerAccount.key("u1"), "rl:sms:acct:u1");
        assert_eq!(Limit::SmsPerIp.key("192.0.2.1"), "rl:sms:ip:192.0.2.1");
        assert_eq!(Limit::SmsPerCountry.key("44"), "rl:sms:cc:44");
        assert_eq!(Limit::ResetPerIp.key("192.0.2.1"), "rl:reset:ip:192.0.2.1");
        assert_eq!(Limit::VerificationResend.key("u1"), "rl:verify-resend:u1");
        for limit in [Limit::LoginPerIp, Limit::LoginPerAccount, Limit::PasskeyPerIp] {
            assert_eq!(limit.length(), Duration::from_secs(60));
        }
        assert_eq!(Limit::SmsPerCountry.length(), Duration::from_secs(86_400));
        for limit in [Limit::SmsPerAccount, Limit::ResetPerAddress, Limit::VerificationResend] {
            assert_eq!(limit.length(), Duration::from_secs(3600));
        }
    }

    #[test]
    fn a_person_is_never_a_key_in_clear() {
        let cases = [
            (Limit::LoginPerAccount, "alice@example.org"),
            (Limit::SmsPerNumber, "+447700900123"),
            (Limit::ResetPerAddress, "alice@example.org"),
        ];
        for (limit, subject) in cases {
            let key = limit.key(subject);
            assert!(!key.contains(subject), "{limit:?} keeps {subject}");
            assert!(key.ends_with(&random::digest(subject)));
        }
    }

    #[test]
    fn no_two_windows_share_a_key() {
        let mut keys: Vec<String> = Limit::ALL.iter().map(|l| l.key("same")).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), Limit::ALL.len());
    }

    #[test]
    fn the_maximum_is_allowed_and_one_more_is_refused() {
        assert_eq!(Limit::SmsPerCountry.verdict(2000, 2000), Ok(()));
        assert_eq!(
            Limit::SmsPerCountry.verdict(2001, 2000),
            Err(Limited { limit: Limit::SmsPerCountry, retry_after: 86_400 })
        );
        assert_eq!(
            Limit::LoginPerIp.verdict(31, 30),
            Err(Limited { limit: Limit::LoginPerIp, retry_after: 60 })
        );
    }

    #[test]
    fn audit_events_name_what_a_window_counts() {
        let sms = [Limit::SmsPerAccount, Limit::SmsPerNumber, Limit::SmsPerIp, Limit::SmsPerCountry];
        assert_eq!(sms.map(Limit::per), ["acct", "num", "ip", "cc"]);
    }
}
