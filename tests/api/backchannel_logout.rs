//! Back-Channel Logout 1.0: a real receiver on loopback gets a logout token it
//! can verify against careid's JWKS; failures are retried with backoff until
//! delivered or given up; `careid sessions` shows the queue.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use careid::oidc::backchannel::delivery::run_due;
use careid::store::Delivery;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation};
use serde_json::{Value, json};

use crate::kit::oauth::urlencoded;
use crate::kit::{Browser, CLINICIAN, Client, PORTAL, PORTAL_REDIRECT, PORTAL_SECRET, TestApp};

const LOGGED_OUT: &str = "https://portal.example/logged-out";
const RECORDS_REDIRECT: &str = "https://records.example/cb";
const RECORDS_SECRET: &str = "records-secret-0123456789-abcdefghijk";

/// A relying party's back-channel endpoint: records every POST body and
/// answers 500 to the first `fail_first` of them.
struct Receiver {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
}

#[derive(Clone)]
struct ReceiverState {
    seen: Arc<Mutex<Vec<String>>>,
    failures_left: Arc<AtomicUsize>,
}

async fn receive(State(s): State<ReceiverState>, body: String) -> StatusCode {
    s.seen.lock().unwrap().push(body);
    let fail = s.failures_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    if fail { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK }
}

impl Receiver {
    async fn start(fail_first: usize) -> Receiver {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state =
            ReceiverState { seen: seen.clone(), failures_left: Arc::new(AtomicUsize::new(fail_first)) };
        let app = axum::Router::new().route("/{rp}", axum::routing::post(receive)).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { base, seen }
    }

    fn uri(&self, rp: &str) -> String {
        format!("{}/{rp}", self.base)
    }

    /// The logout tokens received so far, in order.
    fn tokens(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .map(|body| {
                let form: Vec<(String, String)> =
                    url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
                assert_eq!(form.len(), 1, "only logout_token is sent: {body}");
                assert_eq!(form[0].0, "logout_token");
                form[0].1.clone()
            })
            .collect()
    }
}

/// Waits (briefly, polling) until `done` holds for the queue.
async fn wait_for(app: &TestApp, what: &str, done: impl Fn(&[Delivery]) -> bool) -> Vec<Delivery> {
    for _ in 0..250 {
        let deliveries = app.state.store.recent_deliveries(10).await.unwrap();
        if done(&deliveries) {
            return deliveries;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

/// A careid whose worker only acts when woken or driven by the test, with few attempts.
async fn app() -> TestApp {
    let app = TestApp::spawn_with(|c| {
        c.backchannel.poll_millis = 3_600_000;
        c.backchannel.max_attempts = 3;
        c.backchannel.timeout_secs = 2;
    })
    .await;
    app.add_clinician(CLINICIAN).await;
    app
}

async fn add_portal(app: &TestApp, backchannel_uri: &str) {
    let extra =
        json!({ "post_logout_redirect_uris": [LOGGED_OUT], "backchannel_logout_uri": backchannel_uri });
    app.add_portal(extra).await;
}

/// Logs the browser out through the portal with its ID token.
async fn log_out(app: &TestApp, browser: &Browser, id_token: &str) {
    let query = [("id_token_hint", id_token), ("post_logout_redirect_uri", LOGGED_OUT)];
    let url = format!("{}/end_session?{}", app.base, urlencoded(&query));
    assert_eq!(browser.visit(&url).await.left(), LOGGED_OUT);
}

/// Verifies a logout token as a relying party would, against careid's JWKS.
async fn verify_logout_token(app: &TestApp, token: &str, audience: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.typ.as_deref(), Some("logout+jwt"));
    let jwks: JwkSet = serde_json::from_value(app.get_json("/jwks.json").await).unwrap();
    let jwk = jwks.find(header.kid.as_deref().unwrap()).expect("the signing key is published");
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[&app.base]);
    validation.set_required_spec_claims(&["iss", "aud", "exp", "iat"]);
    // careid's clock may run ahead of the system's in these tests.
    validation.validate_exp = false;
    let claims: Value =
        jsonwebtoken::decode(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation).unwrap().claims;
    let now = app.clock.now();
    assert!(claims["exp"].as_i64().unwrap() > now, "{claims}");
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 120);
    assert_eq!(claims["events"], json!({ "http://schemas.openid.net/event/backchannel-logout": {} }));
    assert!(claims.get("nonce").is_none(), "{claims}");
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    claims
}

