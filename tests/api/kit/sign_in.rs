//! The sign-in journey as one sentence —
//! `app.sign_in(&PORTAL, CLINICIAN).with_sms_code().tokens().await` — and
//! signing in to careid's own account page.

use serde_json::Value;

use crate::kit::app::TestApp;
use crate::kit::browser::{Browser, Params, Visit};
use crate::kit::oauth::{Authorize, Client};
use crate::kit::people::PASSWORD;
use crate::kit::sms::MOBILE;

/// A sign-in of one person to one client, in a browser of its own unless given one.
pub struct SignIn<'a> {
    app: &'a TestApp,
    client: Client,
    request: Authorize,
    email: String,
    password: String,
    browser: Option<&'a Browser>,
    if_asked: bool,
    sms_code: bool,
}

impl TestApp {
    /// `email` signs in to `client` with the test password.
    pub fn sign_in(&self, client: &Client, email: &str) -> SignIn<'_> {
        SignIn {
            app: self,
            client: *client,
            request: self.authorize(client),
            email: email.to_string(),
            password: PASSWORD.to_string(),
            browser: None,
            if_asked: false,
            sms_code: false,
        }
    }
}

impl<'a> SignIn<'a> {
    pub fn scope(self, scope: &str) -> SignIn<'a> {
        self.with("scope", scope)
    }

    /// Sets a parameter of the authorization request.
    pub fn with(mut self, name: &str, value: &str) -> SignIn<'a> {
        self.request = self.request.set(name, value);
        self
    }

    /// Adds a parameter beside any value it has (a second `resource`).
    pub fn and(mut self, name: &str, value: &str) -> SignIn<'a> {
        self.request = self.request.add(name, value);
        self
    }

    pub fn password(mut self, password: &str) -> SignIn<'a> {
        self.password = password.to_string();
        self
    }

    /// In `browser`, which keeps the session afterwards.
    pub fn in_browser(mut self, browser: &'a Browser) -> SignIn<'a> {
        self.browser = Some(browser);
        self
    }

    /// In `browser`, which may have a session already: the password only if careid asks.
    pub fn in_session(mut self, browser: &'a Browser) -> SignIn<'a> {
        self.browser = Some(browser);
        self.if_asked = true;
        self
    }

    /// The second step by SMS follows the password (adding `MOBILE` if asked).
    pub fn with_sms_code(mut self) -> SignIn<'a> {
        self.sms_code = true;
        self
    }

    /// Where the sign-in ended.
    pub async fn visit(self) -> Visit {
        let owned;
        let browser = match self.browser {
            Some(browser) => browser,
            None => {
                owned = Browser::new(self.app);
                &owned
            }
        };
        let url = self.request.url();
        let visit = if self.if_asked {
            browser.sign_in_if_asked(&url, &self.email, &self.password).await
        } else {
            browser.sign_in(&url, &self.email, &self.password).await
        };
        if !self.sms_code {
            return visit;
        }
        let (status, at, page) = visit.page();
        assert_eq!(status, 200, "{page}");
        let page = browser.on_to_code_page(&at, page).await;
        browser.pass_code_page(&page).await
    }

    /// The authorization response's parameters.
    pub async fn params(self) -> Params {
        self.visit().await.params()
    }

    /// The authorization code, not yet redeemed.
    pub async fn code(self) -> String {
        let params = self.visit().await.params();
        params.get("code").unwrap_or_else(|| panic!("no code: {params:?}")).clone()
    }

    /// The code redeemed for tokens.
    pub async fn tokens(self) -> Value {
        let (app, client) = (self.app, self.client);
        let code = self.code().await;
        app.exchange(&client, &code).await
    }

    /// The access token of the tokens.
    pub async fn access_token(self) -> String {
        self.tokens().await["access_token"].as_str().unwrap().to_string()
    }
}

impl Browser {
    /// Signs `email` in with the password (and an SMS code when asked,
    /// enrolling a number) to the account page; returns the page.
    pub async fn open_account(&self, app: &TestApp, email: &str) -> String {
        let (status, mut url, mut page) = self.visit("/account").await.page();
        if url.contains("/login?tx=") {
            assert_eq!(status, 200);
            let (status, at, next) = self.login(&page, email, PASSWORD).await.page();
            assert_eq!(status, 200, "{next}");
            (url, page) = (at, next);
            if url.contains("/login/sms") {
                if page.contains("name=\"phone\"") {
                    page = self.enrol(&page, MOBILE).await.page().2;
                }
                (_, url, page) = self.submit_code(&page, &app.last_code()).await.page();
            }
        }
        assert!(url.ends_with("/account"), "{url}");
        assert!(page.contains("Biometric login"), "{page}");
        page
    }
}
