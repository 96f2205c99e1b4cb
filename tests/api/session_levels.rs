//! A sign-in is good for nothing but finishing itself until it meets every
//! requirement of its account; a change to a factor needs a fresh proof.
//! The two attacks of the outside test, from the attacker's side, and every
//! account endpoint against a session at each level.

use careid::people::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::kit::forms::hidden;
use crate::kit::{Browser, CLINICIAN, MOBILE, PASSWORD, PORTAL, TestApp};

const VICTIM_PHONE: &str = "+447400123456";
const ATTACKER_PHONE: &str = "+447700900123";

/// `browser` types the password at the Portal and stops at the code page (a code went to the victim).
async fn password_only(app: &TestApp, browser: &Browser, email: &str) -> String {
    let (status, at, page) = app.sign_in(&PORTAL, email).in_browser(browser).visit().await.page();
    assert_eq!(status, 200, "{page}");
    assert!(at.contains("/login/sms?tx="), "{at}");
    page
}

/// Where a 303 sends the browser.
fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn a_password_alone_cannot_change_the_mobile_number_on_the_account_page() {
    let app = TestApp::two_step(|_| {}).await;
    let victim = app.add_clinician_with_phone(CLINICIAN, VICTIM_PHONE).await;
    let attacker = Browser::new(&app);
    let code_page = password_only(&app, &attacker, CLINICIAN).await;
    let sent = app.texts().len();

    // The same browser opens the account page: it is not signed in, so a new sign-in starts.
    let (status, at, page) = attacker.visit("/account").await.page();
    assert_eq!(status, 200);
    assert!(at.contains("/login?tx="), "{at}");
    assert!(!page.contains("Mobile number"), "{page}");
    // Posting the change straight away is sent to sign in too; nothing goes to the new number.
    let form = [("csrf", "guessed"), ("phone", ATTACKER_PHONE), ("current_password", PASSWORD)];
    let response = attacker.http.post(app.url("/account/phone")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/authorize?"), "{}", location(&response));
    let response =
        attacker.http.post(app.url("/account/phone/verify")).form(&[("code", "123456")]).send().await;
    assert_eq!(response.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(app.texts().len(), sent, "no code to the attacker's number");

    // The sign-in itself still waits for the code sent to the victim's phone.
    let (status, _, _) = attacker.submit_code_only(&code_page, "000000").await.page();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let user = app.state.store.user_by_id(&victim.id).await.unwrap().unwrap();
    assert_eq!(user.verified_phone(), Some(VICTIM_PHONE));
    assert!(app.sign_in_changes(CLINICIAN).await.is_empty(), "nothing changed, nothing to tell");
}

#[tokio::test]
async fn a_password_alone_cannot_add_a_passkey() {
    let app = TestApp::two_step(|_| {}).await;
    let victim = app.add_clinician_with_phone(CLINICIAN, VICTIM_PHONE).await;
    let attacker = Browser::new(&app);
    let code_page = password_only(&app, &attacker, CLINICIAN).await;

    // "Biometric login" on the account page: not signed in.
    let (status, body) = attacker.post_json("/account/passkeys/options", &json!({ "csrf": "x" })).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("login_required")),
        "{body}"
    );
    let body = json!({ "csrf": "x", "ceremony": "made-up", "credential": {}, "name": "Mine" });
    let (status, _) = attacker.post_json("/account/passkeys", &body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The sign-in's own registration step is only for a deployment that requires a
    // passkey; with the transaction of this half-finished sign-in it is refused too.
    let tx = json!({ "tx": hidden(&code_page, "tx"), "csrf": hidden(&code_page, "csrf") });
    let (status, body) = attacker.post_json("/login/passkey/register/options", &tx).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(app.state.store.passkeys_of(&victim.id).await.unwrap().is_empty());
}

/// What an account endpoint answered a session at some level.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Answer {
    /// Let through: the page, or the form's own answer to the probe's bad input.
    Through(u16),
    /// Not signed in: off to sign in (a page's 303, or a JSON 401).
    SignIn,
    /// Signed in, but the change needs a fresh proof first (prompt=login).
    ProveAgain,
}

/// Each account endpoint, probed with input that stops just after the level
/// checks (an invalid number, a short password, someone else's passkey …).
async fn probe(app: &TestApp, browser: &Browser, csrf: &str) -> Vec<(&'static str, Answer)> {
    let forms: [(&str, Vec<(&str, &str)>); 11] = [
        ("/account/profile", vec![("given_name", "")]),
        (
            "/account/password",
            vec![("current_password", PASSWORD), ("new_password", "short"), ("confirm_password", "short")],
        ),
        ("/account/sessions/end", vec![("sid", "not-mine")]),
        ("/account/phone", vec![("current_password", PASSWORD), ("phone", "not a number")]),
        ("/account/phone/verify", vec![("code", "123456")]),
        ("/account/phone/remove", vec![("current_password", PASSWORD)]),
        ("/account/two-step/on", vec![]),
        ("/account/two-step/off", vec![("current_password", PASSWORD)]),
        ("/account/recovery-codes", vec![("current_password", PASSWORD)]),
        ("/account/passkeys/rename", vec![("id", "not-mine"), ("name", "x")]),
        ("/account/passkeys/remove", vec![("id", "not-mine")]),
    ];
    let mut answers = Vec::new();
    let page = browser.http.get(app.url("/account")).send().await.unwrap();
    answers.push(("/account", classify_page(&page)));
    for (path, mut fields) in forms {
        fields.push(("csrf", csrf));
        let response = browser.http.post(app.url(path)).form(&fields).send().await.unwrap();
        answers.push((path, classify_page(&response)));
    }
    for path in ["/account/passkeys/options", "/account/passkeys"] {
        let body = json!({ "csrf": csrf, "ceremony": "made-up", "credential": {}, "name": "x" });
        let (status, body) = browser.post_json(path, &body).await;
        let answer = match (status.as_u16(), body["error"].as_str()) {
            (401, Some("login_required")) => Answer::SignIn,
            (403, Some("login_required")) => {
                assert!(body["redirect"].as_str().unwrap().contains("prompt=login"), "{body}");
                Answer::ProveAgain
            }
            (status, _) => Answer::Through(status),
        };
        answers.push((path, answer));
    }
    answers
}

