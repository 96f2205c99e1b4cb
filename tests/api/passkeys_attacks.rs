//! What a passkey answer must not get away with: a replayed or expired
//! challenge, another origin or relying party, someone else's credential, a
//! removed one, a copied one (its counter goes back), no user verification,
//! and bodies that are not what the endpoints expect.

use careid::people::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::kit::{Browser, CARE_APP, CLINICIAN, PATIENT, PORTAL, SoftAuthenticator, TestApp};

/// One sign-in attempt with `authenticator` at the App: status and JSON answer.
async fn attempt(app: &TestApp, authenticator: &mut SoftAuthenticator) -> (StatusCode, Value) {
    let browser = Browser::new(app);
    let login = browser.login_page(&app.authorize_url(&CARE_APP, &[])).await;
    let challenge = browser.passkey_challenge(&login).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    browser.answer_passkey_challenge(&login, &challenge, &credential).await
}

#[tokio::test]
async fn a_replayed_challenge_or_assertion_is_refused() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let login = browser.login_page(&app.authorize_url(&CARE_APP, &[])).await;
    let challenge = browser.passkey_challenge(&login).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    let (status, first) = browser.answer_passkey_challenge(&login, &challenge, &credential).await;
    assert_eq!(status, 200, "{first}");

    // The same answer again, from another browser on a new login page: the challenge is gone.
    let other = Browser::new(&app);
    let login = other.login_page(&app.authorize_url(&CARE_APP, &[])).await;
    let (status, body) = other.answer_passkey_challenge(&login, &challenge, &credential).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("expired_challenge")),
        "{body}"
    );
    // …and the old assertion against a fresh challenge fails its signature over that challenge.
    let fresh = other.passkey_challenge(&login).await;
    let (status, body) = other.answer_passkey_challenge(&login, &fresh, &credential).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("passkey_rejected")),
        "{body}"
    );
    assert!(app.audit_kinds().await.contains(&"passkey.failed".to_string()));
}

#[tokio::test]
async fn a_challenge_counts_only_for_its_own_login_page_and_for_five_minutes() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let login_a = browser.login_page(&app.authorize_url(&CARE_APP, &[])).await;
    let login_b = browser.login_page(&app.authorize_url(&CARE_APP, &[])).await;
    let challenge = browser.passkey_challenge(&login_a).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    let (status, _) = browser.answer_passkey_challenge(&login_b, &challenge, &credential).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "bound to the transaction that asked");

    let challenge = browser.passkey_challenge(&login_b).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    app.clock.advance(301);
    let (status, body) = browser.answer_passkey_challenge(&login_b, &challenge, &credential).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("expired_challenge")),
        "{body}"
    );
}

