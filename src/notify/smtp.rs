//! Email transports: SMTP when `smtp.host` is set, otherwise `.eml` files in
//! `data_dir/outbox/email/` (the embedded default), and the MIME message both send.

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::notify::config::SmtpTls;
use crate::notify::email::Email;

pub enum Transport {
    Smtp { mailer: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox, domain: String },
    Files { dir: PathBuf, from: Mailbox, domain: String, issuer: String },
}

impl Transport {
    /// The transport `config` asks for; an error names the key to fix.
    pub fn from_config(config: &Config) -> Result<Transport, String> {
        let smtp = &config.smtp;
        let from: Mailbox = smtp.from.parse().map_err(|e| format!("smtp.from: {e}"))?;
        // Message-IDs are `<outbox id@issuer host>`: stable across retries, so a
        // receiver can drop a duplicate after a lost acknowledgement.
        let domain = config.issuer.host_str().unwrap_or("localhost").to_string();
        let Some(host) = smtp.host.as_deref() else {
            let dir = config.data_dir.join("outbox").join("email");
            return Ok(Transport::Files { dir, from, domain, issuer: config.issuer_str().to_string() });
        };
        let builder = match smtp.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| format!("smtp.host: {e}"))?,
            SmtpTls::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| format!("smtp.host: {e}"))?
            }
        };
        let mut builder = builder.port(smtp.port).timeout(Some(Duration::from_secs(20)));
        if let Some(username) = &smtp.username {
            let password = smtp.password.as_ref().map(|p| p.expose().to_string()).unwrap_or_default();
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        if let Some(helo) = &smtp.helo {
            builder = builder.hello_name(ClientId::Domain(helo.clone()));
        }
        Ok(Transport::Smtp { mailer: builder.build(), from, domain })
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp { .. } => "SMTP".into(),
            Transport::Files { dir, .. } => format!("files in {}", dir.display()),
        }
    }

    /// Delivers `email`, opened from outbox row `id` queued at `queued_at`.
    pub async fn send(&self, id: &str, queued_at: i64, email: &Email) -> Result<(), Failure> {
        let message = self.message(id, queued_at, email).map_err(Failure::plain)?;
        match self {
            Transport::Smtp { mailer, .. } => mailer.send(message).await.map(drop).map_err(|e| Failure {
                // A server's reply may quote the address: the log gets the code only.
                logged: match e.status() {
                    Some(code) => format!("SMTP reply {code}"),
                    None if e.is_timeout() => "SMTP timeout".into(),
                    None => "SMTP connection or protocol failure".into(),
                },
                stored: e.to_string(),
            }),
            Transport::Files { dir, issuer, .. } => {
                write_file(dir, id, &message.formatted()).await.map_err(Failure::plain)?;
                // The embedded default has no mailbox to look in: the links are
                // in the log so one person on one machine can follow the flow.
                // On purpose, and only here: the folder and this log are that
                // person's mailbox; with `smtp.host` set, no link is ever logged.
                for link in email.text.split_whitespace().filter(|w| w.starts_with(issuer.as_str())) {
                    tracing::info!(subject = %email.subject, link, "email written to the outbox folder");
                }
                Ok(())
            }
        }
    }

    fn message(&self, id: &str, queued_at: i64, email: &Email) -> Result<Message, String> {
        let (Transport::Smtp { from, domain, .. } | Transport::Files { from, domain, .. }) = self;
        let to: Mailbox = email.to.parse().map_err(|_| "the recipient is not a mailbox".to_string())?;
        // The name follows the recipient's deployment; the address stays the configured one.
        let from = match &email.from_name {
            Some(name) => Mailbox::new(Some(name.clone()), from.email.clone()),
            None => from.clone(),
        };
        Message::builder()
            .from(from)
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(format!("<{id}@{domain}>")))
            .date(UNIX_EPOCH + Duration::from_secs(queued_at.max(0) as u64))
            .multipart(MultiPart::alternative_plain_html(email.text.clone(), email.html.clone()))
            .map_err(|e| format!("building the message: {e}"))
    }
}

/// Why a delivery failed: in full for the outbox row (operators), and without
/// anything a server may have quoted for the log.
#[derive(Debug)]
pub struct Failure {
    pub stored: String,
    pub logged: String,
}

impl Failure {
    fn plain(message: String) -> Failure {
        Failure { logged: message.clone(), stored: message }
    }
}

/// Writes `NAME.eml` through a temporary file, so a reader never sees half a message.
async fn write_file(dir: &std::path::Path, id: &str, bytes: &[u8]) -> Result<(), String> {
    tokio::fs::create_dir_all(dir).await.map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let tmp = dir.join(format!(".{id}.tmp"));
    let path = dir.join(format!("{id}.eml"));
    tokio::fs::write(&tmp, bytes).await.map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    tokio::fs::rename(&tmp, &path).await.map_err(|e| format!("cannot write {}: {e}", path.display()))
}
