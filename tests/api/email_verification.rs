//! Email verification: single-use links until the deadline, the one reminder,
//! and the blocked sign-in with its rate-limited "send a new link".

use careid::onboarding::verification;
use careid::people::Role;
use serde_json::json;

use crate::kit::forms::fill;
use crate::kit::{Browser, CLINICIAN, PASSWORD, PORTAL, TestApp};

const DAY: i64 = 24 * 3600;

/// GETs a verification link: (status, body).
async fn open(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Opens the link and presses "Verify email": (status, body).
async fn verify(app: &TestApp, path: &str) -> (u16, String) {
    let (status, page) = open(app, path).await;
    assert_eq!(status, 200, "{page}");
    let response = app.client.post(app.url(path)).form(&fill(&page, path, &[])).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_verification_link_works_once_and_opening_it_uses_nothing() {
    let app = TestApp::spawn().await;
    let doc = app.add_unverified(CLINICIAN, Role::Clinician, DAY).await;
    verification::send(&app.state, &doc).await.unwrap();
    let email = app.wait_for_emails(1).await.remove(0);
    assert_eq!((email.recipient.as_str(), email.subject.as_str()), (CLINICIAN, "Verify your email address"));
    assert!(email.html_body.contains("Verify email"));
    let link = app.link_in(&email);
    assert!(link.starts_with("/verify-email/"), "{link}");

    // Mail scanners fetch links: opening shows a button and uses nothing.
    for _ in 0..2 {
        let (status, page) = open(&app, &link).await;
        assert_eq!(status, 200);
        assert!(page.contains("Verify email") && page.contains(r#"method="post""#), "{page}");
    }
    assert!(!app.user(CLINICIAN).await.email_verified);

    let (_, stale_page) = open(&app, &link).await;
    let (status, body) = verify(&app, &link).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Email address verified"), "{body}");
    let doc = app.user(CLINICIAN).await;
    assert!(doc.email_verified && doc.verify_by.is_none());

    // Used up: opened or posted again, it says the address is verified already (issue 14).
    let (status, body) = open(&app, &link).await;
    assert_eq!(status, 200);
    assert!(body.contains("Your email address is already verified"), "{body}");
    let again = app.client.post(app.url(&link)).form(&fill(&stale_page, &link, &[])).send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.text().await.unwrap().contains("Your email address is already verified"));
}

#[tokio::test]
async fn a_verification_link_is_refused_after_the_deadline() {
    let app = TestApp::spawn().await;
    let doc = app.add_unverified(CLINICIAN, Role::Clinician, DAY).await;
    verification::send(&app.state, &doc).await.unwrap();
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    app.clock.advance(DAY + 1);
    let (status, body) = open(&app, &link).await;
    assert_eq!(status, 400);
    assert!(body.contains("invalid_link"), "{body}");
    assert!(!app.user(CLINICIAN).await.email_verified);
}

#[tokio::test]
async fn the_verify_form_needs_its_csrf_token() {
    let app = TestApp::spawn().await;
    let doc = app.add_unverified(CLINICIAN, Role::Clinician, DAY).await;
    verification::send(&app.state, &doc).await.unwrap();
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    let response = app.client.post(app.url(&link)).form(&[("csrf", "forged")]).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(!app.user(CLINICIAN).await.email_verified);
}

#[tokio::test]
async fn a_reminder_goes_out_once_when_the_deadline_is_near() {
    let app = TestApp::spawn().await;
    app.add_unverified(CLINICIAN, Role::Clinician, DAY).await;
    assert_eq!(verification::send_reminders(&app.state).await.unwrap(), 0, "the deadline is far");

    app.clock.advance(DAY - 6 * 3600 + 60);
    assert_eq!(verification::send_reminders(&app.state).await.unwrap(), 1);
    assert_eq!(verification::send_reminders(&app.state).await.unwrap(), 0, "only once");
    let emails = app.wait_for_emails(1).await;
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Reminder: verify your email address");
    assert!(app.user(CLINICIAN).await.verification_reminded_at.is_some());
    let (status, body) = verify(&app, &app.link_in(&emails[0])).await;
    assert_eq!(status, 200, "{body}");

    app.clock.advance(6 * 3600);
    assert_eq!(verification::send_reminders(&app.state).await.unwrap(), 0, "verified: nothing to remind");
}

#[tokio::test]
async fn an_account_past_its_deadline_cannot_sign_in_until_it_verifies() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    app.add_unverified(CLINICIAN, Role::Clinician, 60).await;
    app.clock.advance(61);

    let browser = Browser::new(&app);
    let sign_in = app.sign_in(&PORTAL, CLINICIAN).scope("openid email").in_browser(&browser);
    let (status, _, blocked) = sign_in.visit().await.page();
    assert_eq!(status, 403, "{blocked}");
    assert!(blocked.contains("not verified in time"), "{blocked}");

    // The resend form is tied to the transaction.
    let resend = "/verify-email/resend";
    let (status, _, _) = browser.submit(&blocked, resend, &[("csrf", "forged")]).await.page();
    assert_eq!(status, 400);

    for _ in 0..3 {
        let (status, _, body) = browser.submit(&blocked, resend, &[]).await.page();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Check your email") && body.contains(CLINICIAN), "{body}");
    }
    let (status, _, body) = browser.submit(&blocked, resend, &[]).await.page();
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("several links"), "{body}");

    let doc = app.user(CLINICIAN).await;
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
    let tx = crate::kit::forms::hidden(&blocked, "tx");
    let (status, _, page) = browser.visit(&format!("/login?tx={tx}")).await.page();
    assert_eq!(status, 200);
    let params = browser.login(&page, CLINICIAN, PASSWORD).await.params();
    let tokens = app.exchange(&PORTAL, &params["code"]).await;
    let claims = app.id_claims(&tokens);
    assert_eq!(claims["email_verified"], true, "tokens carry the stored flag");
}
