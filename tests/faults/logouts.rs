//! The App's back-channel logout endpoint, in the harness: it refuses (503)
//! while told to, as a relying party that is briefly down, and otherwise
//! accepts and keeps every logout token it is sent.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

#[derive(Clone, Default)]
struct Shared {
    refusing: Arc<AtomicBool>,
    refused: Arc<AtomicUsize>,
    /// The claims of every logout token accepted, in order.
    accepted: Arc<Mutex<Vec<Value>>>,
}

pub struct Receiver {
    pub uri: String,
    shared: Shared,
}

/// The claims of a JWT, unverified (the API tests verify logout tokens; here only who and which count).
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    URL_SAFE_NO_PAD.decode(payload).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(Value::Null)
}

async fn receive(State(s): State<Shared>, body: String) -> StatusCode {
    if s.refusing.load(Ordering::SeqCst) {
        s.refused.fetch_add(1, Ordering::SeqCst);
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let token = url::form_urlencoded::parse(body.as_bytes()).find(|(k, _)| k == "logout_token");
    let Some((_, token)) = token else { return StatusCode::BAD_REQUEST };
    let claims = claims(&token);
    if claims["events"].get("http://schemas.openid.net/event/backchannel-logout").is_none() {
        return StatusCode::BAD_REQUEST;
    }
    s.accepted.lock().unwrap().push(claims);
    StatusCode::OK
}

impl Receiver {
    pub async fn start() -> Receiver {
        let shared = Shared::default();
        let app =
            axum::Router::new().route("/logout", axum::routing::post(receive)).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://127.0.0.1:{}/logout", listener.local_addr().unwrap().port());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { uri, shared }
    }

    /// Answers 503 to every logout from now on (`true`), or accepts them again.
    pub fn refuse(&self, refusing: bool) {
        self.shared.refusing.store(refusing, Ordering::SeqCst);
    }

    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    /// The claims of the logout tokens accepted so far.
    pub fn accepted(&self) -> Vec<Value> {
        self.shared.accepted.lock().unwrap().clone()
    }

    /// Waits up to `within` until `done` holds.
    pub async fn wait_until(&self, within: Duration, done: impl Fn(&Receiver) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < deadline {
            if done(self) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        done(self)
    }
}

/// Ends the session of the browser `browser` at node `base` the way the App
/// does (RP-initiated logout with its ID token); the status careid answered.
pub async fn log_out(browser: &reqwest::Client, base: &str, id_token: &str) -> Result<u16, String> {
    let query =
        url::form_urlencoded::Serializer::new(String::new()).append_pair("id_token_hint", id_token).finish();
    let response =
        browser.get(format!("{base}/end_session?{query}")).send().await.map_err(|e| e.to_string())?;
    Ok(response.status().as_u16())
}
