//! The test kit: a real careid per test and the people, browsers and clients
//! of its journeys, so that a test reads like the seed it checks —
//! `app.invite(…)`, `browser.sign_up(…)`,
//! `app.sign_in(&PORTAL, CLINICIAN).with_sms_code().tokens()`.

pub mod admin;
pub mod apis;
pub mod app;
pub mod assertions;
pub mod browser;
pub mod cli;
pub mod dpop;
pub mod forms;
pub mod invitations;
pub mod journeys;
pub mod mail;
pub mod oauth;
pub mod par;
pub mod passkeys;
pub mod people;
pub mod raw_sql;
/// The reference API of `examples/resource_server.rs`, run in-process as the
/// consumer of careid's tokens (its `main` and flags are for running it alone).
#[allow(dead_code)]
#[path = "../../../examples/resource_server.rs"]
pub mod reference_api;
pub mod sign_in;
pub mod sms;
pub mod sms_fakes;
pub mod smtp_sink;
pub mod soft_authenticator;

pub use app::{TestApp, deployment};
pub use browser::{Browser, Params, Visit};
pub use oauth::{
    APP_REDIRECT, CARE_APP, Client, MFA, PHISHING_RESISTANT, PKCE_VERIFIER, PORTAL, PORTAL_REDIRECT,
    PORTAL_SECRET, text,
};
pub use par::{ClientKey, REQUEST_URI_PREFIX, error_page};
pub use people::{ADMIN, CLINICIAN, PASSWORD, PATIENT};
pub use sms::MOBILE;
pub use soft_authenticator::SoftAuthenticator;

/// Waits for every task; their results in order.
pub async fn join_all<T: Send + 'static>(
    tasks: impl IntoIterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.into_iter().collect::<Vec<_>>() {
        out.push(task.await.expect("task"));
    }
    out
}
