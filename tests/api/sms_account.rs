//! The account page's "Two-step verification" switch.

use careid::accounts::Role;
use reqwest::StatusCode;

use crate::browser::{Browser, hidden};
use crate::flows::{CLINICIAN, PASSWORD, PATIENT};
use crate::helpers::TestApp;
use crate::sms_signin::{MOBILE, enrol, last_code, spawn, submit_code};

/// A browser signed in at /account with a password (and a code when asked); the page body.
async fn open_account(app: &TestApp, browser: &Browser, email: &str) -> String {
    let (_, _, page) = browser.visit("/account").await.page();
    let (_, url, body) = browser.login(&page, email, PASSWORD).await.page();
    if url.contains("/login/sms") {
        let (_, _, page) = enrol(browser, &body, MOBILE).await.page();
        let (_, url, body) = submit_code(browser, &page, &last_code(app)).await.page();
        assert!(url.ends_with("/account"), "{url}");
        return body;
    }
    assert!(url.ends_with("/account"), "{url}");
    body
}

#[tokio::test]
async fn a_patient_turns_two_step_verification_on_and_off() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = open_account(&app, &browser, PATIENT).await;
    assert!(page.contains(r#"<p id="two-step-status">Off"#), "{page}");

    // On: straight through enrolment and a code, no new password.
    let (_, at, page) =
        browser.post_form("/account/two-step/on", &[("csrf", &hidden(&page, "csrf"))]).await.page();
    assert!(at.contains("/login/sms"), "{at}");
    let (_, _, page) = enrol(&browser, &page, MOBILE).await.page();
    let (status, url, page) = submit_code(&browser, &page, &last_code(&app)).await.page();
    assert_eq!(status, 200);
    assert!(url.ends_with("/account"), "{url}");
    assert!(page.contains("On · codes go to +44 ••• 56"), "{page}");
    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    assert!(user.two_step_enabled);

    // Next sign-in asks for a code.
    let other = Browser::new(&app);
    let (_, _, login) = other.visit("/account").await.page();
    let (_, at, _) = other.login(&login, PATIENT, PASSWORD).await.page();
    assert!(at.contains("/login/sms"), "{at}");

    // Off: needs the password, then a fresh code to the number.
    let csrf = hidden(&page, "csrf");
    let (status, _, _) = browser
        .post_form("/account/two-step/off", &[("csrf", &csrf), ("current_password", "wrong password")])
        .await
        .page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let sent = crate::sms_signin::texts(&app).len();
    let (status, _, page) = browser
        .post_form("/account/two-step/off", &[("csrf", &csrf), ("current_password", PASSWORD)])
        .await
        .page();
    assert_eq!(status, 200);
    assert!(page.contains("Turn off two-step verification") && page.contains("one-time-code"), "{page}");
    assert_eq!(crate::sms_signin::texts(&app).len(), sent + 1, "a fresh code");
    let right = last_code(&app);
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let (status, _, _) =
        browser.post_form("/account/phone/verify", &[("csrf", &csrf), ("code", wrong)]).await.page();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    assert!(user.two_step_enabled, "still on after a wrong code");
    let (_, _, page) =
        browser.post_form("/account/phone/verify", &[("csrf", &csrf), ("code", &right)]).await.page();
    assert!(page.contains(r#"<p id="two-step-status">Off"#), "{page}");
    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    assert!(!user.two_step_enabled);
    assert_eq!(user.verified_phone(), Some("+447400123456"), "the number stays");
    let told = app.sign_in_changes(PATIENT).await;
    assert!(told.len() == 1 && told[0].contains("Two-step verification was turned off"), "{told:?}");
}

#[tokio::test]
async fn turning_off_is_refused_if_the_deployment_requires_two_steps_before_the_code_arrives() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = open_account(&app, &browser, PATIENT).await;
    let (_, _, page) =
        browser.post_form("/account/two-step/on", &[("csrf", &hidden(&page, "csrf"))]).await.page();
    let (_, _, page) = enrol(&browser, &page, MOBILE).await.page();
    let (_, _, page) = submit_code(&browser, &page, &last_code(&app)).await.page();
    let csrf = hidden(&page, "csrf");
    app.clock.advance(31);
    browser
        .post_form("/account/two-step/off", &[("csrf", &csrf), ("current_password", PASSWORD)])
        .await
        .page();
    crate::invitations::operator(&app, &["deployments", "update", "default", "--mfa-required"]);
    let (status, _, body) = browser
        .post_form("/account/phone/verify", &[("csrf", &csrf), ("code", &last_code(&app))])
        .await
        .page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("requires two-step verification"), "{body}");
    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    assert!(user.two_step_enabled);
}

#[tokio::test]
async fn a_clinician_cannot_turn_two_step_verification_off() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = open_account(&app, &browser, CLINICIAN).await;
    assert!(page.contains("cannot be turned off"), "{page}");
    let csrf = hidden(&page, "csrf");
    let (status, _, body) = browser
        .post_form("/account/two-step/off", &[("csrf", &csrf), ("current_password", PASSWORD)])
        .await
        .page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("requires two-step verification"), "{body}");
}

