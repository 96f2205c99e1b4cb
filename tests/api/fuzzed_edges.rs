//! Property tests of the parsers that need a running careid: random form
//! bodies, queries, headers and JSON at the endpoints never get a 5xx, and
//! arbitrary TOML configuration is refused in one line. The case count is
//! proptest's (`PROPTEST_CASES`, 256 by default).

use careid::people::Role;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

use crate::kit::invitations::INVITE_SCOPES;
use crate::kit::{Browser, CARE_APP, PASSWORD, PATIENT, PORTAL, TestApp};

/// `PROPTEST_CASES` values of `strategy` (no shrinking: each is sent as is
/// and a failure prints it).
fn samples<S: Strategy>(strategy: S) -> Vec<S::Value> {
    let mut runner = TestRunner::new(Config::default());
    let cases = runner.config().cases;
    (0..cases).map(|_| strategy.new_tree(&mut runner).expect("a sample").current()).collect()
}

/// careid whose POST flood guard stays out of the way of the samples.
async fn app_for_samples() -> TestApp {
    TestApp::with_portal_and(|c| c.http.posts_per_ip_per_minute = 1_000_000_000).await
}

const PARAMS: &[&str] = &[
    "grant_type",
    "code",
    "redirect_uri",
    "client_id",
    "client_secret",
    "refresh_token",
    "scope",
    "resource",
    "code_verifier",
    "code_challenge",
    "code_challenge_method",
    "client_assertion",
    "client_assertion_type",
    "response_type",
    "state",
    "nonce",
    "prompt",
    "max_age",
    "acr_values",
    "request",
    "request_uri",
    "token",
    "token_type_hint",
    "id_token_hint",
    "login_hint",
    "ui_locales",
    "claims",
    "dpop_jkt",
];

const VALUES: &[&str] = &[
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "code",
    "openid",
    "portal",
    "S256",
    "plain",
    "none",
    "login",
    "consent",
    "https://portal.example/cb",
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    "urn:ietf:params:oauth:request_uri:x",
    "eyJhbGciOiJub25lIn0.e30.",
    "-1",
    "0",
    "99999999999999999999",
];

/// A form body: raw bytes, or parameters careid knows with odd values.
fn form_body() -> impl Strategy<Value = Vec<u8>> {
    let value = prop_oneof![
        proptest::sample::select(VALUES).prop_map(str::to_string),
        "\\PC{0,30}",
        "%[0-9A-Fa-z]{0,3}",
    ];
    let pair = (proptest::sample::select(PARAMS), value).prop_map(|(name, value)| {
        let escaped: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        format!("{name}={escaped}")
    });
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::collection::vec(pair, 0..8).prop_map(|pairs| pairs.join("&").into_bytes()),
    ]
}

