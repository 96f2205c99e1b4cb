//! Queuing email: every message goes to the durable outbox first, so nothing
//! is lost while the transport is down; a background sender delivers it.
//! Bodies are sealed before they reach the outbox, as they carry live links.

use minijinja::Environment;
use serde::Serialize;

use crate::AppState;
use crate::brand::{self, Brand};
use crate::i18n::{Arg, Choice, Lang, Source};
use crate::notify::outbox_seal::Part;
use crate::people::User;
use crate::store::{Deployment, OutgoingEmail, StoreError};

/// An email ready to queue, or opened for delivery. No `Debug`: its bodies
/// carry single-use links.
#[derive(Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The From name (the deployment's product name); `None`: smtp.from's own.
    pub from_name: Option<String>,
}

/// Puts `email` in the outbox and wakes the sender.
pub async fn queue(state: &AppState, email: Email) -> Result<(), StoreError> {
    let now = state.clock.now();
    let id = uuid::Uuid::now_v7().to_string();
    let row = OutgoingEmail {
        text_body: state.outbox_seal.seal(&id, Part::Text, &email.text),
        html_body: state.outbox_seal.seal(&id, Part::Html, &email.html),
        id,
        recipient: email.to,
        subject: email.subject,
        from_name: email.from_name,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        sent_at: None,
        last_error: None,
        failed_at: None,
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

/// Renders template `name` for `user` in their language and their
/// deployment's brand, and queues it.
pub async fn send_template<C: Serialize>(
    state: &AppState,
    name: &str,
    user: &User,
    context: C,
) -> Result<(), EmailError> {
    let (brand, deployment) = brand::of_user(state, user).await;
    let lang = lang_for(deployment.as_ref(), user);
    let email = state.email_templates.render(name, &user.email, lang, &brand, context)?;
    queue(state, email).await?;
    Ok(())
}

/// The language of messages to `user` (emails, text messages): the one they
/// picked, else their deployment's default, else English. (An invitation's
/// language becomes the person's at sign-up.)
pub async fn recipient_lang(state: &AppState, user: &User) -> Lang {
    lang_for(brand::of_user(state, user).await.1.as_ref(), user)
}

fn lang_for(deployment: Option<&Deployment>, user: &User) -> Lang {
    let default = deployment.and_then(|d| Lang::from_tag(&d.default_locale));
    Choice::default().offer(Source::Deployment, default).offer(Source::Person, user.lang()).lang
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
    ("account_locked.txt", include_str!("../../templates/email/account_locked.txt")),
    ("account_locked.html", include_str!("../../templates/email/account_locked.html")),
];

/// Email templates: `NAME.txt` and `NAME.html` under templates/email/, the
/// subject being the first line of the text template.
pub struct EmailTemplates {
    env: Environment<'static>,
}

impl EmailTemplates {
    #[allow(
        clippy::expect_used,
        reason = "start-up: the templates are embedded, and every test renders them"
    )]
    pub fn new() -> EmailTemplates {
        EmailTemplates::with_overrides(None).expect("embedded email templates parse")
    }

    /// The built-in emails, each replaced by the file of the same name in
    /// `dir` (`templates_dir/email`) when there is one.
    pub fn with_overrides(dir: Option<std::path::PathBuf>) -> Result<EmailTemplates, String> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") { minijinja::AutoEscape::Html } else { minijinja::AutoEscape::None }
        });
        crate::web::templates::add_templates(&mut env, TEMPLATES, dir.as_deref())?;
        crate::web::templates::add_i18n(&mut env);
        Ok(EmailTemplates { env })
    }

    /// Renders `name` for `to` in `lang` and `brand`: the templates' texts
    /// name the product, the text part ends with whom to ask, and the From
    /// name is the product's when the deployment names one.
    pub fn render<C: Serialize>(
        &self,
        name: &str,
        to: &str,
        lang: Lang,
        brand: &Brand,
        context: C,
    ) -> Result<Email, minijinja::Error> {
        let context = minijinja::context! {
            lang => lang.code(),
            dir => lang.dir(),
            brand => minijinja::Value::from(minijinja::value::Serde(brand)),
            ..minijinja::Value::from(minijinja::value::Serde(&context))
        };
        let text = self.env.get_template(&format!("{name}.txt"))?.render(&context)?;
        let html = self.env.get_template(&format!("{name}.html"))?.render(&context)?;
        let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
        let mut text = body.trim_start().to_string();
        if let Some(footer) = support_footer(lang, brand) {
            text = format!("{}\n\n{footer}\n", text.trim_end());
        }
        Ok(Email {
            to: to.to_string(),
            subject: subject.trim().to_string(),
            text,
            html,
            from_name: brand.named.then(|| brand.product_name.clone()),
        })
    }
}

/// "Questions? …" with the deployment's support address and page, if it has either.
fn support_footer(lang: Lang, brand: &Brand) -> Option<String> {
    let contacts: Vec<&str> =
        [brand.support_email.as_deref(), brand.support_url.as_deref()].into_iter().flatten().collect();
    if contacts.is_empty() {
        return None;
    }
    let args = [("product", Arg::Text(brand.product_name.clone()))];
    Some(format!("{} {}", crate::i18n::t_with(lang, "support-questions", &args), contacts.join(" · ")))
}

impl Default for EmailTemplates {
    fn default() -> Self {
        EmailTemplates::new()
    }
}