#[tokio::test]
async fn an_answer_made_for_another_origin_is_refused() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = browser.open_account_with_passkey(&mut authenticator, "/account").await;
    authenticator.origin = "https://careid.evil.example".into();
    let (status, body) = attempt(&app, &mut authenticator).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("passkey_rejected")),
        "{body}"
    );
    authenticator.origin = app.base.replace("localhost", "localhost.evil.example");
    assert_eq!(attempt(&app, &mut authenticator).await.0, StatusCode::UNAUTHORIZED);

    // Registration from another origin fails the same way.
    let (status, body) = browser.add_passkey_on_account(&mut authenticator, &page, "Evil").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let user = app.user(PATIENT).await;
    assert_eq!(app.state.store.passkeys_of(&user.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_answer_for_another_relying_party_is_refused() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = browser.open_account_with_passkey(&mut authenticator, "/account").await;
    authenticator.rp_id_override = Some("evil.example".into());
    let (status, body) = attempt(&app, &mut authenticator).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("passkey_rejected")),
        "{body}"
    );

    let (status, body) = browser.add_passkey_on_account(&mut authenticator, &page, "Evil").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn someone_elses_passkey_neither_confirms_a_sign_in_nor_signs_in_under_another_handle() {
    let app = TestApp::two_step(|_| {}).await;
    let mut theirs = app.add_with_passkey(PATIENT, Role::Patient).await;
    let mut mine = app.add_with_passkey(CLINICIAN, Role::Clinician).await;
    // The clinician's password, then the patient's passkey as the second step.
    let browser = Browser::new(&app);
    let (_, at, page) = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).visit().await.page();
    assert!(at.contains("/login/passkey/confirm"), "{at}");
    let (challenge, confirmation) = browser.confirm_challenge(&page).await;
    let credential = theirs.assert_with(0, &challenge["publicKey"]);
    let (status, body) = browser.answer_confirmation(&confirmation, &challenge, &credential).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("passkey_rejected")),
        "{body}"
    );

    // The clinician's own credential presented with the patient's user handle.
    mine.credentials[0].user_handle = theirs.credentials[0].user_handle.clone();
    let (status, _) = attempt(&app, &mut mine).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_removed_passkey_no_longer_signs_in() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    // Removing a factor needs a fresh second factor: here the passkey itself.
    let page = browser.open_account_with_passkey(&mut authenticator, "/account").await;
    let user = app.user(PATIENT).await;
    let id = app.state.store.passkeys_of(&user.id).await.unwrap()[0].id.clone();
    let (status, _, _) = browser.submit(&page, "/account/passkeys/remove", &[("id", &id)]).await.page();
    assert_eq!(status, 200);
    let (status, body) = attempt(&app, &mut authenticator).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("passkey_rejected")),
        "{body}"
    );
    assert!(body["error_description"].as_str().unwrap().contains("not registered"), "{body}");
}

#[tokio::test]
async fn a_counter_that_goes_back_is_refused_and_audited() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(PATIENT, Role::Patient).await;
    for _ in 0..2 {
        let params = Browser::new(&app)
            .sign_in_with_passkey(&mut authenticator, &app.authorize_url(&CARE_APP, &[]))
            .await
            .params();
        assert!(params.contains_key("code"));
    }
    // A copy of the key that signed less often than the original.
    authenticator.credentials[0].counter = 0;
    let (status, body) = attempt(&app, &mut authenticator).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("copied"), "{body}");
    assert!(app.audit_kinds().await.contains(&"passkey.counter_regression".to_string()));
}

#[tokio::test]
async fn an_assertion_without_user_verification_is_refused() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(PATIENT, Role::Patient).await;
    authenticator.verifies_user = false;
    let (status, body) = attempt(&app, &mut authenticator).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn bodies_that_are_not_the_expected_json_get_a_400_that_says_why() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    let login = browser.login_page(&app.authorize_url(&CARE_APP, &[])).await;
    let challenge = browser.passkey_challenge(&login).await;
    let (tx, csrf) = &login;
    let url = app.url("/login/passkey");
    let valid_shape = |credential: Value| json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential });
    let cases: Vec<(&str, reqwest::RequestBuilder)> = vec![
        ("not JSON", browser.http.post(&url).header("content-type", "application/json").body("{not json")),
        ("a form", browser.http.post(&url).form(&[("tx", tx.as_str())])),
        ("missing fields", browser.http.post(&url).json(&json!({ "tx": tx }))),
        (
            "wrong types",
            browser.http.post(&url).json(&json!({ "tx": 1, "csrf": [], "ceremony": {}, "credential": 2 })),
        ),
        ("20 KiB", browser.http.post(&url).json(&json!({ "tx": tx, "csrf": "x".repeat(20 * 1024) }))),
        (
            "100 KiB",
            browser.http.post(&url).header("content-type", "application/json").body("[".repeat(100 * 1024)),
        ),
        ("a credential of the wrong shape", browser.http.post(&url).json(&valid_shape(json!({ "id": "x" })))),
    ];
    for (what, request) in cases {
        let response = request.send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        assert!(!body["error_description"].as_str().unwrap_or_default().is_empty(), "{what}: {body}");
    }
    // The same for the account and confirmation endpoints.
    for path in ["/account/passkeys/options", "/login/passkey/confirm", "/login/passkey/register/options"] {
        let response = browser
            .http
            .post(app.url(path))
            .header("content-type", "application/json")
            .body("]")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
    }
}