/// A header value: bytes that may not be one, Basic credentials, or JWT-shaped.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..100),
        "Basic [A-Za-z0-9+/=:%]{0,40}".prop_map(String::into_bytes),
        "[A-Za-z0-9_=-]{0,40}\\.[A-Za-z0-9_=-]{0,40}\\.[A-Za-z0-9_=-]{0,40}".prop_map(String::into_bytes),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,30}".prop_map(Value::from),
    ];
    let names = prop_oneof![
        proptest::sample::select(
            &[
                "tx",
                "csrf",
                "ceremony",
                "credential",
                "id",
                "rawId",
                "type",
                "response",
                "clientDataJSON",
                "authenticatorData",
                "signature",
                "userHandle",
                "role",
                "email",
                "deployment",
                "name",
                "phone",
            ][..]
        )
        .prop_map(str::to_string),
        "\\PC{0,10}",
    ];
    leaf.prop_recursive(3, 32, 5, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            proptest::collection::btree_map(names.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn assert_no_5xx(what: &str, status: reqwest::StatusCode, input: &dyn std::fmt::Debug) {
    assert!(status.as_u16() < 500, "{what} answered {status} to {input:?}");
}

#[tokio::test]
async fn prop_random_bodies_and_credentials_at_the_oauth_endpoints_never_get_a_5xx() {
    let app = app_for_samples().await;
    let endpoints = ["/token", "/par", "/introspect", "/revoke", "/authorize"];
    for (i, (body, authorization, dpop)) in
        samples((form_body(), proptest::option::of(header_value()), proptest::option::of(header_value())))
            .into_iter()
            .enumerate()
    {
        let path = endpoints[i % endpoints.len()];
        let mut request = app
            .client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone());
        for (name, value) in [("authorization", &authorization), ("dpop", &dpop)] {
            if let Some(value) = value.as_ref().and_then(|v| reqwest::header::HeaderValue::from_bytes(v).ok())
            {
                request = request.header(name, value);
            }
        }
        let status = request.send().await.unwrap().status();
        assert_no_5xx(path, status, &(String::from_utf8_lossy(&body), &authorization, &dpop));
    }
}

#[tokio::test]
async fn prop_random_authorization_requests_never_get_a_5xx() {
    let app = app_for_samples().await;
    for query in samples(form_body()) {
        let query = String::from_utf8_lossy(&query).replace(['#', ' '], "");
        let status = app.client.get(format!("{}/authorize?{query}", app.base)).send().await.unwrap().status();
        assert_no_5xx("/authorize", status, &query);
    }
}

#[tokio::test]
async fn prop_random_webauthn_bodies_get_a_4xx() {
    let app = TestApp::two_step(|c| c.http.posts_per_ip_per_minute = 1_000_000_000).await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    let (tx, csrf) = browser.login_page(&app.authorize_url(&CARE_APP, &[])).await;
    let challenge = browser.passkey_challenge(&(tx.clone(), csrf.clone())).await;
    for (credential, whole) in samples((json_value(), json_value())) {
        // Half the bodies carry a real transaction and ceremony, so the
        // credential itself is what gets parsed.
        let shaped = serde_json::json!({
            "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential
        });
        for body in [shaped, whole] {
            let status =
                browser.http.post(app.url("/login/passkey")).json(&body).send().await.unwrap().status();
            assert!(status.is_client_error(), "/login/passkey answered {status} to {body}");
        }
    }
}

#[tokio::test]
async fn prop_random_invitation_json_never_gets_a_5xx() {
    let app = app_for_samples().await;
    app.add_inviting_portal().await;
    app.add_user("ann@example.com", PASSWORD, Role::Admin).await;
    let token = app.sign_in(&PORTAL, "ann@example.com").scope(INVITE_SCOPES).access_token().await;
    for body in samples(json_value()) {
        let response =
            app.client.post(app.url("/api/invitations")).bearer_auth(&token).json(&body).send().await;
        assert_no_5xx("/api/invitations", response.unwrap().status(), &body);
    }
}

/// TOML text: random, or known keys and sections with values of any type.
fn toml_text() -> impl Strategy<Value = String> {
    let key = proptest::sample::select(
        &[
            "issuer",
            "listen",
            "database_url",
            "redis_url",
            "trusted_proxies",
            "log_format",
            "max_header_bytes",
            "max_connections",
            "request_timeout_secs",
            "code_secs",
            "memory_kib",
            "rp_id",
            "from",
            "host",
            "id",
        ][..],
    );
    let value = prop_oneof![
        "\"\\PC{0,20}\"",
        "-?[0-9]{1,20}",
        Just("[]".to_string()),
        Just("true".to_string()),
        Just("{ a = 1 }".to_string()),
        "\\[\"[0-9./:a-z]{0,15}\"\\]",
    ];
    let section = proptest::sample::select(
        &["", "[http]", "[session]", "[passwords]", "[smtp]", "[[clients]]", "[passkeys]", "[nope]"][..],
    );
    let line = (section, key, value).prop_map(|(s, k, v)| format!("{s}\n{k} = {v}"));
    prop_oneof!["\\PC{0,120}", proptest::collection::vec(line, 0..6).prop_map(|l| l.join("\n"))]
}

#[test]
fn prop_arbitrary_configuration_loads_or_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("careid.toml");
    for text in samples(toml_text()) {
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = careid::config::Config::load(Some(&path)) {
            let message = e.to_string();
            assert!(!message.is_empty() && !message.contains('\n'), "{text:?} gave {message:?}");
        }
    }
}
