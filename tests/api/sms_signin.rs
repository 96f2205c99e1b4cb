//! Signing in with two steps: the clinician journey with a code from the SMS
//! outbox, enrolment, step-up, the policy sources, and the code's rejections.

use careid::people::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::kit::sms::recovery_codes_on;
use crate::kit::{Browser, CLINICIAN, MFA, MOBILE, PORTAL, TestApp};

#[tokio::test]
async fn a_clinician_enrols_a_phone_and_gets_a_multi_factor_id_token() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, at, page) = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).visit().await.page();
    assert!(at.contains("/login/sms?tx="), "{at}");
    assert!(page.contains("Add your mobile number"), "{page}");
    let (_, _, page) = browser.enrol(&page, MOBILE).await.page();
    assert!(page.contains(r#"autocomplete="one-time-code""#) && page.contains(r#"inputmode="numeric""#));
    assert_eq!(app.texts()[0]["to"], "+447400123456");
    let params = browser.submit_code(&page, &app.last_code()).await.params();
    let tokens = app.exchange(&PORTAL, &params["code"]).await;
    let claims = app.id_claims(&tokens);
    assert_eq!(claims["acr"], MFA);
    assert_eq!(claims["amr"], json!(["pwd", "sms", "mfa"]));
    assert_eq!(app.user(CLINICIAN).await.verified_phone(), Some("+447400123456"));

    // Next time: email, password, code; no enrolment.
    let again = Browser::new(&app);
    let (_, at, page) = app.sign_in(&PORTAL, CLINICIAN).in_browser(&again).visit().await.page();
    assert!(at.contains("/login/sms") && page.contains("2 Step Verification"), "{page}");
    assert_eq!(app.texts().len(), 2);
    let params = again.submit_code(&page, &app.last_code()).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn five_wrong_codes_void_the_code() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let right = app.last_code();
    let wrong = app.wrong_code();
    for tries_left in (1..5).rev() {
        let (status, _, body) = browser.submit_code(&page, wrong).await.page();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let tries = if tries_left == 1 { "try" } else { "tries" };
        assert!(body.contains(&format!("{tries_left} more {tries}")), "{body}");
    }
    let (status, _, body) = browser.submit_code(&page, wrong).await.page();
    assert_eq!(status, 400, "{body}");
    let (status, _, body) = browser.submit_code(&page, &right).await.page();
    assert_eq!(status, 400, "the voided code no longer works: {body}");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    app.clock.advance(301);
    let (status, _, body) = browser.submit_code(&page, &app.last_code()).await.page();
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("That code no longer works") && body.contains("Send a new code"), "{body}");
}

#[tokio::test]
async fn a_used_code_cannot_be_replayed() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let code = app.last_code();
    browser.submit_code(&page, &code).await.params();
    let (status, _, _) = browser.submit_code(&page, &code).await.page();
    assert_eq!(status, 400);
}

#[tokio::test]
async fn concurrent_submissions_of_one_right_code_succeed_once() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let code = app.last_code();
    let form = crate::kit::forms::fill(&page, "/login/sms", &[("code", &code)]);
    let mut handles = Vec::new();
    for _ in 0..8 {
        let (http, url, form) = (browser.http.clone(), app.url("/login/sms"), form.clone());
        handles.push(tokio::spawn(async move { http.post(url).form(&form).send().await.unwrap().status() }));
    }
    let statuses = crate::kit::join_all(handles).await;
    // The one success shows the new recovery codes (this is the first second step).
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::BAD_REQUEST).count();
    assert_eq!((ok, refused), (1, 7), "{statuses:?}");
}

#[tokio::test]
async fn the_seeds_clinician_journey_adds_the_phone_at_sign_up_and_a_code_at_every_sign_in() {
    let app = TestApp::two_step(|_| {}).await;
    let link = app.invite(Role::Clinician, Some(CLINICIAN)).await;
    let fields = [("given_name", "Grace"), ("family_name", "Hopper"), ("password", crate::kit::PASSWORD)];
    let (browser, response) = app.sign_up(&link, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();

    // Sign-up goes on to the mobile number and its code, then the recovery codes.
    let (_, at, page) = browser.visit(&location).await.page();
    assert!(at.contains("/login/sms") && page.contains("Add your mobile number"), "{at}: {page}");
    let (_, _, page) = browser.enrol(&page, MOBILE).await.page();
    let (status, _, page) = browser.submit_code_only(&page, &app.last_code()).await.page();
    assert_eq!(status, 200);
    assert_eq!(recovery_codes_on(&page).len(), 10);
    let (_, at, _) = browser.click(&page, "recovery-continue").await.page();
    assert!(at.ends_with("/account"), "{at}");

    // The Clinician Portal: email, password, code.
    let tokens = app.sign_in(&PORTAL, CLINICIAN).with_sms_code().tokens().await;
    let claims = app.id_claims(&tokens);
    assert_eq!((claims["acr"].as_str(), claims["amr"].clone()), (Some(MFA), json!(["pwd", "sms", "mfa"])));
    assert_eq!(app.texts().len(), 2, "one code at sign-up, one at sign-in");
}
