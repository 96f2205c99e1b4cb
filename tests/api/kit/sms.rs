//! Texts as people receive them (the SMS outbox of the embedded default) and
//! the second step by SMS: adding a number, typing a code, recovery codes.

use std::path::Path;

use careid::people::Role;
use serde_json::Value;

use crate::kit::app::TestApp;
use crate::kit::browser::{Browser, Visit};

/// The mobile number people enrol unless a test says otherwise.
pub const MOBILE: &str = "+44 7400 123456";

/// Every text in the outbox under `data_dir`, oldest first.
fn texts_in(data_dir: &Path) -> Vec<Value> {
    let path = data_dir.join("outbox").join("sms.jsonl");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The code in `text`, read from its origin-bound last line.
pub fn code_in(text: &Value) -> String {
    let last = text["text"].as_str().unwrap().lines().last().unwrap();
    last.strip_prefix("@localhost #").unwrap_or_else(|| panic!("not origin-bound: {last}")).to_string()
}

/// The code of the last text, read from its origin-bound last line.
fn last_code_in(data_dir: &Path) -> String {
    code_in(texts_in(data_dir).last().expect("a text was sent"))
}

impl TestApp {
    /// careid with the default role rule (clinicians and admins need two
    /// steps), `adjust`ed, with the Portal and the Care App.
    pub async fn two_step(adjust: impl FnOnce(&mut careid::config::Config)) -> TestApp {
        let app = TestApp::spawn_with(|c| {
            c.mfa.required_roles = vec![Role::Clinician, Role::Admin];
            adjust(c);
        })
        .await;
        app.add_portal(serde_json::json!({})).await;
        app.add_care_app().await;
        app
    }

    /// Every text sent, oldest first (`to` and `text`).
    pub fn texts(&self) -> Vec<Value> {
        texts_in(&self.state.config.data_dir)
    }

    /// The code in the last text sent.
    pub fn last_code(&self) -> String {
        last_code_in(&self.state.config.data_dir)
    }

    /// The code in the last text sent to `phone` (E.164).
    pub fn last_code_to(&self, phone: &str) -> String {
        let texts = self.texts();
        code_in(texts.iter().rev().find(|t| t["to"] == phone).unwrap_or_else(|| panic!("no text to {phone}")))
    }

    /// A new browser in which `email` signed in to the Portal with the password
    /// and stands on the code page (adding `MOBILE` if asked); the page.
    pub async fn at_portal_code_page(&self, email: &str) -> (Browser, String) {
        let browser = Browser::new(self);
        let page = browser.to_code_page(&self.authorize_url(&crate::kit::PORTAL, &[]), email).await;
        (browser, page)
    }

    /// A code that is not the last one sent.
    pub fn wrong_code(&self) -> &'static str {
        if self.last_code() == "000000" { "111111" } else { "000000" }
    }
}

impl Browser {
    /// Adds `phone` on the "Add your mobile number" page `page`.
    pub async fn enrol(&self, page: &str, phone: &str) -> Visit {
        self.submit(page, "/login/phone", &[("phone", phone)]).await
    }

    /// Submits `code` on the code page `page`, and stops at whatever comes next.
    pub async fn submit_code_only(&self, page: &str, code: &str) -> Visit {
        self.submit(page, "/login/sms", &[("code", code)]).await
    }

    /// Submits `code` on the code page `page`; past the recovery codes shown the first time.
    pub async fn submit_code(&self, page: &str, code: &str) -> Visit {
        match self.submit_code_only(page, code).await {
            Visit::Page { body, .. } if body.contains(r#"id="recovery-codes""#) => {
                self.click(&body, "recovery-continue").await
            }
            visit => visit,
        }
    }

    /// Asks for a new code on the code page `page`.
    pub async fn resend_code(&self, page: &str) -> Visit {
        self.submit(page, "/login/sms/resend", &[]).await
    }

    /// Submits `code` as a recovery code for the sign-in of `page` (a code page).
    pub async fn submit_recovery_code(&self, page: &str, code: &str) -> Visit {
        self.post_from(page, "/login/recovery", &[("code", code)]).await
    }

    /// Signs `email` in at `url` with the password and lands on the code page
    /// (adding `MOBILE` if asked); the page.
    pub async fn to_code_page(&self, url: &str, email: &str) -> String {
        let (status, at, page) = self.sign_in(url, email, crate::kit::people::PASSWORD).await.page();
        assert_eq!(status, 200, "{page}");
        self.on_to_code_page(&at, page).await
    }

    /// From `page` at `at` (the page after the password), on to the code page.
    pub(crate) async fn on_to_code_page(&self, at: &str, page: String) -> String {
        let page = if at.contains("/login/sms") && page.contains("name=\"phone\"") {
            let (status, _, page) = self.enrol(&page, MOBILE).await.page();
            assert_eq!(status, 200, "{page}");
            page
        } else {
            page
        };
        // The code page in any language: its form.
        assert!(page.contains(r#"action="/login/sms""#), "{page}");
        assert!(!texts_in(&self.data_dir).is_empty(), "a code was sent");
        page
    }

    /// Passes the code page `page` with the code just sent; where the sign-in went on to.
    pub async fn pass_code_page(&self, page: &str) -> Visit {
        self.submit_code(page, &last_code_in(&self.data_dir)).await
    }
}

/// The recovery codes on the page that shows them.
pub fn recovery_codes_on(page: &str) -> Vec<String> {
    page.split("<li><code>").skip(1).map(|s| s[..s.find("</code>").unwrap()].to_string()).collect()
}
