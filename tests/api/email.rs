//! Email delivery: a real SMTP conversation, the file outbox of the embedded
//! default, and an SMTP outage that loses nothing.

use careid::notify::email::{self, Email};
use careid::notify::outbox_seal::OutboxSeal;

use crate::kit::TestApp;
use crate::kit::mail::DeliveredEmail;
use crate::kit::smtp_sink::SmtpSink;

fn hello(to: &str) -> Email {
    Email {
        to: to.into(),
        subject: "Hello from careid".into(),
        text: "Plain words.".into(),
        html: "<p>Rich words.</p>".into(),
        from_name: None,
    }
}

/// A delivered row keeps who, what and when for operators, and no body.
fn assert_blank(row: &careid::store::OutgoingEmail) {
    assert_eq!((row.text_body.as_str(), row.html_body.as_str()), ("", ""));
    assert_eq!((row.recipient.as_str(), row.subject.as_str()), ("ann@example.org", "Hello from careid"));
}

#[tokio::test]
async fn smtp_delivers_a_multipart_text_and_html_message() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with_sink(&sink).await;
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
    let parsed = DeliveredEmail::parse(data.as_bytes());
    assert_eq!(
        (parsed.text_body.as_str(), parsed.html_body.as_str()),
        ("Plain words.", "<p>Rich words.</p>")
    );
    app.wait_for_row(|row| row.sent_at.is_some()).await;
    assert_blank(&app.outbox_rows().await[0]);
}

#[tokio::test]
async fn without_smtp_messages_are_written_as_eml_files() {
    let app = TestApp::spawn().await;
    email::queue(&app.state, hello("ann@example.org")).await.unwrap();
    app.wait_for_row(|row| row.sent_at.is_some()).await;

    let dir = app.state.config.data_dir.join("outbox").join("email");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Subject: Hello from careid\r\n"), "{eml}");
    assert!(eml.contains("To: ann@example.org\r\n") && eml.contains("multipart/alternative"), "{eml}");
    let row = app.outbox_rows().await.remove(0);
    assert_eq!(files[0].file_stem().unwrap().to_str(), Some(row.id.as_str()), "named by the outbox id");
    assert_blank(&row);

    let delivered = app.emails().await;
    assert_eq!(delivered.len(), 1);
    let (to, subject) = (delivered[0].recipient.as_str(), delivered[0].subject.as_str());
    assert_eq!((to, subject), ("ann@example.org", "Hello from careid"));
    let (text, html) = (delivered[0].text_body.as_str(), delivered[0].html_body.as_str());
    assert_eq!((text, html), ("Plain words.", "<p>Rich words.</p>"));
}

#[tokio::test]
async fn an_smtp_outage_keeps_the_message_queued_until_it_is_delivered() {
    let sink = SmtpSink::start().await;
    sink.fail_next_data(1);
    let app = TestApp::spawn_with_sink(&sink).await;
    email::queue(&app.state, hello("ann@example.org")).await.unwrap();

    app.wait_for_row(|row| row.last_error.is_some()).await;
    let row = app.outbox_rows().await.remove(0);
    assert_eq!((row.attempts, row.sent_at), (1, None));
    assert!(row.last_error.as_deref().unwrap().contains("451"), "{:?}", row.last_error);
    assert!(row.next_attempt_at > app.clock.now(), "retried after a backoff, not at once");
    assert!(sink.messages().is_empty());
    for body in [&row.text_body, &row.html_body] {
        assert!(OutboxSeal::is_sealed(body) && !body.contains("words"), "sealed while it waits: {body}");
    }

    // The SMTP server is back; the backoff (2 s after the first failure) passes.
    app.clock.advance(3);
    app.state.mail_wakeup.notify_one();
    sink.wait_for(1).await;
    app.wait_for_row(|row| row.sent_at.is_some()).await;
    let row = app.outbox_rows().await.remove(0);
    assert_eq!((row.attempts, row.last_error.as_deref()), (2, None));
    assert_blank(&row);
    assert!(sink.messages()[0].data.contains("Plain words."), "delivered opened, not sealed");
}
