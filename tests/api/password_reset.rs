//! Password reset: no account enumeration, single-use 30-minute links, and a
//! new password that ends every session and refresh token.

use careid::accounts::Role;
use serde_json::{Value, json};

use crate::browser::{Browser, hidden};
use crate::flows::{
    PASSWORD, PORTAL_REDIRECT, PORTAL_SECRET, add_portal_client, serde_urlencoded, token_request,
};
use crate::helpers::TestApp;

const NEW_PASSWORD: &str = "a brand new passphrase";

/// Fills in "forgot password" for `email`: (status, body).
pub async fn forgot(app: &TestApp, email: &str) -> (u16, String) {
    let page = app.get("/password/forgot").await.text().await.unwrap();
    let form = [("csrf", hidden(&page, "csrf")), ("email", email.into())];
    let response = app.client.post(app.url("/password/forgot")).form(&form).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Opens a reset link and submits `password` twice: (status, body).
pub async fn reset(app: &TestApp, link: &str, password: &str) -> (u16, String) {
    let page = app.get(link).await.text().await.unwrap();
    let form = [("csrf", hidden(&page, "csrf")), ("password", password.into()), ("confirm", password.into())];
    let response = app.client.post(app.url(link)).form(&form).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn status_of(app: &TestApp, path: &str) -> u16 {
    app.get(path).await.status().as_u16()
}

async fn password_works(app: &TestApp, password: &str) -> bool {
    let user = app.state.store.user_by_email("doc@example.com").await.unwrap().unwrap();
    app.state.passwords.verify(password, user.password_hash.as_deref()).await
}

#[tokio::test]
async fn forgot_password_answers_alike_for_known_and_unknown_addresses() {
    let app = TestApp::spawn().await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    let known = forgot(&app, "doc@example.com").await;
    let unknown = forgot(&app, "nobody@example.com").await;
    assert_eq!(known.0, 200);
    assert_eq!(known, unknown, "same status and body");
    assert!(known.1.contains("If an account exists"), "{}", known.1);

    let emails = app.wait_for_emails(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(app.emails().await.len(), 1, "nothing is sent to an unknown address");
    assert_eq!(emails[0].recipient, "doc@example.com");
    assert_eq!(emails[0].subject, "Reset your password");
}

#[tokio::test]
async fn forgot_password_is_rate_limited_per_address() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        assert_eq!(forgot(&app, "nobody@example.com").await.0, 200);
    }
    let (status, body) = forgot(&app, "nobody@example.com").await;
    assert_eq!(status, 429);
    assert!(body.contains("Too many password reset requests"), "{body}");
    assert_eq!(forgot(&app, "other@example.com").await.0, 200, "another address is not affected");
}

#[tokio::test]
async fn the_login_page_links_to_forgot_password_with_its_transaction() {
    let app = TestApp::spawn().await;
    add_portal_client(&app, json!({})).await;
    let browser = Browser::new(&app);
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid"),
    ];
    let (_, _, login) =
        browser.visit(&format!("{}/authorize?{}", app.base, serde_urlencoded(&query))).await.page();
    let tx = hidden(&login, "tx");
    assert!(login.contains(&format!("/password/forgot?tx={tx}")), "{login}");
    let (status, _, page) = browser.visit(&format!("/password/forgot?tx={tx}")).await.page();
    assert_eq!(status, 200);
    let form = [("csrf", hidden(&page, "csrf")), ("tx", tx.clone()), ("email", "nobody@example.com".into())];
    let (_, _, sent) = browser
        .post_form("/password/forgot", &form.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
        .await
        .page();
    assert!(sent.contains(&format!("login?tx={tx}")), "back to the same sign-in: {sent}");
}

#[tokio::test]
async fn a_reset_link_works_once() {
    let app = TestApp::spawn().await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    forgot(&app, "doc@example.com").await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    assert!(link.starts_with("/password/reset/"), "{link}");

    let (status, body) = reset(&app, &link, "short").await;
    assert_eq!(status, 422);
    assert!(body.contains("at least 8"), "{body}");
    assert!(password_works(&app, PASSWORD).await, "a refused password changes nothing");

    let (status, body) = reset(&app, &link, NEW_PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Password changed"), "{body}");
    assert!(password_works(&app, NEW_PASSWORD).await);
    assert_eq!(status_of(&app, &link).await, 400, "used");
}

#[tokio::test]
async fn a_reset_link_expires_after_30_minutes_and_a_newer_one_voids_it() {
    let app = TestApp::spawn().await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    forgot(&app, "doc@example.com").await;
    let first = app.link_in(&app.wait_for_emails(1).await[0]);
    forgot(&app, "doc@example.com").await;
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
    let app = TestApp::spawn().await;
    add_portal_client(&app, json!({})).await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    let query = |extra: &[(&'static str, &'static str)]| {
        let mut q = vec![
            ("response_type", "code"),
            ("client_id", "portal"),
            ("redirect_uri", PORTAL_REDIRECT),
            ("scope", "openid"),
        ];
        q.extend_from_slice(extra);
        format!("{}/authorize?{}", app.base, serde_urlencoded(&q))
    };
    let browser = Browser::new(&app);
    let params = browser.sign_in(&query(&[]), "doc@example.com", PASSWORD).await.params();
    let form =
        [("grant_type", "authorization_code"), ("code", &params["code"]), ("redirect_uri", PORTAL_REDIRECT)];
    let (status, tokens) = token_request(&app, &form, Some(("portal", PORTAL_SECRET))).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(browser.visit(&query(&[("prompt", "none")])).await.params().contains_key("code"));

    app.clock.advance(1);
    forgot(&app, "doc@example.com").await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    assert_eq!(reset(&app, &link, NEW_PASSWORD).await.0, 200);

    assert_eq!(browser.visit(&query(&[("prompt", "none")])).await.params()["error"], "login_required");
    let refresh: Value = tokens["refresh_token"].clone();
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh.as_str().unwrap())];
    let (status, refused) = token_request(&app, &form, Some(("portal", PORTAL_SECRET))).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn a_session_begun_in_the_same_second_as_the_reset_ends_too() {
    let app = TestApp::spawn().await;
    add_portal_client(&app, json!({})).await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    let url = |prompt: &'static str| {
        let q = [
            ("response_type", "code"),
            ("client_id", "portal"),
            ("redirect_uri", PORTAL_REDIRECT),
            ("scope", "openid"),
            ("prompt", prompt),
        ];
        format!("{}/authorize?{}", app.base, serde_urlencoded(&q))
    };
    let browser = Browser::new(&app);
    browser.sign_in(&url("login"), "doc@example.com", PASSWORD).await.params();
    // No clock tick: the reset happens in the very second the session began.
    forgot(&app, "doc@example.com").await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    assert_eq!(reset(&app, &link, NEW_PASSWORD).await.0, 200);
    assert_eq!(browser.visit(&url("none")).await.params()["error"], "login_required");
    let user = app.state.store.user_by_email("doc@example.com").await.unwrap().unwrap();
    assert!(app.state.store.open_user_sessions(&user.id, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn links_in_emails_use_the_issuer_whatever_the_request_headers_say() {
    let app = TestApp::spawn().await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    let page = app.get("/password/forgot").await.text().await.unwrap();
    let form = [("csrf", hidden(&page, "csrf")), ("email", "doc@example.com".into())];
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
    app.add_user("pat@example.com", PASSWORD, Role::Patient).await;
    forgot(&app, "pat@example.com").await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    // A patient signs in with the password alone: 15 characters and not a common one.
    let (status, body) = reset(&app, &link, "fourteen chars").await;
    assert_eq!(status, 422);
    assert!(body.contains("at least 15"), "{body}");
    let (status, body) = reset(&app, &link, "qwerty123456789").await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = reset(&app, &link, NEW_PASSWORD).await;
    assert_eq!(status, 200, "the refusals left the link usable");
}
