//! RP-Initiated Logout 1.0 as the conformance suite's RP-initiated plan drives
//! it: redirects only to checked URIs, a confirmation without a valid hint, and
//! a session (and its grants) really gone afterwards.

use careid::crypto::keys::b64;
use careid::crypto::{Alg, KeyMaterial};
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Value, json};

use crate::kit::oauth::urlencoded;
use crate::kit::{Browser, CLINICIAN, PORTAL, TestApp, text};

const LOGGED_OUT: &str = "https://portal.example/logged-out";

/// A careid with the portal (which registered `LOGGED_OUT`) and a clinician.
async fn app() -> TestApp {
    let app = TestApp::spawn().await;
    app.add_portal(json!({ "post_logout_redirect_uris": [LOGGED_OUT] })).await;
    app.add_clinician(CLINICIAN).await;
    app
}

fn end_session_url(app: &TestApp, params: &[(&str, &str)]) -> String {
    format!("{}/end_session?{}", app.base, urlencoded(params))
}

/// Whether the browser still has a session careid accepts (prompt=none gives a code).
async fn still_signed_in(app: &TestApp, browser: &Browser) -> bool {
    let url = app.authorize_url(&PORTAL, &[("prompt", "none")]);
    let params = browser.visit(&url).await.params();
    match params.get("error").map(String::as_str) {
        None => params.contains_key("code"),
        Some("login_required") => false,
        Some(other) => panic!("unexpected error {other}"),
    }
}

#[tokio::test]
async fn a_valid_hint_signs_out_at_once_and_returns_to_the_client_with_state() {
    let app = app().await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).tokens().await;
    let hint = tokens["id_token"].as_str().unwrap();
    let url = end_session_url(
        &app,
        &[("id_token_hint", hint), ("post_logout_redirect_uri", LOGGED_OUT), ("state", "bye 1&2")],
    );
    let response = browser.http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], format!("{LOGGED_OUT}?state=bye+1%262"));
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("careid_session=;") && cookie.contains("Max-Age=0"), "{cookie}");
    assert!(!still_signed_in(&app, &browser).await);
    let events = app.state.store.audit_events(None, 10).await.unwrap();
    assert!(events.iter().any(|e| e.kind == "logout" && e.client_id.as_deref() == Some("portal")));
}

#[tokio::test]
async fn without_state_the_redirect_carries_no_state() {
    let app = app().await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).tokens().await;
    let url = end_session_url(
        &app,
        &[("id_token_hint", tokens["id_token"].as_str().unwrap()), ("post_logout_redirect_uri", LOGGED_OUT)],
    );
    assert_eq!(browser.visit(&url).await.left(), LOGGED_OUT);
    assert!(!still_signed_in(&app, &browser).await);
}

/// The hint with its header replaced by `alg: none` and no signature.
fn unsigned(hint: &str) -> String {
    let payload = hint.split('.').nth(1).unwrap();
    format!("{}.{payload}.", b64(br#"{"alg":"none","typ":"JWT"}"#))
}

/// The hint's claims under its own `kid`, signed with a key careid never had.
fn signed_elsewhere(app: &TestApp, hint: &str) -> String {
    let claims: Value = app.state.keyring.verify(hint, &app.base, None).unwrap();
    let kid = jsonwebtoken::decode_header(hint).unwrap().kid;
    let other = KeyMaterial::generate(Alg::RS256);
    let mut header = Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = kid;
    let key = EncodingKey::from_rsa_pem(other.private_pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

#[tokio::test]
async fn unchecked_post_logout_redirects_get_an_error_page_and_nobody_is_signed_out() {
    let app = app().await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).tokens().await;
    let hint = tokens["id_token"].as_str().unwrap().to_string();
    let with_query = format!("{LOGGED_OUT}?foo=bar");
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "unregistered",
            vec![
                ("id_token_hint", hint.clone()),
                ("post_logout_redirect_uri", "https://evil.example/".into()),
            ],
        ),
        ("query added", vec![("id_token_hint", hint.clone()), ("post_logout_redirect_uri", with_query)]),
        (
            "alg none",
            vec![("id_token_hint", unsigned(&hint)), ("post_logout_redirect_uri", LOGGED_OUT.into())],
        ),
        (
            "another key",
            vec![
                ("id_token_hint", signed_elsewhere(&app, &hint)),
                ("post_logout_redirect_uri", LOGGED_OUT.into()),
            ],
        ),
        ("no hint", vec![("post_logout_redirect_uri", LOGGED_OUT.into()), ("state", "s".into())]),
        ("client_id of another client", vec![("id_token_hint", hint.clone()), ("client_id", "other".into())]),
    ];
    for (case, params) in cases {
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = browser.http.get(end_session_url(&app, &params)).send().await.unwrap();
        assert_eq!(response.status(), 400, "{case}");
        assert!(response.headers().get("location").is_none(), "{case}");
        assert!(response.headers().get("set-cookie").is_none(), "{case}");
        let body = response.text().await.unwrap();
        assert!(body.contains("id=\"error-message\""), "{case}: {body}");
    }
    assert!(still_signed_in(&app, &browser).await);
}

#[tokio::test]
async fn without_a_hint_careid_asks_and_signs_out_on_confirmation() {
    let app = app().await;
    let browser = Browser::new(&app);
    app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).tokens().await;
    let (status, _, question) = browser.visit("/end_session").await.page();
    assert_eq!(status, 200);
    assert!(question.contains("Sign out?"), "{question}");
    let confirm = "/end_session/confirm";

    // Another browser cannot answer this browser's question, nor a forged token.
    let other = Browser::new(&app);
    app.sign_in(&PORTAL, CLINICIAN).in_browser(&other).tokens().await;
    let (status, _, _) = other.submit(&question, confirm, &[("decision", "yes")]).await.page();
    assert_eq!(status, 400);
    let forged = [("csrf", "forged"), ("decision", "yes")];
    let (status, _, _) = browser.submit(&question, confirm, &forged).await.page();
    assert_eq!(status, 400);
    assert!(still_signed_in(&app, &other).await && still_signed_in(&app, &browser).await);

    let (status, _, page) = browser.submit(&question, confirm, &[("decision", "yes")]).await.page();
    assert_eq!(status, 200);
    assert!(page.contains("id=\"logged-out\""), "{page}");
    assert!(!still_signed_in(&app, &browser).await);
    assert!(still_signed_in(&app, &other).await);
    // The question is answered once.
    let (status, _, _) = browser.submit(&question, confirm, &[("decision", "yes")]).await.page();
    assert_eq!(status, 400);
}

