//! Queuing email: every message goes to the durable outbox first, so nothing
//! is lost while the transport is down; a background sender delivers it.

use minijinja::Environment;
use serde::Serialize;

use crate::AppState;
use crate::store::{OutgoingEmail, StoreError};

/// An email ready to queue.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Puts `email` in the outbox and wakes the sender.
pub async fn queue(state: &AppState, email: Email) -> Result<(), StoreError> {
    let now = state.clock.now();
    let row = OutgoingEmail {
        id: uuid::Uuid::now_v7().to_string(),
        recipient: email.to,
        subject: email.subject,
        text_body: email.text,
        html_body: email.html,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        sent_at: None,
        last_error: None,
    };
    state.store.enqueue_email(&row).await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("email template: {0}")]
    Template(#[from] minijinja::Error),
}

impl From<EmailError> for crate::web::pages::PageError {
    fn from(e: EmailError) -> Self {
        match e {
            EmailError::Store(e) => e.into(),
            EmailError::Template(e) => {
                tracing::error!(error = %e, "email template failed");
                crate::web::pages::PageError::unavailable()
            }
        }
    }
}

/// Renders template `name` for `to` and queues it.
pub async fn send_template<C: Serialize>(
    state: &AppState,
    name: &str,
    to: &str,
    context: C,
) -> Result<(), EmailError> {
    let email = state.email_templates.render(name, to, context)?;
    queue(state, email).await?;
    Ok(())
}

/// Every email template; add a message as `NAME.txt` plus `NAME.html`.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../templates/email/layout.html")),
    ("invitation.txt", include_str!("../../templates/email/invitation.txt")),
    ("invitation.html", include_str!("../../templates/email/invitation.html")),
    ("verify_email.txt", include_str!("../../templates/email/verify_email.txt")),
    ("verify_email.html", include_str!("../../templates/email/verify_email.html")),
    ("verify_email_reminder.txt", include_str!("../../templates/email/verify_email_reminder.txt")),
    ("verify_email_reminder.html", include_str!("../../templates/email/verify_email_reminder.html")),
    ("password_reset.txt", include_str!("../../templates/email/password_reset.txt")),
    ("password_reset.html", include_str!("../../templates/email/password_reset.html")),
    ("recovery_code_used.txt", include_str!("../../templates/email/recovery_code_used.txt")),
    ("recovery_code_used.html", include_str!("../../templates/email/recovery_code_used.html")),
    ("sign_in_changed.txt", include_str!("../../templates/email/sign_in_changed.txt")),
    ("sign_in_changed.html", include_str!("../../templates/email/sign_in_changed.html")),
];

/// Email templates: `NAME.txt` and `NAME.html` under templates/email/, the
/// subject being the first line of the text template.
pub struct EmailTemplates {
    env: Environment<'static>,
}

impl EmailTemplates {
    pub fn new() -> EmailTemplates {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") { minijinja::AutoEscape::Html } else { minijinja::AutoEscape::None }
        });
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("embedded email templates parse");
        }
        EmailTemplates { env }
    }

    /// Renders `name` for `to`.
    pub fn render<C: Serialize>(&self, name: &str, to: &str, context: C) -> Result<Email, minijinja::Error> {
        let context = minijinja::Value::from_serialize(&context);
        let text = self.env.get_template(&format!("{name}.txt"))?.render(&context)?;
        let html = self.env.get_template(&format!("{name}.html"))?.render(&context)?;
        let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
        Ok(Email {
            to: to.to_string(),
            subject: subject.trim().to_string(),
            text: body.trim_start().to_string(),
            html,
        })
    }
}

impl Default for EmailTemplates {
    fn default() -> Self {
        EmailTemplates::new()
    }
}
