//! Mail as people receive it: the `.eml` files of the file outbox, parsed,
//! the links in them, and the outbox rows behind them.

use std::time::Duration;

use careid::notify::config::SmtpTls;
use careid::store::OutgoingEmail;

use crate::kit::app::TestApp;
use crate::kit::smtp_sink::SmtpSink;

/// The subject of the emails `notify::sign_in_changed` sends (in English).
const SIGN_IN_CHANGED: &str = "Your sign-in settings changed";

/// The sender careid is configured with when it talks to an SMTP sink.
pub const FROM: &str = "Care Team <care@example.com>";

/// An email as it was delivered (an `.eml` file of the file outbox), MIME decoded.
#[derive(Debug, Clone)]
pub struct DeliveredEmail {
    pub recipient: String,
    pub subject: String,
    /// Line ends as `\n`, as the template wrote them.
    pub text_body: String,
    pub html_body: String,
}

impl DeliveredEmail {
    pub fn parse(raw: &[u8]) -> DeliveredEmail {
        let message = mail_parser::MessageParser::default().parse(raw).expect("a MIME message");
        let recipient = message.to().and_then(|to| to.first()).and_then(|a| a.address()).unwrap_or_default();
        let body = |part: Option<std::borrow::Cow<str>>| part.unwrap_or_default().replace("\r\n", "\n");
        DeliveredEmail {
            recipient: recipient.to_string(),
            subject: message.subject().unwrap_or_default().to_string(),
            text_body: body(message.body_text(0)),
            html_body: body(message.body_html(0)),
        }
    }
}

impl TestApp {
    /// careid sending its mail by SMTP to `sink`, from `FROM`.
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

    /// Every outbox row, newest first, bodies as stored (sealed while queued,
    /// blank once delivered or given up).
    pub async fn outbox_rows(&self) -> Vec<OutgoingEmail> {
        self.state.store.recent_emails(100).await.unwrap()
    }

    /// Waits (up to 10 s) until the newest outbox row satisfies `done`.
    pub async fn wait_for_row(&self, done: impl Fn(&OutgoingEmail) -> bool) {
        for _ in 0..200 {
            if self.outbox_rows().await.first().is_some_and(&done) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "outbox row never reached the expected state: {:?}",
            self.outbox_rows().await.first().map(|e| (e.attempts, e.sent_at, e.failed_at, &e.last_error))
        );
    }

    /// Every email delivered through the file outbox, newest first, read once
    /// the outbox has nothing left to deliver (waits up to 10 s for that).
    pub async fn emails(&self) -> Vec<DeliveredEmail> {
        for _ in 0..200 {
            let rows = self.outbox_rows().await;
            if rows.iter().all(|r| r.sent_at.is_some() || r.failed_at.is_some()) {
                return self.delivered_emails();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the outbox still has messages to deliver after 10 s");
    }

    /// The `.eml` files of the file outbox, parsed, newest first (names are
    /// UUIDv7 outbox ids, which sort by time).
    pub fn delivered_emails(&self) -> Vec<DeliveredEmail> {
        let dir = self.state.config.data_dir.join("outbox").join("email");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut paths: Vec<_> = entries
            .map(|e| e.expect("outbox folder entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        paths.sort_by(|a, b| b.cmp(a));
        paths.iter().map(|p| DeliveredEmail::parse(&std::fs::read(p).expect("read .eml"))).collect()
    }

    /// Waits (up to 10 s) until at least `n` emails are delivered; newest first.
    pub async fn wait_for_emails(&self, n: usize) -> Vec<DeliveredEmail> {
        for _ in 0..200 {
            let emails = self.emails().await;
            if emails.len() >= n {
                return emails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} delivered emails, found {}", self.emails().await.len());
    }

    /// The text of every "Your sign-in settings changed" email delivered to `to`, newest first.
    pub async fn sign_in_changes(&self, to: &str) -> Vec<String> {
        let emails = self.emails().await.into_iter();
        emails.filter(|e| e.recipient == to && e.subject == SIGN_IN_CHANGED).map(|e| e.text_body).collect()
    }

    /// The path of the first careid link in `email`'s text, checking it starts with the issuer.
    pub fn link_in(&self, email: &DeliveredEmail) -> String {
        let link = email
            .text_body
            .split_whitespace()
            .find(|w| w.starts_with("http"))
            .unwrap_or_else(|| panic!("no link in {}", email.text_body));
        link.strip_prefix(&self.base)
            .unwrap_or_else(|| panic!("{link} is not under {}", self.base))
            .to_string()
    }

    /// The path of the link in the newest email to `to`, "Your sign-in settings
    /// changed" ones aside (they may follow a link's email, or precede it).
    pub async fn link_mailed_to(&self, to: &str) -> String {
        for _ in 0..200 {
            let emails = self.emails().await;
            if let Some(email) = emails.iter().find(|e| e.recipient == to && e.subject != SIGN_IN_CHANGED) {
                return self.link_in(email);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no email with a link to {to}")
    }

    /// The absolute sign-up link in the newest email delivered to `to`.
    pub async fn emailed_invitation(&self, to: &str) -> String {
        let emails = self.emails().await;
        let email = emails.iter().find(|e| e.recipient == to).unwrap_or_else(|| panic!("no email to {to}"));
        let start = email.text_body.find(&format!("{}/invite/", self.base)).expect("a link in the email");
        email.text_body[start..].split_whitespace().next().unwrap().to_string()
    }
}
