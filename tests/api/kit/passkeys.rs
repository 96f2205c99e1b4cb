//! Passkeys in the journeys: the JSON ceremonies the pages' script runs,
//! answered by the software authenticator — adding one on the account page or
//! the forced step, signing in with one alone, confirming a sign-in with one.

use careid::people::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::kit::app::TestApp;
use crate::kit::browser::{Browser, Visit};
use crate::kit::forms::{attribute, hidden};
use crate::kit::people::PASSWORD;
use crate::kit::soft_authenticator::SoftAuthenticator;

/// A login transaction as the login page's script holds it: its tx and csrf.
pub type LoginPage = (String, String);

impl TestApp {
    /// careid (clinicians need two steps) whose default deployment requires a passkey.
    pub async fn passkey_required() -> TestApp {
        let spec = crate::kit::app::deployment(
            json!({"id": "default", "name": "Default", "passkey_required": true}),
        );
        TestApp::two_step(|c| c.deployments = vec![spec]).await
    }

    /// A user of `role` with a passkey named "Laptop" added on the account
    /// page, and its authenticator; no phone number (a clinician's first
    /// sign-in enrols one, removed after).
    pub async fn add_with_passkey(&self, email: &str, role: Role) -> SoftAuthenticator {
        let user = self.add_user(email, PASSWORD, role).await;
        let browser = Browser::new(self);
        let page = browser.open_account(self, email).await;
        let mut authenticator = SoftAuthenticator::new(&self.base);
        let (status, body) = browser.add_passkey_on_account(&mut authenticator, &page, "Laptop").await;
        assert_eq!(status, 200, "{body}");
        self.state.store.clear_phone(&user.id, self.clock.now()).await.unwrap();
        authenticator
    }
}

impl Browser {
    /// Adds a passkey named `name` from the account page `page` (signed in); the JSON answer.
    pub async fn add_passkey_on_account(
        &self,
        authenticator: &mut SoftAuthenticator,
        page: &str,
        name: &str,
    ) -> (StatusCode, Value) {
        let csrf = hidden(page, "csrf");
        let (status, challenge) = self.post_json("/account/passkeys/options", &json!({ "csrf": csrf })).await;
        assert_eq!(status, 200, "{challenge}");
        let credential = authenticator.register(&challenge["publicKey"]);
        let body = json!({ "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential, "name": name });
        self.post_json("/account/passkeys", &body).await
    }

    /// Opens the login page of `authorize_url`; its tx and csrf.
    pub async fn login_page(&self, authorize_url: &str) -> LoginPage {
        let (status, url, page) = self.visit(authorize_url).await.page();
        assert_eq!(status, 200, "{page}");
        assert!(url.contains("/login?tx="), "{url}");
        (hidden(&page, "tx"), hidden(&page, "csrf"))
    }

    /// A sign-in challenge for the login page `login`.
    pub async fn passkey_challenge(&self, (tx, csrf): &LoginPage) -> Value {
        let (status, challenge) =
            self.post_json("/login/passkey/options", &json!({ "tx": tx, "csrf": csrf })).await;
        assert_eq!(status, 200, "{challenge}");
        challenge
    }

    /// Sends `credential` as the answer to `challenge` on the login page `login`; status and JSON.
    pub async fn answer_passkey_challenge(
        &self,
        (tx, csrf): &LoginPage,
        challenge: &Value,
        credential: &Value,
    ) -> (StatusCode, Value) {
        let body =
            json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential });
        self.post_json("/login/passkey", &body).await
    }

    /// Signs in with the passkey alone at `authorize_url`; where careid sent the browser.
    pub async fn sign_in_with_passkey(
        &self,
        authenticator: &mut SoftAuthenticator,
        authorize_url: &str,
    ) -> Visit {
        let login = self.login_page(authorize_url).await;
        let challenge = self.passkey_challenge(&login).await;
        let credential = authenticator.assert(&challenge["publicKey"]);
        let (status, body) = self.answer_passkey_challenge(&login, &challenge, &credential).await;
        assert_eq!(status, 200, "{body}");
        self.visit(body["redirect"].as_str().unwrap()).await
    }

    /// Signs in to the account page with the passkey alone (a fresh proof at
    /// the phishing-resistant level, which adding another passkey asks for),
    /// from `via` (`/account`, or the sign-in again a refused change pointed to); the page.
    pub async fn open_account_with_passkey(
        &self,
        authenticator: &mut SoftAuthenticator,
        via: &str,
    ) -> String {
        let (status, at, page) = self.sign_in_with_passkey(authenticator, via).await.page();
        assert_eq!(status, 200, "{page}");
        assert!(at.ends_with("/account"), "{at}");
        page
    }

    /// Starts the passkey confirmation of page `page`; the challenge and the page's tx and csrf.
    pub async fn confirm_challenge(&self, page: &str) -> (Value, LoginPage) {
        let (tx, csrf) = (attribute(page, "data-tx"), attribute(page, "data-csrf"));
        let (status, challenge) =
            self.post_json("/login/passkey/confirm/options", &json!({ "tx": tx, "csrf": csrf })).await;
        assert_eq!(status, 200, "{challenge}");
        (challenge, (tx, csrf))
    }

    /// Answers the passkey confirmation page `page` with `credential`; status and JSON.
    pub async fn answer_confirmation(
        &self,
        (tx, csrf): &LoginPage,
        challenge: &Value,
        credential: &Value,
    ) -> (StatusCode, Value) {
        let body =
            json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential });
        self.post_json("/login/passkey/confirm", &body).await
    }

    /// Answers the passkey confirmation page `page` with `authenticator`; status and JSON.
    pub async fn confirm_with_passkey(
        &self,
        authenticator: &mut SoftAuthenticator,
        page: &str,
    ) -> (StatusCode, Value) {
        let (challenge, login) = self.confirm_challenge(page).await;
        let credential = authenticator.assert(&challenge["publicKey"]);
        self.answer_confirmation(&login, &challenge, &credential).await
    }

    /// Adds a passkey named `name` on the forced "Add a passkey" page `page`
    /// with `authenticator`; the JSON answer (its `redirect` goes on).
    pub async fn add_passkey_on_forced_step(
        &self,
        authenticator: &mut SoftAuthenticator,
        page: &str,
        name: Option<&str>,
    ) -> (StatusCode, Value) {
        let (tx, csrf) = (attribute(page, "data-tx"), attribute(page, "data-csrf"));
        let (status, challenge) =
            self.post_json("/login/passkey/register/options", &json!({ "tx": tx, "csrf": csrf })).await;
        assert_eq!(status, 200, "{challenge}");
        let credential = authenticator.register(&challenge["publicKey"]);
        let mut body =
            json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential });
        if let Some(name) = name {
            body["name"] = json!(name);
        }
        self.post_json("/login/passkey/register", &body).await
    }

    /// Adds a passkey "Phone" on the forced step `page` with a new
    /// authenticator; it, and where the sign-in goes on (a redirect into careid).
    pub async fn register_on_forced_step(&self, app: &TestApp, page: &str) -> (SoftAuthenticator, String) {
        let mut authenticator = SoftAuthenticator::new(&app.base);
        let (status, body) = self.add_passkey_on_forced_step(&mut authenticator, page, Some("Phone")).await;
        assert_eq!(status, 200, "{body}");
        (authenticator, body["redirect"].as_str().unwrap().to_string())
    }
}
