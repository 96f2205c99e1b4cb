//! Twilio Programmable Messaging: `POST /2010-04-01/Accounts/{sid}/Messages.json`,
//! a form body, HTTP Basic with the account SID and auth token, `201 Created` with JSON.

use serde::Deserialize;
use url::Url;

use super::SendError;
use crate::factors::phone::PhoneNumber;
use crate::outbound::Http;
use crate::secret::Secret;

pub struct Twilio {
    pub base: Url,
    pub account_sid: String,
    pub auth_token: Secret,
    pub from: String,
}

/// Twilio's error body (`code` is documented at twilio.com/docs/api/errors).
#[derive(Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

impl Twilio {
    pub async fn send(&self, http: &Http, to: &PhoneNumber, text: &str) -> Result<(), SendError> {
        let fail = |reason: String| SendError { provider: "twilio", reason };
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.base.as_str().trim_end_matches('/'),
            self.account_sid
        );
        let response = http
            .post(url)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose()))
            .form(&[("To", to.e164()), ("From", self.from.as_str()), ("Body", text)])
            .send()
            .await
            .map_err(|e| fail(format!("request failed: {e}")))?;
        let status = response.status();
        if status == reqwest::StatusCode::CREATED {
            return Ok(());
        }
        let body: Option<TwilioError> = response.json().await.ok();
        let (code, message) = body.map(|b| (b.code, b.message)).unwrap_or_default();
        Err(fail(format!(
            "HTTP {status}, error {} {}",
            code.map(|c| c.to_string()).unwrap_or_else(|| "-".into()),
            message.unwrap_or_default()
        )))
    }
}