#[tokio::test]
async fn rp_initiated_logout_posts_a_verifiable_logout_token_with_the_sid() {
    let app = app().await;
    let receiver = Receiver::start(0).await;
    add_portal(&app, &receiver.uri("portal")).await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).with("nonce", "n-1").in_browser(&browser).tokens().await;
    let id = app.id_claims(&tokens);
    log_out(&app, &browser, tokens["id_token"].as_str().unwrap()).await;

    let deliveries = wait_for(&app, "delivery", |d| d.len() == 1 && d[0].delivered_at.is_some()).await;
    assert_eq!((deliveries[0].attempts, deliveries[0].last_error.as_deref()), (1, None));
    let received = receiver.tokens();
    assert_eq!(received.len(), 1);
    let claims = verify_logout_token(&app, &received[0], "portal").await;
    assert_eq!(claims["sid"], id["sid"]);
    assert_eq!(claims["sub"], id["sub"]);
    assert_eq!(deliveries[0].sid.as_deref(), id["sid"].as_str());
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_backoff_until_delivered() {
    let app = app().await;
    let receiver = Receiver::start(2).await;
    add_portal(&app, &receiver.uri("portal")).await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).with("nonce", "n-1").in_browser(&browser).tokens().await;
    log_out(&app, &browser, tokens["id_token"].as_str().unwrap()).await;

    // The first attempt goes out at once, without waiting for a poll.
    let d = wait_for(&app, "first attempt", |d| d.len() == 1 && d[0].last_error.is_some()).await.remove(0);
    assert_eq!(d.attempts, 1);
    assert!(d.last_error.as_deref().unwrap().contains("500"), "{:?}", d.last_error);
    assert_eq!(run_due(&app.state).await.unwrap(), 0, "not due before its backoff");

    app.clock.advance(d.next_attempt_at - app.clock.now());
    assert_eq!(run_due(&app.state).await.unwrap(), 1);
    let d = app.state.store.recent_deliveries(1).await.unwrap().remove(0);
    assert_eq!((d.attempts, d.delivered_at, d.failed_at), (2, None, None));
    let second_wait = d.next_attempt_at - app.clock.now();

    // Long enough that the queued token expired: the retry carries a fresh one.
    app.clock.advance(second_wait.max(300));
    assert_eq!(run_due(&app.state).await.unwrap(), 1);
    let d = app.state.store.recent_deliveries(1).await.unwrap().remove(0);
    assert_eq!((d.attempts, d.last_error.as_deref(), d.failed_at), (3, None, None));
    assert!(d.delivered_at.is_some());
    let received = receiver.tokens();
    assert_eq!(received.len(), 3);
    let claims = verify_logout_token(&app, &received[2], "portal").await;
    assert_eq!(claims["sid"], app.id_claims(&tokens)["sid"]);
    assert_eq!(run_due(&app.state).await.unwrap(), 0, "delivered is done");
}

#[tokio::test]
async fn an_unreachable_receiver_is_given_up_after_max_attempts() {
    let app = app().await;
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://127.0.0.1:{}/bc", closed.local_addr().unwrap().port());
    drop(closed);
    add_portal(&app, &uri).await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).with("nonce", "n-1").in_browser(&browser).tokens().await;
    log_out(&app, &browser, tokens["id_token"].as_str().unwrap()).await;

    let mut d =
        wait_for(&app, "first attempt", |d| d.len() == 1 && d[0].last_error.is_some()).await.remove(0);
    while d.failed_at.is_none() {
        assert!(d.attempts < 3, "still pending after {} attempts", d.attempts);
        app.clock.advance(d.next_attempt_at - app.clock.now());
        assert_eq!(run_due(&app.state).await.unwrap(), 1);
        d = app.state.store.recent_deliveries(1).await.unwrap().remove(0);
    }
    assert_eq!(d.attempts, 3);
    assert!(d.delivered_at.is_none());
    assert!(d.last_error.is_some());
    app.clock.advance(3600);
    assert_eq!(run_due(&app.state).await.unwrap(), 0, "failed is done");

    let output = careid_sessions(&app);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let row = stdout.lines().find(|l| l.contains("portal")).unwrap_or_else(|| panic!("{stdout}"));
    let columns: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&columns[1..4], ["portal", "failed", "3"], "{row}");
    assert!(!stdout.contains(&d.logout_token), "the CLI never prints tokens");
}

