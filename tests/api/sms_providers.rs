//! The SMS adapters against local fakes that check each request as the
//! provider documents it, and answer as the provider does (errors included).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::post;
use base64::Engine;
use careid::factors::phone::PhoneNumber;
use careid::factors::sms::{Delivery, ProviderConfig, SmsConfig, code_message};

use crate::kit::sms_fakes::{Seen, fake, twilio, vonage};
use careid::outbound::Http;
use careid::secret::Secret;
use serde_json::json;

fn delivery(provider: ProviderConfig, fallback: Option<ProviderConfig>) -> Delivery {
    let config = SmsConfig { provider: Some(provider), fallback, ..SmsConfig::default() };
    Delivery::from_config(&config, std::path::Path::new("unused"))
}

/// careid's outbound client, allowed to reach the fakes on loopback.
fn http() -> Http {
    Http::new(vec!["127.0.0.0/8".parse().unwrap()]).unwrap()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {name}"))
}

fn number() -> PhoneNumber {
    PhoneNumber::parse("+447400123456").unwrap()
}

#[tokio::test]
async fn twilio_gets_a_basic_auth_form_post_to_the_messages_resource() {
    let path = "/2010-04-01/Accounts/AC123/Messages.json";
    let (base, seen) = fake(path, StatusCode::CREATED, json!({"sid": "SM1", "status": "queued"})).await;
    let text = code_message(careid::i18n::Lang::En, "id.example", "123456");
    delivery(twilio(base), None).send(&http(), &number(), &text, 0).await.unwrap();
    let seen = seen.lock().unwrap();
    let (got_path, auth, fields) = &seen[0];
    assert_eq!(got_path, path);
    let expected = base64::engine::general_purpose::STANDARD.encode("AC123:tok3n");
    assert_eq!(auth.as_deref(), Some(format!("Basic {expected}").as_str()));
    assert_eq!(field(fields, "To"), "+447400123456");
    assert_eq!(field(fields, "From"), "+15005550006");
    assert_eq!(field(fields, "Body"), text);
}

#[tokio::test]
async fn a_twilio_error_reply_is_a_failure() {
    let path = "/2010-04-01/Accounts/AC123/Messages.json";
    let error =
        json!({"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400});
    let (base, _) = fake(path, StatusCode::BAD_REQUEST, error).await;
    let e = delivery(twilio(base), None).send(&http(), &number(), "hi", 0).await.unwrap_err();
    assert!(e.to_string().contains("21211"), "{e}");
}

#[tokio::test]
async fn vonage_gets_its_key_and_secret_in_the_form_and_the_number_without_plus() {
    let ok = json!({"message-count": "1", "messages": [{"to": "447400123456", "message-id": "m1", "status": "0"}]});
    let (base, seen) = fake("/sms/json", StatusCode::OK, ok).await;
    delivery(vonage(base), None).send(&http(), &number(), "code", 0).await.unwrap();
    let seen = seen.lock().unwrap();
    let (path, auth, fields) = &seen[0];
    assert_eq!(path, "/sms/json");
    assert!(auth.is_none());
    assert_eq!(field(fields, "api_key"), "key1");
    assert_eq!(field(fields, "api_secret"), "s3cret");
    assert_eq!(field(fields, "from"), "careid");
    assert_eq!(field(fields, "to"), "447400123456");
    assert_eq!(field(fields, "text"), "code");
}

#[tokio::test]
async fn a_vonage_200_with_a_failed_status_is_a_failure() {
    let refused =
        json!({"message-count": "1", "messages": [{"status": "4", "error-text": "Bad Credentials"}]});
    let (base, _) = fake("/sms/json", StatusCode::OK, refused).await;
    let e = delivery(vonage(base), None).send(&http(), &number(), "x", 0).await.unwrap_err();
    assert!(e.to_string().contains("Bad Credentials"), "{e}");
}

#[tokio::test]
async fn the_fallback_sends_when_the_provider_fails() {
    let path = "/2010-04-01/Accounts/AC123/Messages.json";
    let (down, _) =
        fake(path, StatusCode::SERVICE_UNAVAILABLE, json!({"code": 20503, "message": "down"})).await;
    let ok = json!({"message-count": "1", "messages": [{"status": "0"}]});
    let (backup, seen) = fake("/sms/json", StatusCode::OK, ok).await;
    delivery(twilio(down), Some(vonage(backup))).send(&http(), &number(), "x", 0).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_embedded_default_appends_json_lines_to_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Delivery::from_config(&SmsConfig::default(), dir.path());
    outbox.send(&http(), &number(), "first", 10).await.unwrap();
    outbox.send(&http(), &number(), "second\n@h #1", 11).await.unwrap();
    let text = std::fs::read_to_string(dir.path().join("outbox/sms.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0], json!({"time": 10, "to": "+447400123456", "text": "first"}));
    assert_eq!(lines[1]["text"], "second\n@h #1");
}

/// A fake SNS endpoint: checks the SigV4 header's shape and the Publish form, answers XML.
async fn fake_sns(status: StatusCode, xml: &'static str) -> (url::Url, Seen) {
    let seen: Seen = Arc::default();
    let handler = move |State(seen): State<Seen>, uri: Uri, headers: HeaderMap, form: Bytes| async move {
        assert_eq!(headers["content-type"], "application/x-www-form-urlencoded; charset=utf-8");
        let date = headers["x-amz-date"].to_str().unwrap().to_string();
        assert!(date.len() == 16 && date.ends_with('Z'), "{date}");
        let auth = headers["authorization"].to_str().unwrap().to_string();
        let credential =
            format!("AWS4-HMAC-SHA256 Credential=AKIDTEST/{}/eu-west-2/sns/aws4_request, ", &date[..8]);
        assert!(auth.starts_with(&credential), "{auth}");
        assert!(auth.contains("SignedHeaders=content-type;host;x-amz-date, Signature="), "{auth}");
        let fields = url::form_urlencoded::parse(&form).into_owned().collect();
        seen.lock().unwrap().push((uri.path().to_string(), Some(auth), fields));
        (status, [("content-type", "text/xml")], xml).into_response()
    };
    let app = Router::new().route("/", post(handler)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap()).parse().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

fn sns(base: url::Url) -> ProviderConfig {
    ProviderConfig::Sns {
        access_key_id: "AKIDTEST".into(),
        secret_access_key: Secret::new("secret"),
        region: "eu-west-2".into(),
        base_url: Some(base),
    }
}

#[tokio::test]
async fn sns_gets_a_sigv4_signed_publish_to_the_phone_number() {
    let ok = "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>";
    let (base, seen) = fake_sns(StatusCode::OK, ok).await;
    delivery(sns(base), None).send(&http(), &number(), "code 1", 1_440_938_160).await.unwrap();
    let seen = seen.lock().unwrap();
    let (_, _, fields) = &seen[0];
    assert_eq!(field(fields, "Action"), "Publish");
    assert_eq!(field(fields, "Version"), "2010-03-31");
    assert_eq!(field(fields, "PhoneNumber"), "+447400123456");
    assert_eq!(field(fields, "Message"), "code 1");
}

#[tokio::test]
async fn an_sns_error_response_is_a_failure() {
    let error = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code>\
        <Message>Invalid parameter: PhoneNumber</Message></Error><RequestId>r</RequestId></ErrorResponse>";
    let (base, _) = fake_sns(StatusCode::BAD_REQUEST, error).await;
    let e = delivery(sns(base), None).send(&http(), &number(), "x", 0).await.unwrap_err();
    assert!(e.to_string().contains("InvalidParameter"), "{e}");
}
