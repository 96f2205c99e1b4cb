//! The authorization endpoint's rules: what is refused, how, and where the
//! answer goes (OIDC Core §3.1.2, RFC 6749 §4.1.2.1, RFC 7636, RFC 9207).

use serde_json::json;

use crate::kit::oauth::Authorize;
use crate::kit::{Browser, CARE_APP, CLINICIAN, Client, PASSWORD, PORTAL, TestApp};

/// The Portal's request with `state=xyz` and `extra`.
fn portal(app: &TestApp, extra: &[(&str, &str)]) -> Authorize {
    app.authorize(&PORTAL).set("state", "xyz").params(extra)
}

fn url(app: &TestApp, extra: &[(&str, &str)]) -> String {
    portal(app, extra).url()
}

#[tokio::test]
async fn request_errors_go_back_to_the_client_with_state_and_iss() {
    let app = TestApp::with_portal().await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("response_type", "token")], "unsupported_response_type"),
        (&[("response_type", "code id_token")], "unsupported_response_type"),
        (&[("code_challenge", "abc"), ("code_challenge_method", "plain")], "invalid_request"),
        (&[("code_challenge", "a")], "invalid_request"),
        (&[("prompt", "none login")], "invalid_request"),
        (&[("prompt", "bogus")], "invalid_request"),
        (&[("max_age", "-1")], "invalid_request"),
        (&[("max_age", "soon")], "invalid_request"),
        (&[("claims", "{not json")], "invalid_request"),
        (&[("request", "eyJhbGciOiJub25lIn0.e30.")], "invalid_request_object"),
        (&[("request_uri", "https://portal.example/r")], "request_uri_not_supported"),
        (&[("id_token_hint", "not.a.jwt")], "invalid_request"),
        (&[("response_mode", "jwt")], "invalid_request"),
    ];
    for (extra, error) in cases {
        let params = Browser::new(&app).visit(&url(&app, extra)).await.params();
        assert_eq!(params["error"], *error, "{extra:?}");
        assert_eq!(params["state"], "xyz", "{extra:?}");
        assert_eq!(params["iss"], app.base, "{extra:?}");
        assert!(!params["error_description"].is_empty());
    }
}

#[tokio::test]
async fn a_missing_response_type_is_invalid_request_at_the_client() {
    let app = TestApp::with_portal().await;
    let request = portal(&app, &[]).remove("response_type");
    let params = Browser::new(&app).visit(&request.url()).await.params();
    assert_eq!(params["error"], "invalid_request");
}

#[tokio::test]
async fn public_clients_must_use_pkce() {
    let app = TestApp::with_portal().await;
    app.add_care_app().await;
    let without_pkce = app.authorize(&CARE_APP).remove("code_challenge").remove("code_challenge_method");
    let params = Browser::new(&app).visit(&without_pkce.url()).await.params();
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].contains("PKCE"));
}

#[tokio::test]
async fn malformed_requests_get_an_error_page_not_a_redirect_or_a_500() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    for raw in [
        "response_type=code&client_id=portal&client_id=portal&redirect_uri=https%3A%2F%2Fportal.example%2Fcb",
        "response_type=code&client_id=portal&redirect_uri=%zz",
        "response_type=code&client_id=%FF&redirect_uri=x",
        "client_id=portal",
        "",
    ] {
        let (status, _, body) = browser.visit(&format!("{}/authorize?{raw}", app.base)).await.page();
        assert_eq!(status, 400, "{raw}: {body}");
        assert!(body.contains("error-message"), "{raw}");
    }
    let long = format!("{}/authorize?client_id={}", app.base, "x".repeat(5000));
    let (status, _, _) = browser.visit(&long).await.page();
    assert_eq!(status, 400);
}

#[tokio::test]
async fn an_oversized_parameter_is_refused_at_the_client() {
    let app = TestApp::with_portal().await;
    let big = "s".repeat(5000);
    let request = portal(&app, &[]).remove("state").set("nonce", &big);
    let params = Browser::new(&app).visit(&request.url()).await.params();
    assert_eq!(params["error"], "invalid_request");
}

#[tokio::test]
async fn authorization_requests_can_be_posted_as_forms() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let (status, login_url, page) = browser.post_form("/authorize", &portal(&app, &[]).query()).await.page();
    assert_eq!(status, 200);
    assert!(login_url.contains("/login?tx="));
    let params = browser.login(&page, CLINICIAN, PASSWORD).await.params();
    assert!(params.contains_key("code"));
    let json_body =
        app.client.post(app.url("/authorize")).json(&json!({"client_id": "portal"})).send().await.unwrap();
    assert_eq!(json_body.status(), 400);
}

