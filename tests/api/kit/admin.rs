//! The Admin Portal's side of the journeys: careid with two deployments and
//! every kind of caller, their tokens, and admin API calls that read back
//! status, headers and body (problem details included).

use careid::people::{Email, NewUser, Role, User};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::kit::apis::RECORDS;
use crate::kit::app::{TestApp, deployment};
use crate::kit::oauth::{MFA, PORTAL};
use crate::kit::people::{ADMIN, CLINICIAN, PASSWORD, PATIENT};

/// A platform operator (an administrator of `default` with the operator right).
pub const OPERATOR: &str = "ops@example.com";
/// The administrator of the other deployment, `other`.
pub const OTHER_ADMIN: &str = "admin@other.example";

/// What an admin API call answered.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn etag(&self) -> String {
        self.headers.get("etag").unwrap_or_else(|| panic!("no ETag: {self:?}")).to_str().unwrap().into()
    }

    /// Asserts a problem (RFC 9457) with this status and code; the answer.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> &Answer {
        assert_eq!((self.status.as_u16(), self.body["code"].as_str()), (status, Some(code)), "{self:?}");
        let content_type = self.headers.get("content-type").map(|v| v.to_str().unwrap());
        assert_eq!(content_type, Some("application/problem+json"), "{self:?}");
        assert_eq!(self.body["status"], status);
        assert_eq!(self.body["type"], format!("urn:careid:problem:{code}"));
        self
    }

    /// The field the problem names first.
    pub fn field(&self) -> &str {
        self.body["errors"][0]["field"].as_str().unwrap_or_else(|| panic!("no field named: {self:?}"))
    }

    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert!(self.status.is_success(), "{self:?}");
        &self.body
    }
}

/// An admin API call being built.
pub struct Call {
    request: reqwest::RequestBuilder,
}

impl Call {
    pub fn token(mut self, token: &str) -> Self {
        self.request = self.request.bearer_auth(token);
        self
    }

    /// A body sent as JSON, exactly as written.
    pub fn body(mut self, body: &str) -> Self {
        self.request = self.request.header("content-type", "application/json").body(body.to_string());
        self
    }

    pub fn if_match(mut self, etag: &str) -> Self {
        self.request = self.request.header("if-match", etag);
        self
    }

    pub async fn send(self) -> Answer {
        let response = self.request.send().await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let text = response.text().await.unwrap();
        Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
    }
}

impl TestApp {
    /// careid with deployments `default` and `other`, the Portal allowed
    /// `careid:admin` for every role, the Records API, the Care App, and in `default` an
    /// administrator, the operator, a clinician and a patient; `OTHER_ADMIN`
    /// administers `other`.
    pub async fn with_admins() -> TestApp {
        let other = deployment(json!({"id": "other", "name": "Other"}));
        let default = deployment(json!({"id": "default", "name": "Default"}));
        let app = TestApp::spawn_with(|c| c.deployments = vec![default, other]).await;
        app.add_records_and_messages().await;
        app.add_portal(json!({
            "allowed_roles": ["admin", "clinician", "patient"],
            "allowed_scopes": ["openid", "careid:admin", "careid:invite", "records.read"]
        }))
        .await;
        app.add_care_app().await;
        app.add_admin(ADMIN).await;
        let operator = app.add_admin(OPERATOR).await;
        app.state.store.set_operator(&operator.id, true, app.clock.now()).await.unwrap();
        app.add_clinician(CLINICIAN).await;
        app.add_patient(PATIENT).await;
        app.add_member(OTHER_ADMIN, Role::Admin, "other").await;
        app
    }

    /// An account of `role` in `deployment` with the test password.
    pub async fn add_member(&self, email: &str, role: Role, deployment: &str) -> User {
        let new = NewUser {
            email: Email::parse(email).unwrap(),
            name: format!("Member {email}"),
            given_name: None,
            family_name: None,
            role,
            deployment_id: deployment.into(),
            password_hash: Some(self.state.passwords.hash(PASSWORD).await),
            email_verified: true,
        };
        self.state.store.insert_user(&new, self.clock.now()).await.unwrap().unwrap()
    }

    /// `email`'s `careid:admin` token from a two-factor sign-in to the Portal.
    pub async fn admin_token(&self, email: &str) -> String {
        self.sign_in(&PORTAL, email)
            .scope("openid careid:admin")
            .with("acr_values", MFA)
            .with_sms_code()
            .access_token()
            .await
    }

    /// `email`'s token from a password-only sign-in to the Portal with `scope`.
    pub async fn password_token(&self, email: &str, scope: &str) -> String {
        self.sign_in(&PORTAL, email).scope(scope).access_token().await
    }

    /// A two-factor token of `ADMIN` for another API (the Records API).
    pub async fn other_api_token(&self) -> String {
        self.sign_in(&PORTAL, ADMIN)
            .scope("records.read")
            .with("resource", RECORDS)
            .with("acr_values", MFA)
            .with_sms_code()
            .access_token()
            .await
    }

    pub fn call(&self, method: Method, path: &str) -> Call {
        Call { request: self.client.request(method, self.url(path)) }
    }

    /// Reads `path` with `token`, for its ETag.
    pub async fn read(&self, token: &str, path: &str) -> Answer {
        let answer = self.call(Method::GET, path).token(token).send().await;
        answer.ok();
        answer
    }
}
