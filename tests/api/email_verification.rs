//! Email verification: single-use links until the deadline, the one reminder,
//! and the blocked sign-in with its rate-limited "send a new link".

use careid::accounts::{Role, User};
use careid::onboarding::verification;
use serde_json::{Value, json};

use crate::browser::{Browser, hidden};
use crate::flows::{
    PASSWORD, PORTAL_REDIRECT, PORTAL_SECRET, add_portal_client, serde_urlencoded, token_request,
};
use crate::helpers::TestApp;

const DAY: i64 = 24 * 3600;

/// An unverified clinician who must verify within `secs`.
async fn unverified(app: &TestApp, secs: i64) -> User {
    let user = app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    let now = app.clock.now();
    app.state.store.set_verification_deadline(&user.id, now + secs, now).await.unwrap();
    app.state.store.user_by_id(&user.id).await.unwrap().unwrap()
}

async fn user(app: &TestApp) -> User {
    app.state.store.user_by_email("doc@example.com").await.unwrap().unwrap()
}

/// GETs a verification link: (status, body).
async fn open(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Opens the link and presses "Verify email": (status, body).
async fn verify(app: &TestApp, path: &str) -> (u16, String) {
    let (status, page) = open(app, path).await;
    assert_eq!(status, 200, "{page}");
    let response =
        app.client.post(app.url(path)).form(&[("csrf", hidden(&page, "csrf"))]).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn authorize_url(app: &TestApp) -> String {
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid email"),
    ];
    format!("{}/authorize?{}", app.base, serde_urlencoded(&query))
}

#[tokio::test]
async fn a_verification_link_works_once_and_opening_it_uses_nothing() {
    let app = TestApp::spawn().await;
    let doc = unverified(&app, DAY).await;
    verification::send(&app.state, &doc).await.unwrap();
    let email = app.wait_for_emails(1).await.remove(0);
    assert_eq!(
        (email.recipient.as_str(), email.subject.as_str()),
        ("doc@example.com", "Verify your email address")
    );
    assert!(email.html_body.contains("Verify email"));
    let link = app.link_in(&email);
    assert!(link.starts_with("/verify-email/"), "{link}");

    // Mail scanners fetch links: opening shows a button and uses nothing.
    for _ in 0..2 {
        let (status, page) = open(&app, &link).await;
        assert_eq!(status, 200);
        assert!(page.contains("Verify email") && page.contains(r#"method="post""#), "{page}");
    }
    assert!(!user(&app).await.email_verified);

    let (_, stale_page) = open(&app, &link).await;
    let (status, body) = verify(&app, &link).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Email address verified"), "{body}");
    let doc = user(&app).await;
    assert!(doc.email_verified && doc.verify_by.is_none());

    let (status, body) = open(&app, &link).await;
    assert_eq!(status, 400);
    assert!(body.contains("invalid_link"), "{body}");
    let again =
        app.client.post(app.url(&link)).form(&[("csrf", hidden(&stale_page, "csrf"))]).send().await.unwrap();
    assert_eq!(again.status(), 400);
    assert!(again.text().await.unwrap().contains("invalid_link"));
}

#[tokio::test]
async fn a_verification_link_is_refused_after_the_deadline() {
    let app = TestApp::spawn().await;
    let doc = unverified(&app, DAY).await;
    verification::send(&app.state, &doc).await.unwrap();
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    app.clock.advance(DAY + 1);
    let (status, body) = open(&app, &link).await;
    assert_eq!(status, 400);
    assert!(body.contains("invalid_link"), "{body}");
    assert!(!user(&app).await.email_verified);
}

#[tokio::test]
async fn the_verify_form_needs_its_csrf_token() {
    let app = TestApp::spawn().await;
    let doc = unverified(&app, DAY).await;
    verification::send(&app.state, &doc).await.unwrap();
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    let response = app.client.post(app.url(&link)).form(&[("csrf", "forged")]).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(!user(&app).await.email_verified);
}

#[tokio::test]
async fn a_reminder_goes_out_once_when_the_deadline_is_near() {
    let app = TestApp::spawn().await;
    unverified(&app, DAY).await;
    assert_eq!(verification::send_reminders(&app.state).await.unwrap(), 0, "the deadline is far");

    app.clock.advance(DAY - 6 * 3600 + 60);
    assert_eq!(verification::send_reminders(&app.state).await.unwrap(), 1);
    assert_eq!(verification::send_reminders(&app.state).await.unwrap(), 0, "only once");
    let emails = app.wait_for_emails(1).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Reminder: verify your email address");
    assert!(user(&app).await.verification_reminded_at.is_some());
    let (status, body) = verify(&app, &app.link_in(&emails[0])).await;
    assert_eq!(status, 200, "{body}");

    app.clock.advance(6 * 3600);
    assert_eq!(verification::send_reminders(&app.state).await.unwrap(), 0, "verified: nothing to remind");
}

#[tokio::test]
async fn an_account_past_its_deadline_cannot_sign_in_until_it_verifies() {
    let app = TestApp::spawn().await;
    add_portal_client(&app, json!({})).await;
    unverified(&app, 60).await;
    app.clock.advance(61);

    let browser = Browser::new(&app);
    let (status, _, blocked) =
        browser.sign_in(&authorize_url(&app), "doc@example.com", PASSWORD).await.page();
    assert_eq!(status, 403, "{blocked}");
    assert!(blocked.contains("not verified in time"), "{blocked}");
    let tx = hidden(&blocked, "tx");
    let csrf = hidden(&blocked, "csrf");

    // The resend form is tied to the transaction.
    let (status, _, _) =
        browser.post_form("/verify-email/resend", &[("tx", &tx), ("csrf", "forged")]).await.page();
    assert_eq!(status, 400);

    for _ in 0..3 {
        let (status, _, body) =
            browser.post_form("/verify-email/resend", &[("tx", &tx), ("csrf", &csrf)]).await.page();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Check your email") && body.contains("doc@example.com"), "{body}");
    }
    let (status, _, body) =
        browser.post_form("/verify-email/resend", &[("tx", &tx), ("csrf", &csrf)]).await.page();
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("several links"), "{body}");

    let doc = user(&app).await;
    // Seconds may tick between the resend and this check on a loaded machine.
    let new_deadline = doc.verify_by.expect("a new deadline");
    assert!(
        (new_deadline - (app.clock.now() + DAY)).abs() <= 2,
        "a new deadline from the deployment's 24 hours"
    );
    let emails = app.wait_for_emails(3).await;
    assert_eq!(emails.len(), 3);
    let (status, _) = open(&app, &app.link_in(&emails[1])).await;
    assert_eq!(status, 400, "a newer link voids the older ones");
    let (status, body) = verify(&app, &app.link_in(&emails[0])).await;
    assert_eq!(status, 200, "{body}");

    // Back on the same sign-in, it now goes through.
    let (status, _, page) = browser.visit(&format!("/login?tx={tx}")).await.page();
    assert_eq!(status, 200);
    let params = browser.login(&page, "doc@example.com", PASSWORD).await.params();
    let form =
        [("grant_type", "authorization_code"), ("code", &params["code"]), ("redirect_uri", PORTAL_REDIRECT)];
    let (status, tokens) = token_request(&app, &form, Some(("portal", PORTAL_SECRET))).await;
    assert_eq!(status, 200, "{tokens}");
    let claims: Value =
        app.state.keyring.verify(tokens["id_token"].as_str().unwrap(), &app.base, None).unwrap();
    assert_eq!(claims["email_verified"], true, "tokens carry the stored flag");
}