#[tokio::test]
async fn fragment_and_form_post_response_modes() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let location =
        browser.sign_in(&url(&app, &[("response_mode", "fragment")]), CLINICIAN, PASSWORD).await.left();
    assert!(location.starts_with("https://portal.example/cb#code="), "{location}");

    let response = browser.http.get(url(&app, &[("response_mode", "form_post")])).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("form-action https://portal.example/cb"), "{csp}");
    // minijinja escapes `/` in attributes; browsers decode it.
    let body = response.text().await.unwrap().replace("&#x2f;", "/");
    assert!(body.contains(r#"action="https://portal.example/cb""#), "{body}");
    assert!(body.contains(r#"name="code""#) && body.contains(r#"name="state" value="xyz""#));
    assert!(body.contains(r#"<script src="/assets/form_post.js"></script>"#));
    assert!(!body.contains("<script>"), "no inline script");
}

#[tokio::test]
async fn single_sign_on_across_clients_and_prompt_login_forces_a_new_sign_in() {
    let app = TestApp::with_portal().await;
    app.add_client(json!({
        "id": "admin-portal", "name": "Admin Portal", "secret": "admin-secret-0123456789-abcdefghijklmn",
        "first_party": true, "redirect_uris": ["https://admin.example/cb"]
    }))
    .await;
    let admin_portal = Client::confidential(
        "admin-portal",
        "https://admin.example/cb",
        "admin-secret-0123456789-abcdefghijklmn",
    );
    let browser = Browser::new(&app);
    assert!(browser.sign_in(&url(&app, &[]), CLINICIAN, PASSWORD).await.params().contains_key("code"));
    let admin = app.authorize_url(&admin_portal, &[]);
    assert!(browser.visit(&admin).await.params().contains_key("code"), "no second login");

    let (_, login_url, page) = browser.visit(&url(&app, &[("prompt", "login")])).await.page();
    assert!(login_url.contains("/login?tx="));
    assert!(browser.login(&page, CLINICIAN, PASSWORD).await.params().contains_key("code"));
}

#[tokio::test]
async fn max_age_forces_a_new_sign_in_when_the_session_is_older() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    browser.sign_in(&url(&app, &[]), CLINICIAN, PASSWORD).await.params();
    assert!(browser.visit(&url(&app, &[("max_age", "10000")])).await.params().contains_key("code"));
    app.clock.advance(5);
    let (_, login_url, _) = browser.visit(&url(&app, &[("max_age", "1")])).await.page();
    assert!(login_url.contains("/login?tx="));
    let params = browser.visit(&url(&app, &[("max_age", "1"), ("prompt", "none")])).await.params();
    assert_eq!(params["error"], "login_required");
}

#[tokio::test]
async fn sessions_end_after_the_idle_timeout_and_the_lifetime() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    browser.sign_in(&url(&app, &[]), CLINICIAN, PASSWORD).await.params();
    let config = app.state.config.session.clone();
    app.clock.advance(config.idle_secs - 10);
    assert!(browser.visit(&url(&app, &[("prompt", "none")])).await.params().contains_key("code"));
    app.clock.advance(config.idle_secs + 1);
    assert_eq!(browser.visit(&url(&app, &[("prompt", "none")])).await.params()["error"], "login_required");
}

#[tokio::test]
async fn a_disabled_account_loses_its_session() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    browser.sign_in(&url(&app, &[]), CLINICIAN, PASSWORD).await.params();
    let user = app.user(CLINICIAN).await;
    app.state.store.set_user_status(&user.id, careid::people::Status::Disabled, 0).await.unwrap();
    assert_eq!(browser.visit(&url(&app, &[("prompt", "none")])).await.params()["error"], "login_required");
}

#[tokio::test]
async fn an_id_token_hint_for_another_user_needs_a_new_sign_in() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    browser.sign_in(&url(&app, &[]), CLINICIAN, PASSWORD).await.params();
    let hint = app
        .state
        .keyring
        .sign(
            careid::crypto::Alg::RS256,
            None,
            &json!({"iss": app.base, "sub": "someone-else", "aud": "portal"}),
        )
        .unwrap();
    let params = browser.visit(&url(&app, &[("prompt", "none"), ("id_token_hint", &hint)])).await.params();
    assert_eq!(params["error"], "login_required");
}

#[tokio::test]
async fn unknown_parameters_and_display_values_are_ignored() {
    let app = TestApp::with_portal().await;
    let query = [("extra", "foobar"), ("display", "popup"), ("ui_locales", "de"), ("login_hint", CLINICIAN)];
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&url(&app, &query)).await.page();
    assert!(page.contains(r#"value="doc@example.com""#), "login_hint fills the email");
    assert!(browser.login(&page, CLINICIAN, PASSWORD).await.params().contains_key("code"));
}

#[tokio::test]
async fn a_login_transaction_expires() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&url(&app, &[])).await.page();
    app.clock.advance(app.state.config.session.login_transaction_secs + 1);
    let (status, _, body) = browser.login(&page, CLINICIAN, PASSWORD).await.page();
    assert_eq!(status, 400);
    assert!(body.contains("expired"), "{body}");
}
