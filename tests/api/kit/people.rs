//! The people of the journeys: patients, clinicians and administrators, each
//! with the one test password, what they hold (a verified phone), and what
//! they do about their password without signing in.

use careid::people::{Role, User};

use crate::kit::app::TestApp;
use crate::kit::forms;

pub const PASSWORD: &str = "correct horse battery staple";
pub const PATIENT: &str = "pat@example.com";
pub const CLINICIAN: &str = "doc@example.com";
pub const ADMIN: &str = "admin@example.com";

impl TestApp {
    /// A patient with the test password and a verified email.
    pub async fn add_patient(&self, email: &str) -> User {
        self.add_user(email, PASSWORD, Role::Patient).await
    }

    /// A clinician with the test password and a verified email.
    pub async fn add_clinician(&self, email: &str) -> User {
        self.add_user(email, PASSWORD, Role::Clinician).await
    }

    /// An administrator of the default deployment with the test password.
    pub async fn add_admin(&self, email: &str) -> User {
        self.add_user(email, PASSWORD, Role::Admin).await
    }

    /// A clinician of `deployment` with the test password and a verified email.
    pub async fn add_clinician_in(&self, email: &str, deployment: &str) -> User {
        self.add_user_in(email, PASSWORD, Role::Clinician, deployment).await
    }

    /// An account of `role` whose email must be verified within `secs`.
    pub async fn add_unverified(&self, email: &str, role: Role, secs: i64) -> User {
        let user = self.add_user(email, PASSWORD, role).await;
        let now = self.clock.now();
        self.state.store.set_verification_deadline(&user.id, now + secs, now).await.unwrap();
        self.state.store.user_by_id(&user.id).await.unwrap().unwrap()
    }

    /// A clinician whose mobile `phone` (E.164) is already verified.
    pub async fn add_clinician_with_phone(&self, email: &str, phone: &str) -> User {
        let user = self.add_clinician(email).await;
        self.state.store.set_verified_phone(&user.id, phone, self.clock.now()).await.unwrap();
        user
    }

    /// Fills in "forgot password" for `email`, outside any browser: (status, body).
    pub async fn forgot_password(&self, email: &str) -> (u16, String) {
        let page = self.get("/password/forgot").await.text().await.unwrap();
        let form = forms::fill(&page, "/password/forgot", &[("email", email)]);
        let response = self.client.post(self.url("/password/forgot")).form(&form).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Opens the reset link `link` (a path) and submits `password` twice: (status, body).
    pub async fn reset_password(&self, link: &str, password: &str) -> (u16, String) {
        let page = self.get(link).await.text().await.unwrap();
        let form = forms::fill(&page, link, &[("password", password), ("confirm", password)]);
        let response = self.client.post(self.url(link)).form(&form).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}
