//! Vonage SMS API: `POST /sms/json` with `api_key` and `api_secret` in the form;
//! the reply is `200 OK` even on failure, with a status per message part.

use serde::Deserialize;
use url::Url;

use super::SendError;
use crate::factors::phone::PhoneNumber;
use crate::outbound::Http;
use crate::secret::Secret;

pub struct Vonage {
    pub base: Url,
    pub api_key: String,
    pub api_secret: Secret,
    pub from: String,
}

#[derive(Deserialize)]
struct Reply {
    messages: Vec<Part>,
}

#[derive(Deserialize)]
struct Part {
    status: String,
    #[serde(rename = "error-text")]
    error_text: Option<String>,
}

impl Vonage {
    pub async fn send(&self, http: &Http, to: &PhoneNumber, text: &str) -> Result<(), SendError> {
        let fail = |reason: String| SendError { provider: "vonage", reason };
        let url = format!("{}/sms/json", self.base.as_str().trim_end_matches('/'));
        // Vonage wants the number without the leading `+`.
        let to = to.e164().trim_start_matches('+');
        let form = [
            ("api_key", self.api_key.as_str()),
            ("api_secret", self.api_secret.expose()),
            ("from", self.from.as_str()),
            ("to", to),
            ("text", text),
        ];
        let response =
            http.post(url).form(&form).send().await.map_err(|e| fail(format!("request failed: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(fail(format!("HTTP {status}")));
        }
        let reply: Reply = response.json().await.map_err(|_| fail("unreadable reply".into()))?;
        // Status "0" is success; any other part status means the message was not (fully) sent.
        match reply.messages.iter().find(|p| p.status != "0") {
            None if !reply.messages.is_empty() => Ok(()),
            None => Err(fail("no message in the reply".into())),
            Some(part) => {
                Err(fail(format!("status {} {}", part.status, part.error_text.clone().unwrap_or_default())))
            }
        }
    }
}