#[tokio::test]
async fn changing_the_number_needs_the_password_and_a_code_to_the_new_number() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = open_account(&app, &browser, CLINICIAN).await;
    let csrf = hidden(&page, "csrf");
    let new_number = "+49 151 23456789";
    let (status, _, _) = browser
        .post_form("/account/phone", &[("csrf", &csrf), ("phone", new_number), ("current_password", "nope")])
        .await
        .page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, page) = browser
        .post_form(
            "/account/phone",
            &[("csrf", &csrf), ("phone", new_number), ("current_password", PASSWORD)],
        )
        .await
        .page();
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(r#"autocomplete="one-time-code""#));
    assert_eq!(crate::sms_signin::texts(&app).last().unwrap()["to"], "+4915123456789");
    let (_, url, _) = browser
        .post_form("/account/phone/verify", &[("csrf", &csrf), ("code", &last_code(&app))])
        .await
        .page();
    assert!(url.ends_with("/account"), "{url}");
    let user = app.state.store.user_by_email(CLINICIAN).await.unwrap().unwrap();
    assert_eq!(user.verified_phone(), Some("+4915123456789"));

    // Removing it is refused while the role requires two steps.
    let (status, _, body) = browser
        .post_form("/account/phone/remove", &[("csrf", &csrf), ("current_password", PASSWORD)])
        .await
        .page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("cannot be removed"), "{body}");
}

#[tokio::test]
async fn recovery_codes_need_a_number_and_a_two_factor_session() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = open_account(&app, &browser, PATIENT).await;
    let csrf = hidden(&page, "csrf");
    let form = [("csrf", csrf.as_str()), ("current_password", PASSWORD)];
    let (status, _, body) = browser.post_form("/account/recovery-codes", &form).await.page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("add a mobile number first"), "{body}");

    // A number, but a password-only session: the second step comes first.
    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    app.state.store.set_verified_phone(&user.id, "+447400123456", app.clock.now()).await.unwrap();
    let response = browser.http.post(app.url("/account/recovery-codes")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/authorize?") && location.contains("acr_values="), "{location}");
    assert_eq!(app.state.store.recovery_code_counts(&user.id).await.unwrap(), (0, 0), "no codes made");
}

#[tokio::test]
async fn two_step_switched_on_before_any_number_goes_off_with_the_password_alone() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = open_account(&app, &browser, PATIENT).await;
    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    app.state.store.set_two_step(&user.id, true, app.clock.now()).await.unwrap();
    let sent = crate::sms_signin::texts(&app).len();
    let (_, url, page) = browser
        .post_form(
            "/account/two-step/off",
            &[("csrf", &hidden(&page, "csrf")), ("current_password", PASSWORD)],
        )
        .await
        .page();
    assert!(url.ends_with("/account") && page.contains(r#"<p id="two-step-status">Off"#), "{page}");
    assert_eq!(crate::sms_signin::texts(&app).len(), sent, "no number, so no code");
    assert!(!app.state.store.user_by_email(PATIENT).await.unwrap().unwrap().two_step_enabled);
}