fn classify_page(response: &reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let to = location(response);
    match status {
        303 if to.starts_with("/authorize?") && to.contains("prompt=login") => Answer::ProveAgain,
        303 if to.starts_with("/authorize?") => Answer::SignIn,
        _ => Answer::Through(status),
    }
}

#[tokio::test]
async fn every_account_endpoint_answers_each_level_of_session_as_the_rule_says() {
    use Answer::*;
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician_with_phone(CLINICIAN, VICTIM_PHONE).await;
    let mut key = app.add_with_passkey("keyholder@example.com", Role::Clinician).await;

    // Password typed, code pending: no session at all.
    let pending = Browser::new(&app);
    password_only(&app, &pending, CLINICIAN).await;
    let answers = probe(&app, &pending, "x").await;
    for (path, answer) in &answers {
        assert_eq!(*answer, SignIn, "{path} with a second step pending");
    }

    // Password and SMS code, just now.
    let sms = Browser::new(&app);
    let (_, _, login) = sms.visit("/account").await.page();
    let (_, at, code_page) = sms.login(&login, CLINICIAN, PASSWORD).await.page();
    assert!(at.contains("/login/sms"), "{at}");
    let (_, at, page) = sms.submit_code(&code_page, &app.last_code_to(VICTIM_PHONE)).await.page();
    assert!(at.ends_with("/account"), "{at}");
    let sms_csrf = hidden(&page, "csrf");
    let expected_fresh = [
        ("/account", Through(200)),
        ("/account/profile", Through(400)),
        ("/account/password", Through(400)),
        ("/account/sessions/end", Through(400)),
        ("/account/phone", Through(400)),
        ("/account/phone/verify", Through(400)),
        ("/account/phone/remove", Through(400)),
        ("/account/two-step/on", Through(303)),
        ("/account/two-step/off", Through(400)),
        ("/account/recovery-codes", Through(200)),
        ("/account/passkeys/rename", Through(400)),
        ("/account/passkeys/remove", Through(400)),
        ("/account/passkeys/options", Through(200)),
        ("/account/passkeys", Through(400)),
    ];
    assert_eq!(probe(&app, &sms, &sms_csrf).await, expected_fresh, "password and SMS code");

    // A passkey alone, just now (a clinician without a phone).
    let passkey = Browser::new(&app);
    let (_, at, page) = passkey.sign_in_with_passkey(&mut key, &app.url("/account")).await.page();
    assert!(at.ends_with("/account"), "{at}");
    let mut expected_passkey = expected_fresh;
    // No number and no recovery codes: the forms say so, after the level checks.
    expected_passkey[9] = ("/account/recovery-codes", Through(400));
    assert_eq!(probe(&app, &passkey, &hidden(&page, "csrf")).await, expected_passkey, "a passkey");

    // The password-and-code session eleven minutes on: still signed in, but every
    // change to a factor wants a fresh proof; the password and the rest do not.
    app.clock.advance(11 * 60);
    let expected_stale = [
        ("/account", Through(200)),
        ("/account/profile", Through(400)),
        ("/account/password", Through(400)),
        ("/account/sessions/end", Through(400)),
        ("/account/phone", ProveAgain),
        ("/account/phone/verify", Through(400)),
        ("/account/phone/remove", Through(400)),
        ("/account/two-step/on", Through(303)),
        ("/account/two-step/off", Through(400)),
        ("/account/recovery-codes", ProveAgain),
        ("/account/passkeys/rename", Through(400)),
        ("/account/passkeys/remove", Through(400)),
        ("/account/passkeys/options", ProveAgain),
        ("/account/passkeys", ProveAgain),
    ];
    assert_eq!(probe(&app, &sms, &sms_csrf).await, expected_stale, "eleven minutes later");
    assert_eq!(
        app.texts().iter().filter(|t| t["to"] != VICTIM_PHONE).count(),
        0,
        "no code to any other number"
    );
}

#[tokio::test]
async fn a_requirement_new_since_sign_in_is_met_inside_a_sign_in_and_an_old_session_types_the_password_first()
{
    let app = TestApp::two_step(|c| c.mfa.required_roles = Vec::new()).await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, _, login) = browser.visit("/account").await.page();
    let (_, at, _) = browser.login(&login, CLINICIAN, PASSWORD).await.page();
    assert!(at.ends_with("/account"), "a password is enough today: {at}");

    // The deployment turns two steps on; an hour of the session has gone by.
    app.save_deployment(json!({ "id": "default", "name": "Default", "mfa_required": true })).await;
    app.clock.advance(30 * 60);

    // The account page is closed to the old session until it has two factors;
    // a first number is enrolled only right after the password, so that comes first.
    let (_, at, page) = browser.visit("/account").await.page();
    assert!(at.contains("/login?tx="), "{at}");
    let (_, at, page) = browser.login(&page, CLINICIAN, PASSWORD).await.page();
    assert!(at.contains("/login/sms?tx=") && page.contains(r#"name="phone""#), "{at}");
    let (_, _, page) = browser.enrol(&page, MOBILE).await.page();
    let (_, at, _) = browser.submit_code(&page, &app.last_code()).await.page();
    assert!(at.ends_with("/account"), "{at}");
}
