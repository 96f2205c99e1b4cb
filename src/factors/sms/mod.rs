//! Text messages with one-time codes: the message format, the providers and
//! the fallback between them.

pub mod codes;
pub mod config;
mod outbox;
mod sns;
mod twilio;
mod vonage;

use std::path::Path;

pub use config::{ProviderConfig, SmsConfig};

use crate::factors::phone::PhoneNumber;
use crate::i18n::{Arg, Lang};
use crate::outbound::Http;

/// The text of a code message. The last line is the origin-bound format
/// (`@host #code`) that browsers and phones read to offer the code for this site only.
pub fn code_message(lang: Lang, issuer_host: &str, code: &str) -> String {
    let text = crate::i18n::t_with(lang, "sms-code-text", &[("code", Arg::Text(code.to_string()))]);
    format!("{text}\n\n@{issuer_host} #{code}")
}

/// Why a provider did not take a message; never contains the text.
#[derive(Debug, thiserror::Error)]
#[error("{provider}: {reason}")]
pub struct SendError {
    pub provider: &'static str,
    pub reason: String,
}

/// One way of delivering a text.
pub enum Sender {
    Outbox(outbox::Outbox),
    Twilio(twilio::Twilio),
    Vonage(vonage::Vonage),
    Sns(sns::Sns),
}

impl Sender {
    fn from_config(provider: &ProviderConfig) -> Sender {
        match provider {
            ProviderConfig::Twilio { account_sid, auth_token, from, base_url } => {
                Sender::Twilio(twilio::Twilio {
                    base: base_url.clone(),
                    account_sid: account_sid.clone(),
                    auth_token: auth_token.clone(),
                    from: from.clone(),
                })
            }
            ProviderConfig::Vonage { api_key, api_secret, from, base_url } => {
                Sender::Vonage(vonage::Vonage {
                    base: base_url.clone(),
                    api_key: api_key.clone(),
                    api_secret: api_secret.clone(),
                    from: from.clone(),
                })
            }
            ProviderConfig::Sns { access_key_id, secret_access_key, region, base_url } => {
                Sender::Sns(sns::Sns {
                    base: base_url.clone().unwrap_or_else(|| sns_endpoint(region)),
                    region: region.clone(),
                    access_key_id: access_key_id.clone(),
                    secret_access_key: secret_access_key.clone(),
                })
            }
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Sender::Outbox(_) => "outbox",
            Sender::Twilio(_) => "twilio",
            Sender::Vonage(_) => "vonage",
            Sender::Sns(_) => "sns",
        }
    }

    async fn send(&self, http: &Http, to: &PhoneNumber, text: &str, now: i64) -> Result<(), SendError> {
        match self {
            Sender::Outbox(o) => o.send(to, text, now).await,
            Sender::Twilio(t) => t.send(http, to, text).await,
            Sender::Vonage(v) => v.send(http, to, text).await,
            Sender::Sns(s) => s.send(http, to, text, now).await,
        }
    }
}

#[allow(clippy::expect_used, reason = "a constant URL")]
fn sns_endpoint(region: &str) -> url::Url {
    url::Url::parse(&format!("https://sns.{region}.amazonaws.com/"))
        .unwrap_or_else(|_| url::Url::parse("https://sns.us-east-1.amazonaws.com/").expect("static URL"))
}

/// The configured provider and its fallback.
pub struct Delivery {
    primary: Sender,
    fallback: Option<Sender>,
}

impl Delivery {
    pub fn from_config(config: &SmsConfig, data_dir: &Path) -> Delivery {
        let primary = match &config.provider {
            Some(p) => Sender::from_config(p),
            None => Sender::Outbox(outbox::Outbox { path: data_dir.join("outbox").join("sms.jsonl") }),
        };
        Delivery { primary, fallback: config.fallback.as_ref().map(Sender::from_config) }
    }

    /// Sends `text` through the provider, then the fallback if the provider fails.
    pub async fn send(&self, http: &Http, to: &PhoneNumber, text: &str, now: i64) -> Result<(), SendError> {
        let first = match self.primary.send(http, to, text, now).await {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        let Some(fallback) = &self.fallback else { return Err(first) };
        tracing::warn!(error = %first, fallback = fallback.name(), "SMS provider failed; trying the fallback");
        fallback.send(http, to, text, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_binds_the_code_to_the_issuer() {
        let text = code_message(Lang::En, "id.example.com", "123456");
        assert_eq!(text.lines().last(), Some("@id.example.com #123456"));
    }
}