#[tokio::test]
async fn declining_keeps_the_session_and_returns_to_a_checked_uri() {
    let app = app().await;
    let browser = Browser::new(&app);
    app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).tokens().await;
    let url = end_session_url(
        &app,
        &[("client_id", "portal"), ("post_logout_redirect_uri", LOGGED_OUT), ("state", "s-9")],
    );
    let (_, _, page) = browser.visit(&url).await.page();
    assert!(page.contains("Clinician Portal asked to sign you out"), "{page}");
    assert_eq!(
        browser.submit(&page, "/end_session/confirm", &[("decision", "no")]).await.left(),
        format!("{LOGGED_OUT}?state=s-9")
    );
    assert!(still_signed_in(&app, &browser).await);
}

#[tokio::test]
async fn a_hint_for_someone_else_asks_before_signing_out() {
    let app = app().await;
    app.add_clinician("other@example.com").await;
    let tokens = app.sign_in(&PORTAL, "other@example.com").tokens().await;
    let browser = Browser::new(&app);
    app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).tokens().await;
    let url = end_session_url(&app, &[("id_token_hint", tokens["id_token"].as_str().unwrap())]);
    let (status, _, page) = browser.visit(&url).await.page();
    assert_eq!(status, 200);
    assert!(page.contains("Sign out?"), "{page}");
    assert!(still_signed_in(&app, &browser).await);
}

#[tokio::test]
async fn without_a_session_there_is_nothing_to_ask() {
    let app = app().await;
    let (status, _, page) = Browser::new(&app).visit("/end_session").await.page();
    assert_eq!(status, 200);
    assert!(page.contains("id=\"logged-out\""), "{page}");
}

#[tokio::test]
async fn a_form_post_signs_out_and_one_without_cookies_is_replayed_as_a_get() {
    let app = app().await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).tokens().await;
    let hint = tokens["id_token"].as_str().unwrap();
    let form = [("id_token_hint", hint), ("post_logout_redirect_uri", LOGGED_OUT), ("state", "p")];

    // A cross-site POST arrives without the SameSite=Lax cookie.
    let response = app.client.post(app.url("/end_session")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let query = location.strip_prefix("/end_session?").unwrap_or_else(|| panic!("{location}"));
    let mut replayed: Vec<(String, String)> =
        url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    replayed.sort();
    let mut sent: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    sent.sort();
    assert_eq!(replayed, sent);

    assert_eq!(browser.post_form("/end_session", &form).await.left(), format!("{LOGGED_OUT}?state=p"));
    assert!(!still_signed_in(&app, &browser).await);
}

#[tokio::test]
async fn logout_revokes_the_sessions_refresh_tokens_but_not_offline_access() {
    let app = app().await;
    let browser = Browser::new(&app);
    let online = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).tokens().await;
    let offline =
        app.sign_in(&PORTAL, CLINICIAN).scope("openid offline_access").in_session(&browser).tokens().await;
    let url = end_session_url(&app, &[("id_token_hint", online["id_token"].as_str().unwrap())]);
    let (_, _, page) = browser.visit(&url).await.page();
    assert!(page.contains("id=\"logged-out\""), "{page}");

    let (status, body) = app.refresh(&PORTAL, text(&online, "refresh_token")).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    let (status, body) = app.refresh(&PORTAL, text(&offline, "refresh_token")).await;
    assert_eq!(status, 200, "{body}");
}
