//! `[sms]` in careid.toml: which provider sends codes, an optional fallback, and the limits.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::secret::Secret;

/// Without `provider`, texts go to `data_dir/outbox/sms.jsonl` (the embedded default).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    pub provider: Option<ProviderConfig>,
    /// Tried when the provider fails (for example another company's API).
    pub fallback: Option<ProviderConfig>,
    /// Codes one account may be sent per hour.
    pub per_account_per_hour: u64,
    /// Codes one number may be sent per hour (whoever asks).
    pub per_number_per_hour: u64,
    /// Codes one client IP may ask for per hour.
    pub per_ip_per_hour: u64,
    /// Codes sent to one country calling code per day: a ceiling on SMS pumping fraud.
    pub per_country_per_day: u64,
    /// Wrong codes in a row (across codes) that lock the second step for `lock_secs`.
    pub max_failures: i64,
    pub lock_secs: i64,
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            provider: None,
            fallback: None,
            per_account_per_hour: 10,
            per_number_per_hour: 10,
            per_ip_per_hour: 30,
            per_country_per_day: 2000,
            max_failures: 10,
            lock_secs: 900,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum ProviderConfig {
    /// Twilio Programmable Messaging.
    Twilio {
        account_sid: String,
        #[serde(skip_serializing)]
        auth_token: Secret,
        /// A Twilio number in E.164 or an alphanumeric sender id.
        from: String,
        #[serde(default = "twilio_base")]
        base_url: Url,
    },
    /// Vonage (Nexmo) SMS API.
    Vonage {
        api_key: String,
        #[serde(skip_serializing)]
        api_secret: Secret,
        from: String,
        #[serde(default = "vonage_base")]
        base_url: Url,
    },
    /// Amazon SNS `Publish` (SigV4-signed).
    Sns {
        access_key_id: String,
        #[serde(skip_serializing)]
        secret_access_key: Secret,
        /// For example `eu-west-2`.
        region: String,
        /// Unset: `https://sns.{region}.amazonaws.com/`.
        base_url: Option<Url>,
    },
}

#[allow(clippy::expect_used, reason = "a constant URL")]
fn twilio_base() -> Url {
    Url::parse("https://api.twilio.com").expect("static URL")
}

#[allow(clippy::expect_used, reason = "a constant URL")]
fn vonage_base() -> Url {
    Url::parse("https://rest.nexmo.com").expect("static URL")
}
