//! The passkey journeys' shared steps: JSON calls from the scripted browser,
//! adding a passkey on the account page, signing in with one, confirming with one.

use careid::accounts::Role;
use careid::onboarding::deployments::DeploymentSpec;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::browser::{Browser, Visit, hidden};
use crate::flows::PASSWORD;
use crate::helpers::TestApp;
use crate::sms_signin::{MOBILE, enrol, last_code, spawn, submit_code};
use crate::soft_authenticator::SoftAuthenticator;

pub const PHISHING_RESISTANT: &str = "urn:careid:acr:phishing-resistant";

/// careid (clinicians need two steps) whose default deployment requires a passkey.
pub async fn spawn_passkey_required() -> TestApp {
    let spec: DeploymentSpec =
        serde_json::from_value(json!({"id": "default", "name": "Default", "passkey_required": true}))
            .unwrap();
    spawn(|c| c.deployments = vec![spec]).await
}

/// POSTs `body` as JSON from `browser`; the status and the JSON answer.
pub async fn post_json(browser: &Browser, app: &TestApp, path: &str, body: &Value) -> (StatusCode, Value) {
    let response = browser.http.post(app.url(path)).json(body).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{path} answered {status} with non-JSON {text}"));
    (status, json)
}

/// The value of attribute `name` (its first use) in an HTML page.
pub fn attribute(page: &str, name: &str) -> String {
    let marker = format!(" {name}=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} in page: {page}")) + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

/// Signs `email` in with the password (and an SMS code when asked, enrolling
/// a number) to the account page; returns the page.
pub async fn account_page(app: &TestApp, browser: &Browser, email: &str) -> String {
    let (status, url, mut page) = browser.visit("/account").await.page();
    if url.contains("/login?tx=") {
        assert_eq!(status, 200);
        let (status, at, next) = browser.login(&page, email, PASSWORD).await.page();
        assert_eq!(status, 200, "{next}");
        page = next;
        if at.contains("/login/sms") {
            if page.contains("name=\"phone\"") {
                page = enrol(browser, &page, MOBILE).await.page().2;
            }
            page = submit_code(browser, &page, &last_code(app)).await.page().2;
        }
    }
    assert!(page.contains("Biometric login"), "{page}");
    page
}

/// Adds a passkey named `name` from the account page (already signed in); the JSON answer.
pub async fn add_on_account(
    app: &TestApp,
    browser: &Browser,
    authenticator: &mut SoftAuthenticator,
    page: &str,
    name: &str,
) -> (StatusCode, Value) {
    let csrf = hidden(page, "csrf");
    let (status, challenge) =
        post_json(browser, app, "/account/passkeys/options", &json!({ "csrf": csrf })).await;
    assert_eq!(status, 200, "{challenge}");
    let credential = authenticator.register(&challenge["publicKey"]);
    let body =
        json!({ "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential, "name": name });
    post_json(browser, app, "/account/passkeys", &body).await
}

/// A user of `role` with a passkey registered from the account page, and its
/// authenticator; no phone number (a clinician's first sign-in enrols one, removed after).
pub async fn user_with_passkey(app: &TestApp, email: &str, role: Role) -> SoftAuthenticator {
    let user = app.add_user(email, PASSWORD, role).await;
    let browser = Browser::new(app);
    let page = account_page(app, &browser, email).await;
    let mut authenticator = SoftAuthenticator::new(&app.base);
    let (status, body) = add_on_account(app, &browser, &mut authenticator, &page, "Laptop").await;
    assert_eq!(status, 200, "{body}");
    app.state.store.clear_phone(&user.id, app.clock.now()).await.unwrap();
    authenticator
}

/// The login page of `authorize_url`: its tx and csrf.
pub async fn login_page(browser: &Browser, authorize_url: &str) -> (String, String) {
    let (status, url, page) = browser.visit(authorize_url).await.page();
    assert_eq!(status, 200, "{page}");
    assert!(url.contains("/login?tx="), "{url}");
    (hidden(&page, "tx"), hidden(&page, "csrf"))
}

/// A sign-in challenge for the login page `(tx, csrf)`.
pub async fn sign_in_challenge(app: &TestApp, browser: &Browser, tx: &str, csrf: &str) -> Value {
    let (status, challenge) =
        post_json(browser, app, "/login/passkey/options", &json!({ "tx": tx, "csrf": csrf })).await;
    assert_eq!(status, 200, "{challenge}");
    challenge
}

/// Sends `credential` as the answer to `challenge` on the login page; status and JSON.
pub async fn answer_sign_in(
    app: &TestApp,
    browser: &Browser,
    (tx, csrf): (&str, &str),
    challenge: &Value,
    credential: &Value,
) -> (StatusCode, Value) {
    let body = json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential });
    post_json(browser, app, "/login/passkey", &body).await
}

/// Signs in with the passkey alone at `authorize_url`; where careid sent the browser.
pub async fn passkey_sign_in(
    app: &TestApp,
    browser: &Browser,
    authenticator: &mut SoftAuthenticator,
    authorize_url: &str,
) -> Visit {
    let (tx, csrf) = login_page(browser, authorize_url).await;
    let challenge = sign_in_challenge(app, browser, &tx, &csrf).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    let (status, body) = answer_sign_in(app, browser, (&tx, &csrf), &challenge, &credential).await;
    assert_eq!(status, 200, "{body}");
    browser.visit(body["redirect"].as_str().unwrap()).await
}

/// Answers the passkey confirmation page `page` with `credential` from `authenticator`.
pub async fn confirm(
    app: &TestApp,
    browser: &Browser,
    authenticator: &mut SoftAuthenticator,
    page: &str,
) -> (StatusCode, Value) {
    let (tx, csrf) = (attribute(page, "data-tx"), attribute(page, "data-csrf"));
    let (status, challenge) =
        post_json(browser, app, "/login/passkey/confirm/options", &json!({ "tx": tx, "csrf": csrf })).await;
    assert_eq!(status, 200, "{challenge}");
    let credential = authenticator.assert(&challenge["publicKey"]);
    let body = json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential });
    post_json(browser, app, "/login/passkey/confirm", &body).await
}

pub fn id_token_claims(app: &TestApp, tokens: &Value) -> Value {
    app.state.keyring.verify(tokens["id_token"].as_str().unwrap(), &app.base, None).unwrap()
}

/// The kinds of every audit event, oldest first.
pub async fn audit_kinds(app: &TestApp) -> Vec<String> {
    let mut events = app.state.store.audit_events(None, 500).await.unwrap();
    events.reverse();
    events.into_iter().map(|e| e.kind).collect()
}

/// Adds a passkey on the forced "Add a passkey" page `page`; the authenticator
/// holding it and where the sign-in goes on (a redirect into careid).
pub async fn register_on_forced_step(
    app: &TestApp,
    browser: &Browser,
    page: &str,
) -> (SoftAuthenticator, String) {
    let (tx, csrf) = (attribute(page, "data-tx"), attribute(page, "data-csrf"));
    let (status, challenge) =
        post_json(browser, app, "/login/passkey/register/options", &json!({ "tx": tx, "csrf": csrf })).await;
    assert_eq!(status, 200, "{challenge}");
    let mut authenticator = SoftAuthenticator::new(&app.base);
    let credential = authenticator.register(&challenge["publicKey"]);
    let body = json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential, "name": "Phone" });
    let (status, body) = post_json(browser, app, "/login/passkey/register", &body).await;
    assert_eq!(status, 200, "{body}");
    (authenticator, body["redirect"].as_str().unwrap().to_string())
}
