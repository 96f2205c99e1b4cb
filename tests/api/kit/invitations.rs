//! Invitations and sign-up: the operator's invitation, the inviting API as a
//! portal calls it, and a person signing up through the link.

use careid::audit::Origin;
use careid::onboarding::invitations::{self, Inviter};
use careid::people::{Email, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::kit::app::TestApp;
use crate::kit::browser::Browser;
use crate::kit::people::PASSWORD;

/// The scopes an inviter's portal token carries.
pub const INVITE_SCOPES: &str = "openid email profile careid:invite";

impl TestApp {
    /// The operator invites someone of `role` to the default deployment (by
    /// email when `email` is given); the sign-up link.
    pub async fn invite(&self, role: Role, email: Option<&str>) -> String {
        let email = email.map(|e| Email::parse(e).unwrap());
        let (_, token) = invitations::create(
            &self.state,
            &Inviter::Operator,
            role,
            "default",
            email,
            None,
            &Origin::default(),
        )
        .await
        .unwrap();
        invitations::link(&self.state, &token)
    }

    /// The Portal, allowed to ask for `careid:invite`, for every role.
    pub async fn add_inviting_portal(&self) {
        let extra = json!({
            "allowed_roles": ["admin", "clinician", "patient"],
            "allowed_scopes": ["openid", "email", "profile", "careid", "careid:invite"]
        });
        self.add_portal(extra).await;
    }

    /// POSTs an invitation to the API with `token`; the status and JSON answer.
    pub async fn invite_by_api(&self, token: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url("/api/invitations"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The invitations the API lists to the holder of `token`.
    pub async fn invitations_listed(&self, token: &str) -> Value {
        let response = self.client.get(self.url("/api/invitations")).bearer_auth(token).send().await.unwrap();
        response.json().await.unwrap()
    }

    /// Opens `link` in a new browser and signs up with `fields`; the browser
    /// and careid's answer, not followed.
    pub async fn sign_up(&self, link: &str, fields: &[(&str, &str)]) -> (Browser, reqwest::Response) {
        let browser = Browser::new(self);
        let response = browser.sign_up(link, fields).await;
        (browser, response)
    }

    /// Signs up through `link` as Ada Lovelace with the test password (and
    /// `fields`); asserts the account was made (a 303).
    pub async fn sign_up_ok(&self, link: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = vec![("given_name", "Ada"), ("family_name", "Lovelace"), ("password", PASSWORD)];
        form.extend_from_slice(fields);
        let (_, response) = self.sign_up(link, &form).await;
        assert_eq!(response.status(), 303, "{:?}", response.text().await);
        response
    }
}

impl Browser {
    /// Opens the sign-up page at `link` and submits its form with `fields`;
    /// careid's answer, not followed.
    pub async fn sign_up(&self, link: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let response = self.http.get(self.absolute(link)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{link}");
        let page = response.text().await.unwrap();
        let action = url::Url::parse(&self.absolute(link)).unwrap().path().to_string();
        self.send(&page, &action, fields).await
    }
}