#[tokio::test]
async fn a_name_resolving_to_a_network_not_allowed_is_refused_when_delivering() {
    let app = TestApp::spawn_with(|c| {
        c.backchannel.poll_millis = 3_600_000;
        c.backchannel.max_attempts = 2;
        c.outbound_allowed_networks = Vec::new();
    })
    .await;
    app.add_clinician(CLINICIAN).await;
    let receiver = Receiver::start(0).await;
    // Registered while loopback was allowed (or before its name was re-pointed
    // at an internal address): only the connection can still refuse it.
    let uri = receiver.uri("portal").replace("127.0.0.1", "localhost");
    let spec = serde_json::from_value(json!({
        "id": "portal", "name": "Clinician Portal", "secret": PORTAL_SECRET, "first_party": true,
        "redirect_uris": [PORTAL_REDIRECT], "post_logout_redirect_uris": [LOGGED_OUT],
        "backchannel_logout_uri": uri
    }))
    .unwrap();
    let loopback = ["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
    let (state, now) = (&app.state, app.clock.now());
    careid::clients::registry::save(&state.store, &state.secrets, spec, false, &loopback, now).await.unwrap();
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).with("nonce", "n-1").in_browser(&browser).tokens().await;
    log_out(&app, &browser, tokens["id_token"].as_str().unwrap()).await;

    let mut d =
        wait_for(&app, "first attempt", |d| d.len() == 1 && d[0].last_error.is_some()).await.remove(0);
    while d.failed_at.is_none() {
        app.clock.advance(d.next_attempt_at - app.clock.now());
        assert_eq!(run_due(&app.state).await.unwrap(), 1);
        d = app.state.store.recent_deliveries(1).await.unwrap().remove(0);
    }
    let error = d.last_error.unwrap();
    assert!(error.contains("localhost: ") && error.contains("is a loopback"), "{error}");
    assert!(error.contains("outbound_allowed_networks"), "{error}");
    assert!(receiver.tokens().is_empty(), "nothing reached the receiver");

    let output = careid_sessions(&app);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let row = stdout.lines().find(|l| l.contains("portal")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.contains(" failed ") && row.contains("is a loopback"), "{row}");
}

/// Runs `careid sessions` on the app's own stores.
fn careid_sessions(app: &TestApp) -> std::process::Output {
    app.careid(&["sessions"]).output().expect("careid runs")
}

#[tokio::test]
async fn every_client_of_the_session_receives_its_own_logout_token() {
    let app = app().await;
    let receiver = Receiver::start(0).await;
    add_portal(&app, &receiver.uri("portal")).await;
    app.add_client(json!({
        "id": "records", "name": "Records", "secret": RECORDS_SECRET, "first_party": true,
        "redirect_uris": [RECORDS_REDIRECT], "backchannel_logout_uri": receiver.uri("records")
    }))
    .await;
    app.add_client(json!({
        "id": "quiet", "name": "No back channel", "secret": RECORDS_SECRET, "first_party": true,
        "redirect_uris": [RECORDS_REDIRECT]
    }))
    .await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).with("nonce", "n-1").in_browser(&browser).tokens().await;
    for client in ["records", "quiet"] {
        let client = Client::confidential(client, RECORDS_REDIRECT, RECORDS_SECRET);
        app.sign_in(&client, CLINICIAN).in_session(&browser).tokens().await;
    }
    log_out(&app, &browser, tokens["id_token"].as_str().unwrap()).await;

    wait_for(&app, "both deliveries", |d| d.len() == 2 && d.iter().all(|d| d.delivered_at.is_some())).await;
    let sid = app.id_claims(&tokens)["sid"].clone();
    let mut audiences = Vec::new();
    for token in receiver.tokens() {
        let aud = jsonwebtoken::dangerous::insecure_decode::<Value>(&token).unwrap().claims["aud"].clone();
        let claims = verify_logout_token(&app, &token, aud.as_str().unwrap()).await;
        assert_eq!(claims["sid"], sid);
        audiences.push(aud.as_str().unwrap().to_string());
    }
    audiences.sort();
    assert_eq!(audiences, ["portal", "records"]);
}

#[tokio::test]
async fn a_receiver_down_for_an_hour_gets_the_logout_once_it_is_back() {
    let app = TestApp::spawn_with(|c| c.backchannel.poll_millis = 3_600_000).await;
    app.add_clinician(CLINICIAN).await;
    // Under the default backoff (2, 4, 8 … s), the first 11 attempts fall within the hour.
    let receiver = Receiver::start(11).await;
    add_portal(&app, &receiver.uri("portal")).await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).with("nonce", "n-1").in_browser(&browser).tokens().await;
    let down_at = app.clock.now();
    log_out(&app, &browser, tokens["id_token"].as_str().unwrap()).await;
    let mut d = wait_for(&app, "first attempt", |d| d.len() == 1 && d[0].attempts == 1).await.remove(0);
    while d.delivered_at.is_none() {
        assert!(d.failed_at.is_none(), "given up after {} attempts", d.attempts);
        app.clock.advance((d.next_attempt_at - app.clock.now()).max(0));
        assert_eq!(run_due(&app.state).await.unwrap(), 1);
        d = app.state.store.recent_deliveries(1).await.unwrap().remove(0);
    }
    assert!(app.clock.now() - down_at >= 3600, "the receiver was down for an hour");
    assert_eq!(d.attempts, 12);
    let posted = receiver.tokens();
    assert_eq!(posted.len(), 12, "11 refused while down, one delivered");
    let claims = verify_logout_token(&app, &posted[11], "portal").await;
    assert_eq!(claims["sid"], app.id_claims(&tokens)["sid"]);
    app.clock.advance(3 * 3600);
    assert_eq!(run_due(&app.state).await.unwrap(), 0, "delivered once, never again");
    assert_eq!(receiver.tokens().len(), 12);
}
