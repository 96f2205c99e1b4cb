//! Amazon SNS `Publish` to a phone number: a form POST to the regional
//! endpoint signed with AWS Signature Version 4, answered in XML.

use sha2::{Digest, Sha256};
use url::Url;

use super::SendError;
use crate::crypto::mac::hmac_sha256;
use crate::factors::phone::PhoneNumber;
use crate::outbound::Http;
use crate::secret::Secret;

const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

pub struct Sns {
    pub base: Url,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
}

/// One request to sign (SigV4 signs the method, path, query, three headers and the body).
pub struct Signable<'a> {
    pub method: &'a str,
    pub host: &'a str,
    pub query: &'a str,
    pub body: &'a [u8],
    /// `YYYYMMDDTHHMMSSZ`
    pub amz_date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    hmac_sha256(key, data.as_bytes()).to_vec()
}

/// The `Authorization` header value for `r`.
pub fn authorization(r: &Signable<'_>, access_key_id: &str, secret: &str) -> String {
    let date = &r.amz_date[..8];
    let signed_headers = "content-type;host;x-amz-date";
    let canonical = format!(
        "{}\n/\n{}\ncontent-type:{CONTENT_TYPE}\nhost:{}\nx-amz-date:{}\n\n{signed_headers}\n{}",
        r.method,
        r.query,
        r.host,
        r.amz_date,
        hex::encode(Sha256::digest(r.body))
    );
    let scope = format!("{date}/{}/{}/aws4_request", r.region, r.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        r.amz_date,
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), date);
    for part in [r.region, r.service, "aws4_request"] {
        key = hmac(&key, part);
    }
    let signature = hex::encode(hmac(&key, &to_sign));
    format!(
        "AWS4-HMAC-SHA256 Credential={access_key_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

fn amz_date(now: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(now).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The text between `<tag>` and `</tag>` in an XML reply (SNS replies are small and flat enough).
fn xml_field<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(&xml[start..end])
}

impl Sns {
    pub async fn send(&self, http: &Http, to: &PhoneNumber, text: &str, now: i64) -> Result<(), SendError> {
        let fail = |reason: String| SendError { provider: "sns", reason };
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("Action", "Publish")
            .append_pair("Version", "2010-03-31")
            .append_pair("PhoneNumber", to.e164())
            .append_pair("Message", text)
            .append_pair("MessageAttributes.entry.1.Name", "AWS.SNS.SMS.SMSType")
            .append_pair("MessageAttributes.entry.1.Value.DataType", "String")
            .append_pair("MessageAttributes.entry.1.Value.StringValue", "Transactional")
            .finish();
        let host = match (self.base.host_str(), self.base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => return Err(fail("base_url has no host".into())),
        };
        let amz_date = amz_date(now);
        let signable = Signable {
            method: "POST",
            host: &host,
            query: "",
            body: body.as_bytes(),
            amz_date: &amz_date,
            region: &self.region,
            service: "sns",
        };
        let authorization = authorization(&signable, &self.access_key_id, self.secret_access_key.expose());
        let response = http
            .post(self.base.clone())
            .header("content-type", CONTENT_TYPE)
            .header("x-amz-date", &amz_date)
            .header("authorization", authorization)
            .body(body)
            .send()
            .await
            .map_err(|e| fail(format!("request failed: {e}")))?;
        let status = response.status();
        let xml = response.text().await.unwrap_or_default();
        if status.is_success() && xml_field(&xml, "MessageId").is_some() {
            return Ok(());
        }
        Err(fail(format!(
            "HTTP {status}, {} {}",
            xml_field(&xml, "Code").unwrap_or("-"),
            xml_field(&xml, "Message").unwrap_or_default()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of AWS's "Signature Version 4 signing process" (IAM ListUsers).
    #[test]
    fn signs_the_aws_documentation_example() {
        let r = Signable {
            method: "GET",
            host: "iam.amazonaws.com",
            query: "Action=ListUsers&Version=2010-05-08",
            body: b"",
            amz_date: "20150830T123600Z",
            region: "us-east-1",
            service: "iam",
        };
        let header = authorization(&r, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        assert_eq!(
            header,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn dates_are_basic_iso8601_in_utc() {
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
    }
}
