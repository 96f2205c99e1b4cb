//! Email delivery: a real SMTP conversation, the file outbox of the embedded
//! default, and an SMTP outage that loses nothing.

use careid::config::SmtpTls;
use careid::notify::email::{self, Email};

use crate::helpers::TestApp;
use crate::smtp_sink::SmtpSink;

const FROM: &str = "Care Team <care@example.com>";

pub async fn spawn_with_sink(sink: &SmtpSink) -> TestApp {
    let port = sink.port;
    TestApp::spawn_with(|config| {
        config.smtp.host = Some("127.0.0.1".into());
        config.smtp.port = port;
        config.smtp.tls = SmtpTls::None;
        config.smtp.from = FROM.into();
    })
    .await
}

fn hello(to: &str) -> Email {
    Email {
        to: to.into(),
        subject: "Hello from careid".into(),
        text: "Plain words.".into(),
        html: "<p>Rich words.</p>".into(),
    }
}

/// Waits (up to 10 s) until the newest outbox row satisfies `done`.
async fn wait_for_row(app: &TestApp, done: impl Fn(&careid::store::OutgoingEmail) -> bool) {
    for _ in 0..200 {
        if app.emails().await.first().is_some_and(&done) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "outbox row never reached the expected state: {:?}",
        app.emails().await.first().map(|e| (&e.subject, e.attempts, e.sent_at, &e.last_error))
    );
}

#[tokio::test]
async fn smtp_delivers_a_multipart_text_and_html_message() {
    let sink = SmtpSink::start().await;
    let app = spawn_with_sink(&sink).await;
    email::queue(&app.state, hello("ann@example.org")).await.unwrap();

    let received = sink.wait_for(1).await;
    let message = &received[0];
    assert_eq!(message.mail_from, "FROM:<care@example.com>");
    assert_eq!(message.rcpt_to, ["TO:<ann@example.org>"]);
    let data = &message.data;
    for header in
        ["From: \"Care Team\" <care@example.com>", "To: ann@example.org", "Subject: Hello from careid"]
    {
        assert!(data.contains(header), "{header} missing in {data}");
    }
    assert!(data.contains("Message-ID: <") && data.contains("Date: "), "{data}");
    assert!(data.contains("multipart/alternative"), "{data}");
    assert!(data.contains("text/plain") && data.contains("Plain words."), "{data}");
    assert!(data.contains("text/html") && data.contains("<p>Rich words.</p>"), "{data}");
    wait_for_row(&app, |row| row.sent_at.is_some()).await;
}

#[tokio::test]
async fn without_smtp_messages_are_written_as_eml_files() {
    let app = TestApp::spawn().await;
    email::queue(&app.state, hello("ann@example.org")).await.unwrap();
    wait_for_row(&app, |row| row.sent_at.is_some()).await;

    let dir = app.state.config.data_dir.join("outbox").join("email");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Subject: Hello from careid\r\n"), "{eml}");
    assert!(eml.contains("To: ann@example.org\r\n") && eml.contains("multipart/alternative"), "{eml}");
}

#[tokio::test]
async fn an_smtp_outage_keeps_the_message_queued_until_it_is_delivered() {
    let sink = SmtpSink::start().await;
    sink.fail_next_data(1);
    let app = spawn_with_sink(&sink).await;
    email::queue(&app.state, hello("ann@example.org")).await.unwrap();

    wait_for_row(&app, |row| row.last_error.is_some()).await;
    let row = app.emails().await.remove(0);
    assert_eq!((row.attempts, row.sent_at), (1, None));
    assert!(row.last_error.as_deref().unwrap().contains("451"), "{:?}", row.last_error);
    assert!(row.next_attempt_at > app.clock.now(), "retried after a backoff, not at once");
    assert!(sink.messages().is_empty());

    // The SMTP server is back; the backoff (2 s after the first failure) passes.
    app.clock.advance(3);
    app.state.mail_wakeup.notify_one();
    sink.wait_for(1).await;
    wait_for_row(&app, |row| row.sent_at.is_some()).await;
    let row = app.emails().await.remove(0);
    assert_eq!((row.attempts, row.last_error), (2, None));
}
