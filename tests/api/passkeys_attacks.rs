//! What a passkey answer must not get away with: a replayed or expired
//! challenge, another origin or relying party, someone else's credential, a
//! removed one, a copied one (its counter goes back), no user verification,
//! and bodies that are not what the endpoints expect.

use careid::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::flows::{CLINICIAN, PASSWORD, PATIENT};
use crate::helpers::TestApp;
use crate::passkey_flows::{
    account_page, answer_sign_in, attribute, audit_kinds, login_page, passkey_sign_in, post_json,
    sign_in_challenge, user_with_passkey,
};
use crate::sms_signin::{app_url, portal_url, spawn};
use crate::soft_authenticator::SoftAuthenticator;

/// One sign-in attempt with `authenticator` at the App: status and JSON answer.
async fn attempt(app: &TestApp, authenticator: &mut SoftAuthenticator) -> (StatusCode, Value) {
    let browser = Browser::new(app);
    let (tx, csrf) = login_page(&browser, &app_url(app, &[])).await;
    let challenge = sign_in_challenge(app, &browser, &tx, &csrf).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    answer_sign_in(app, &browser, (&tx, &csrf), &challenge, &credential).await
}

#[tokio::test]
async fn a_replayed_challenge_or_assertion_is_refused() {
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let (tx, csrf) = login_page(&browser, &app_url(&app, &[])).await;
    let challenge = sign_in_challenge(&app, &browser, &tx, &csrf).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    let (status, first) = answer_sign_in(&app, &browser, (&tx, &csrf), &challenge, &credential).await;
    assert_eq!(status, 200, "{first}");

    // The same answer again, from another browser on a new login page: the challenge is gone.
    let other = Browser::new(&app);
    let (tx, csrf) = login_page(&other, &app_url(&app, &[])).await;
    let (status, body) = answer_sign_in(&app, &other, (&tx, &csrf), &challenge, &credential).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("expired_challenge")),
        "{body}"
    );
    // …and the old assertion against a fresh challenge fails its signature over that challenge.
    let fresh = sign_in_challenge(&app, &other, &tx, &csrf).await;
    let (status, body) = answer_sign_in(&app, &other, (&tx, &csrf), &fresh, &credential).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("passkey_rejected")),
        "{body}"
    );
    assert!(audit_kinds(&app).await.contains(&"passkey.failed".to_string()));
}

#[tokio::test]
async fn a_challenge_counts_only_for_its_own_login_page_and_for_five_minutes() {
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let (tx_a, csrf_a) = login_page(&browser, &app_url(&app, &[])).await;
    let (tx_b, csrf_b) = login_page(&browser, &app_url(&app, &[])).await;
    let challenge = sign_in_challenge(&app, &browser, &tx_a, &csrf_a).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    let (status, _) = answer_sign_in(&app, &browser, (&tx_b, &csrf_b), &challenge, &credential).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "bound to the transaction that asked");

    let challenge = sign_in_challenge(&app, &browser, &tx_b, &csrf_b).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    app.clock.advance(301);
    let (status, body) = answer_sign_in(&app, &browser, (&tx_b, &csrf_b), &challenge, &credential).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("expired_challenge")),
        "{body}"
    );
}

#[tokio::test]
async fn an_answer_made_for_another_origin_is_refused() {
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, PATIENT, Role::Patient).await;
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
    let browser = Browser::new(&app);
    let page = account_page(&app, &browser, PATIENT).await;
    let (status, body) =
        crate::passkey_flows::add_on_account(&app, &browser, &mut authenticator, &page, "Evil").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    assert_eq!(app.state.store.passkeys_of(&user.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_answer_for_another_relying_party_is_refused() {
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, PATIENT, Role::Patient).await;
    authenticator.rp_id_override = Some("evil.example".into());
    let (status, body) = attempt(&app, &mut authenticator).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("passkey_rejected")),
        "{body}"
    );

    let browser = Browser::new(&app);
    let page = account_page(&app, &browser, PATIENT).await;
    let (status, body) =
        crate::passkey_flows::add_on_account(&app, &browser, &mut authenticator, &page, "Evil").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn someone_elses_passkey_neither_confirms_a_sign_in_nor_signs_in_under_another_handle() {
    let app = spawn(|_| {}).await;
    let mut theirs = user_with_passkey(&app, PATIENT, Role::Patient).await;
    let mut mine = user_with_passkey(&app, CLINICIAN, Role::Clinician).await;
    // The clinician's password, then the patient's passkey as the second step.
    let browser = Browser::new(&app);
    let (_, at, page) = browser.sign_in(&portal_url(&app, &[]), CLINICIAN, PASSWORD).await.page();
    assert!(at.contains("/login/passkey/confirm"), "{at}");
    let (tx, csrf) = (attribute(&page, "data-tx"), attribute(&page, "data-csrf"));
    let (_, challenge) =
        post_json(&browser, &app, "/login/passkey/confirm/options", &json!({ "tx": tx, "csrf": csrf })).await;
    let credential = theirs.assert_with(0, &challenge["publicKey"]);
    let body = json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential });
    let (status, body) = post_json(&browser, &app, "/login/passkey/confirm", &body).await;
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
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = account_page(&app, &browser, PATIENT).await;
    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    let id = app.state.store.passkeys_of(&user.id).await.unwrap()[0].id.clone();
    let csrf = crate::browser::hidden(&page, "csrf");
    let (status, _, _) =
        browser.post_form("/account/passkeys/remove", &[("csrf", &csrf), ("id", &id)]).await.page();
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
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, PATIENT, Role::Patient).await;
    for _ in 0..2 {
        let params = passkey_sign_in(&app, &Browser::new(&app), &mut authenticator, &app_url(&app, &[]))
            .await
            .params();
        assert!(params.contains_key("code"));
    }
    // A copy of the key that signed less often than the original.
    authenticator.credentials[0].counter = 0;
    let (status, body) = attempt(&app, &mut authenticator).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("copied"), "{body}");
    assert!(audit_kinds(&app).await.contains(&"passkey.counter_regression".to_string()));
}

#[tokio::test]
async fn an_assertion_without_user_verification_is_refused() {
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, PATIENT, Role::Patient).await;
    authenticator.verifies_user = false;
    let (status, body) = attempt(&app, &mut authenticator).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn bodies_that_are_not_the_expected_json_get_a_400_that_says_why() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let (tx, csrf) = login_page(&browser, &app_url(&app, &[])).await;
    let challenge = sign_in_challenge(&app, &browser, &tx, &csrf).await;
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
