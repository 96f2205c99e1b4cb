//! No usable link at rest in the email outbox: bodies are sealed while a
//! message waits, bound to their row, blanked once it is delivered, and
//! blanked when the sender gives up on it after `smtp.give_up_after_secs`.

use careid::audit::Origin;
use careid::notify::config::SmtpTls;
use careid::notify::outbox_seal::{OutboxSeal, Part};
use careid::onboarding::{password_reset, verification};
use careid::people::{Email, Role};
use careid::store::OutgoingEmail;

use crate::kit::TestApp;

/// The paths careid's emailed links start with; none may be found at rest.
const LINK_PATHS: [&str; 3] = ["/invite/", "/password/reset/", "/verify-email/"];

/// Every text column of `row`, as stored.
fn columns(row: &OutgoingEmail) -> [&str; 6] {
    let error = row.last_error.as_deref().unwrap_or_default();
    [&row.id, &row.recipient, &row.subject, &row.text_body, &row.html_body, error]
}

/// No column of any row holds one of `secrets`, the issuer or a link path.
fn assert_no_link_at_rest(app: &TestApp, rows: &[OutgoingEmail], secrets: &[&str]) {
    for row in rows {
        for column in columns(row) {
            for needle in secrets.iter().copied().chain(LINK_PATHS).chain([app.base.as_str()]) {
                assert!(!column.contains(needle), "{needle:?} is kept in the outbox: {column}");
            }
        }
    }
}

/// Invites `new@example.com` by email; the invitation token.
async fn invite(app: &TestApp) -> String {
    token_of(&app.invite(Role::Patient, Some("new@example.com")).await).to_string()
}

/// The last path segment of a link: the token it carries.
fn token_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap()
}

/// A port on which nothing listens, so every SMTP connection is refused.
async fn refused_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn delivered_invitation_reset_and_verification_emails_leave_no_link_in_the_outbox() {
    let app = TestApp::spawn().await;
    let invitation = invite(&app).await;
    app.add_clinician("doc@example.com").await;
    let doc = Email::parse("doc@example.com").unwrap();
    password_reset::request(&app.state, &doc, &Origin::default()).await.unwrap();
    let pat = app.add_unverified("pat@example.com", Role::Patient, 3600).await;
    verification::send(&app.state, &pat).await.unwrap();

    let emails = app.wait_for_emails(3).await;
    let link_to = |to: &str| app.link_in(emails.iter().find(|e| e.recipient == to).unwrap());
    let (invite_link, reset_link, verify_link) =
        (link_to("new@example.com"), link_to("doc@example.com"), link_to("pat@example.com"));
    assert_eq!(invite_link, format!("/invite/{invitation}"), "the email delivered the live link");
    assert!(reset_link.starts_with("/password/reset/") && verify_link.starts_with("/verify-email/"));

    let rows = app.outbox_rows().await;
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.sent_at.is_some() && r.text_body.is_empty() && r.html_body.is_empty()));
    let secrets = [&invite_link, &reset_link, &verify_link].map(|l| token_of(l).to_string());
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    assert_no_link_at_rest(&app, &rows, &secrets);
    // Operators still see who was sent what, and when.
    assert!(rows.iter().any(|r| r.recipient == "doc@example.com" && r.subject == "Reset your password"));
}

#[tokio::test]
async fn an_undelivered_message_is_sealed_retried_then_given_up_and_blanked() {
    let port = refused_port().await;
    let app = TestApp::spawn_with(|config| {
        config.smtp.host = Some("127.0.0.1".into());
        config.smtp.port = port;
        config.smtp.tls = SmtpTls::None;
    })
    .await;
    let invitation = invite(&app).await;

    app.wait_for_row(|row| row.last_error.is_some()).await;
    let row = app.outbox_rows().await.remove(0);
    assert_eq!((row.attempts, row.sent_at, row.failed_at), (1, None, None));
    assert!(OutboxSeal::is_sealed(&row.text_body) && OutboxSeal::is_sealed(&row.html_body));
    assert_no_link_at_rest(&app, std::slice::from_ref(&row), &[&invitation]);
    let opened = app.state.outbox_seal.open(&row.id, Part::Text, &row.text_body).unwrap();
    assert!(opened.contains(&format!("{}/invite/{invitation}", app.base)), "the sender can open it");

    // Retried with the usual backoff while the time allowed lasts.
    app.clock.advance(3);
    app.state.mail_wakeup.notify_one();
    app.wait_for_row(|row| row.attempts == 2).await;
    assert!(app.outbox_rows().await[0].failed_at.is_none());

    // A day after it was queued (the default), the sender gives up for good.
    assert_eq!(app.state.config.smtp.give_up_after_secs, 24 * 3600);
    app.clock.advance(24 * 3600);
    app.state.mail_wakeup.notify_one();
    app.wait_for_row(|row| row.failed_at.is_some()).await;
    let row = app.outbox_rows().await.remove(0);
    assert_eq!((row.text_body.as_str(), row.html_body.as_str(), row.sent_at), ("", "", None));
    assert_eq!((row.attempts, row.recipient.as_str()), (2, "new@example.com"));
    assert!(row.last_error.is_some(), "the last delivery error is kept for operators");

    // Given up means no more attempts.
    app.clock.advance(7200);
    app.state.mail_wakeup.notify_one();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.outbox_rows().await[0].attempts, 2);
}

#[tokio::test]
async fn a_body_sealed_for_another_row_is_never_delivered() {
    let app = TestApp::spawn().await;
    let now = app.clock.now();
    let (id, other) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
    let seal = &app.state.outbox_seal;
    let link = format!("{}/password/reset/stolen-token", app.base);
    let row = OutgoingEmail {
        text_body: seal.seal(&other, Part::Text, &link),
        html_body: seal.seal(&other, Part::Html, &link),
        id,
        recipient: "mallory@example.com".into(),
        subject: "Reset your password".into(),
        from_name: None,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        sent_at: None,
        last_error: None,
        failed_at: None,
    };
    app.state.store.enqueue_email(&row).await.unwrap();
    app.state.mail_wakeup.notify_one();

    app.wait_for_row(|row| row.failed_at.is_some()).await;
    let row = app.outbox_rows().await.remove(0);
    assert_eq!((row.text_body.as_str(), row.html_body.as_str(), row.sent_at), ("", "", None));
    assert!(row.last_error.as_deref().unwrap().contains("does not open"), "{:?}", row.last_error);
    assert!(app.emails().await.is_empty(), "nothing was delivered");
}

#[tokio::test]
async fn a_message_queued_in_clear_before_sealing_is_still_delivered_then_blanked() {
    let app = TestApp::spawn().await;
    let now = app.clock.now();
    let row = OutgoingEmail {
        id: uuid::Uuid::now_v7().to_string(),
        recipient: "ann@example.org".into(),
        subject: "Reset your password".into(),
        from_name: None,
        text_body: "Choose a new password: https://id.example/password/reset/old-token\n".into(),
        html_body: "<p>Choose a new password</p>".into(),
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        sent_at: None,
        last_error: None,
        failed_at: None,
    };
    app.state.store.enqueue_email(&row).await.unwrap();
    app.state.mail_wakeup.notify_one();

    let emails = app.wait_for_emails(1).await;
    assert!(emails[0].text_body.contains("/password/reset/old-token"), "{}", emails[0].text_body);
    assert_eq!(emails[0].html_body, "<p>Choose a new password</p>");
    let row = app.outbox_rows().await.remove(0);
    assert_eq!((row.text_body.as_str(), row.html_body.as_str()), ("", ""));
}
