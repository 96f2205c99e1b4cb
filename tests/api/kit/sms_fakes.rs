//! Local fakes of SMS providers (Twilio, Vonage) that record each request
//! and answer as the provider does, errors included.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::post;
use careid::factors::sms::ProviderConfig;
use careid::secret::Secret;

/// What the fake saw: path, Authorization header, form fields.
pub type Seen = Arc<Mutex<Vec<(String, Option<String>, Vec<(String, String)>)>>>;

/// A provider on 127.0.0.1:0 that records requests and answers `status` with `body`.
pub async fn fake(path: &'static str, status: StatusCode, body: serde_json::Value) -> (url::Url, Seen) {
    let seen: Seen = Arc::default();
    let handler = move |State(seen): State<Seen>, uri: Uri, headers: HeaderMap, form: Bytes| {
        let body = body.clone();
        async move {
            assert_eq!(headers["content-type"], "application/x-www-form-urlencoded");
            let fields = url::form_urlencoded::parse(&form).into_owned().collect();
            let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
            seen.lock().unwrap().push((uri.path().to_string(), auth, fields));
            (status, axum::Json(body)).into_response()
        }
    };
    let app = Router::new().route(path, post(handler)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap()).parse().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

pub fn twilio(base: url::Url) -> ProviderConfig {
    ProviderConfig::Twilio {
        account_sid: "AC123".into(),
        auth_token: Secret::new("tok3n"),
        from: "+15005550006".into(),
        base_url: base,
    }
}

pub fn vonage(base: url::Url) -> ProviderConfig {
    ProviderConfig::Vonage {
        api_key: "key1".into(),
        api_secret: Secret::new("s3cret"),
        from: "careid".into(),
        base_url: base,
    }
}
