//! Password reset: no account enumeration, single-use 30-minute links, and a
//! new password that ends every session and refresh token.

use serde_json::json;

use crate::kit::forms::hidden;
use crate::kit::{Browser, CLINICIAN, PASSWORD, PATIENT, PORTAL, TestApp, text};

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn status_of(app: &TestApp, path: &str) -> u16 {
    app.get(path).await.status().as_u16()
}

async fn password_works(app: &TestApp, password: &str) -> bool {
    let user = app.user(CLINICIAN).await;
    app.state.passwords.verify(password, user.password_hash.as_deref()).await
}

#[tokio::test]
async fn forgot_password_answers_alike_for_known_and_unknown_addresses() {
    let app = TestApp::spawn().await;
    app.add_clinician(CLINICIAN).await;
    let known = app.forgot_password(CLINICIAN).await;
    let unknown = app.forgot_password("nobody@example.com").await;
    assert_eq!(known.0, 200);
    assert_eq!(known, unknown, "same status and body");
    assert!(known.1.contains("If an account exists"), "{}", known.1);

    let emails = app.wait_for_emails(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(app.emails().await.len(), 1, "nothing is sent to an unknown address");
    assert_eq!(emails[0].recipient, CLINICIAN);
    assert_eq!(emails[0].subject, "Reset your password");
}

#[tokio::test]
async fn forgot_password_is_rate_limited_per_address() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        assert_eq!(app.forgot_password("nobody@example.com").await.0, 200);
    }
    let (status, body) = app.forgot_password("nobody@example.com").await;
    assert_eq!(status, 429);
    assert!(body.contains("Too many password reset requests"), "{body}");
    assert_eq!(app.forgot_password("other@example.com").await.0, 200, "another address is not affected");
}

#[tokio::test]
async fn the_login_page_links_to_forgot_password_with_its_transaction() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    let browser = Browser::new(&app);
    let (_, _, login) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    let tx = hidden(&login, "tx");
    assert!(login.contains(&format!("/password/forgot?tx={tx}")), "{login}");
    let (status, _, page) = browser.click(&login, "forgot-password").await.page();
    assert_eq!(status, 200);
    assert_eq!(hidden(&page, "tx"), tx, "the form carries the sign-in on");
    let (_, _, sent) =
        browser.submit(&page, "/password/forgot", &[("email", "nobody@example.com")]).await.page();
    assert!(sent.contains(&format!("login?tx={tx}")), "back to the same sign-in: {sent}");
}

#[tokio::test]
async fn a_reset_link_works_once() {
    let app = TestApp::spawn().await;
    app.add_clinician(CLINICIAN).await;
    app.forgot_password(CLINICIAN).await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    assert!(link.starts_with("/password/reset/"), "{link}");

    let (status, body) = app.reset_password(&link, "short").await;
    assert_eq!(status, 422);
    // The test configuration requires no second factor of clinicians: the
    // password may be the only factor, so it needs 15 characters.
    assert!(body.contains("at least 15"), "{body}");
    assert!(password_works(&app, PASSWORD).await, "a refused password changes nothing");

    let (status, body) = app.reset_password(&link, NEW_PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Password changed"), "{body}");
    assert!(password_works(&app, NEW_PASSWORD).await);
    assert_eq!(status_of(&app, &link).await, 400, "used");
}

#[tokio::test]
async fn a_reset_link_expires_after_30_minutes_and_a_newer_one_voids_it() {
    let app = TestApp::spawn().await;
    app.add_clinician(CLINICIAN).await;
    app.forgot_password(CLINICIAN).await;
    let first = app.link_in(&app.wait_for_emails(1).await[0]);
    app.forgot_password(CLINICIAN).await;
    let second = app.link_in(&app.wait_for_emails(2).await[0]);
    assert_ne!(first, second);
    assert_eq!(status_of(&app, &first).await, 400, "voided by the newer request");
    app.clock.advance(29 * 60);
    assert_eq!(status_of(&app, &second).await, 200);
    app.clock.advance(61);
    let response = app.get(&second).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("invalid_link"));
}

#[tokio::test]
async fn a_reset_ends_every_session_and_refresh_token() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let tokens = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).tokens().await;
    let silently = app.authorize_url(&PORTAL, &[("prompt", "none")]);
    assert!(browser.visit(&silently).await.params().contains_key("code"));

    app.clock.advance(1);
    app.forgot_password(CLINICIAN).await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    assert_eq!(app.reset_password(&link, NEW_PASSWORD).await.0, 200);

    assert_eq!(browser.visit(&silently).await.params()["error"], "login_required");
    let (status, refused) = app.refresh(&PORTAL, text(&tokens, "refresh_token")).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn a_session_begun_in_the_same_second_as_the_reset_ends_too() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    app.sign_in(&PORTAL, CLINICIAN).with("prompt", "login").in_browser(&browser).params().await;
    // No clock tick: the reset happens in the very second the session began.
    app.forgot_password(CLINICIAN).await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    assert_eq!(app.reset_password(&link, NEW_PASSWORD).await.0, 200);
    let silently = app.authorize_url(&PORTAL, &[("prompt", "none")]);
    assert_eq!(browser.visit(&silently).await.params()["error"], "login_required");
    let user = app.user(CLINICIAN).await;
    assert!(app.state.store.open_user_sessions(&user.id, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn links_in_emails_use_the_issuer_whatever_the_request_headers_say() {
    let app = TestApp::spawn().await;
    app.add_clinician(CLINICIAN).await;
    let page = app.get("/password/forgot").await.text().await.unwrap();
    let form = crate::kit::forms::fill(&page, "/password/forgot", &[("email", CLINICIAN)]);
    let response = app
        .client
        .post(app.url("/password/forgot"))
        .header("host", "evil.example")
        .header("x-forwarded-host", "evil.example")
        .header("forwarded", "host=evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let email = &app.wait_for_emails(1).await[0];
    assert!(!email.text_body.contains("evil") && !email.html_body.contains("evil"), "{}", email.text_body);
    assert!(app.link_in(email).starts_with("/password/reset/"));
}

#[tokio::test]
async fn a_reset_applies_the_password_policy_of_the_account() {
    let app = TestApp::spawn().await;
    app.add_patient(PATIENT).await;
    app.forgot_password(PATIENT).await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    // A patient signs in with the password alone: 15 characters and not a common one.
    let (status, body) = app.reset_password(&link, "fourteen chars").await;
    assert_eq!(status, 422);
    assert!(body.contains("at least 15"), "{body}");
    let (status, body) = app.reset_password(&link, "qwerty123456789").await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = app.reset_password(&link, NEW_PASSWORD).await;
    assert_eq!(status, 200, "the refusals left the link usable");
}

#[tokio::test]
async fn a_reset_refuses_a_password_built_from_the_service_or_deployment_name() {
    let app = TestApp::spawn().await;
    app.add_patient(PATIENT).await;
    app.forgot_password(PATIENT).await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    // The service's name, and the name of the patient's deployment ("Default").
    for built in ["careidcareid2024!", "DefaultDefault2024!"] {
        let (status, body) = app.reset_password(&link, built).await;
        assert_eq!(status, 422, "{built}: {body}");
        assert!(body.contains("your name, your email address or the name of this"), "{built}: {body}");
    }
    assert_eq!(app.reset_password(&link, NEW_PASSWORD).await.0, 200, "the refusals left the link usable");
}
