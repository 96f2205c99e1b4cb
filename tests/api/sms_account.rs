//! The account page's "Two-step verification" switch.

use reqwest::StatusCode;

use crate::kit::{Browser, CLINICIAN, MOBILE, PASSWORD, PATIENT, TestApp};

#[tokio::test]
async fn a_patient_turns_two_step_verification_on_and_off() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, PATIENT).await;
    assert!(page.contains(r#"<p id="two-step-status">Off"#), "{page}");

    // On: straight through enrolment and a code, no new password.
    let (_, at, page) = browser.submit(&page, "/account/two-step/on", &[]).await.page();
    assert!(at.contains("/login/sms"), "{at}");
    let (_, _, page) = browser.enrol(&page, MOBILE).await.page();
    let (status, url, page) = browser.submit_code(&page, &app.last_code()).await.page();
    assert_eq!(status, 200);
    assert!(url.ends_with("/account"), "{url}");
    assert!(page.contains("On · codes go to +44 ••• 56"), "{page}");
    assert!(app.user(PATIENT).await.two_step_enabled);

    // Next sign-in asks for a code.
    let (_, at, _) = Browser::new(&app).sign_in("/account", PATIENT, PASSWORD).await.page();
    assert!(at.contains("/login/sms"), "{at}");

    // Off: needs the password, then a fresh code to the number.
    let off = "/account/two-step/off";
    let (status, _, _) = browser.submit(&page, off, &[("current_password", "wrong password")]).await.page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let sent = app.texts().len();
    let (status, _, code_page) = browser.submit(&page, off, &[("current_password", PASSWORD)]).await.page();
    assert_eq!(status, 200);
    assert!(
        code_page.contains("Turn off two-step verification") && code_page.contains("one-time-code"),
        "{code_page}"
    );
    assert_eq!(app.texts().len(), sent + 1, "a fresh code");
    let right = app.last_code();
    let wrong = app.wrong_code();
    let verify = "/account/phone/verify";
    let (status, _, _) = browser.submit(&code_page, verify, &[("code", wrong)]).await.page();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(app.user(PATIENT).await.two_step_enabled, "still on after a wrong code");
    let (_, _, page) = browser.submit(&code_page, verify, &[("code", &right)]).await.page();
    assert!(page.contains(r#"<p id="two-step-status">Off"#), "{page}");
    let user = app.user(PATIENT).await;
    assert!(!user.two_step_enabled);
    assert_eq!(user.verified_phone(), Some("+447400123456"), "the number stays");
    let told = app.sign_in_changes(PATIENT).await;
    assert!(told[0].contains("Two-step verification was turned off"), "newest first: {told:?}");
    for change in ["Two-step verification was turned on", "Codes for signing in now go to the mobile number"]
    {
        assert!(told.iter().any(|t| t.contains(change)), "{change}: {told:?}");
    }
    assert_eq!(told.len(), 3, "on, the number, off: {told:?}");
}

#[tokio::test]
async fn turning_off_is_refused_if_the_deployment_requires_two_steps_before_the_code_arrives() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, PATIENT).await;
    let (_, _, page) = browser.submit(&page, "/account/two-step/on", &[]).await.page();
    let (_, _, page) = browser.enrol(&page, MOBILE).await.page();
    let (_, _, page) = browser.submit_code(&page, &app.last_code()).await.page();
    app.clock.advance(31);
    let (_, _, code_page) =
        browser.submit(&page, "/account/two-step/off", &[("current_password", PASSWORD)]).await.page();
    app.operator(&["deployments", "update", "default", "--mfa-required"]);
    let (status, _, body) =
        browser.submit(&code_page, "/account/phone/verify", &[("code", &app.last_code())]).await.page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("requires two-step verification"), "{body}");
    assert!(app.user(PATIENT).await.two_step_enabled);
}

#[tokio::test]
async fn a_clinician_cannot_turn_two_step_verification_off() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, CLINICIAN).await;
    assert!(page.contains("cannot be turned off"), "{page}");
    // The page shows no switch: post to it anyway.
    let (status, _, body) =
        browser.post_from(&page, "/account/two-step/off", &[("current_password", PASSWORD)]).await.page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("requires two-step verification"), "{body}");
}

#[tokio::test]
async fn changing_the_number_needs_the_password_and_a_code_to_the_new_number() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, CLINICIAN).await;
    let new_number = "+49 151 23456789";
    let change = |password| [("phone", new_number), ("current_password", password)];
    let (status, _, _) = browser.submit(&page, "/account/phone", &change("nope")).await.page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, code_page) = browser.submit(&page, "/account/phone", &change(PASSWORD)).await.page();
    assert_eq!(status, 200, "{code_page}");
    assert!(code_page.contains(r#"autocomplete="one-time-code""#));
    assert_eq!(app.texts().last().unwrap()["to"], "+4915123456789");
    let (_, url, _) =
        browser.submit(&code_page, "/account/phone/verify", &[("code", &app.last_code())]).await.page();
    assert!(url.ends_with("/account"), "{url}");
    assert_eq!(app.user(CLINICIAN).await.verified_phone(), Some("+4915123456789"));

    // Removing it is refused while the role requires two steps (the page offers no way to).
    let (status, _, body) =
        browser.post_from(&page, "/account/phone/remove", &[("current_password", PASSWORD)]).await.page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("cannot be removed"), "{body}");
}

#[tokio::test]
async fn recovery_codes_need_a_number_and_a_two_factor_session() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, PATIENT).await;
    // The page offers no recovery codes without a number: ask anyway.
    let fields = [("current_password", PASSWORD)];
    let (status, _, body) = browser.post_from(&page, "/account/recovery-codes", &fields).await.page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("add a mobile number first"), "{body}");

    // A number, but a password-only session: the second step comes first.
    let user = app.user(PATIENT).await;
    app.state.store.set_verified_phone(&user.id, "+447400123456", app.clock.now()).await.unwrap();
    let response = browser.send_from(&page, "/account/recovery-codes", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/authorize?") && location.contains("acr_values="), "{location}");
    assert_eq!(app.state.store.recovery_code_counts(&user.id).await.unwrap(), (0, 0), "no codes made");
}

#[tokio::test]
async fn two_step_switched_on_before_any_number_asks_for_one_before_anything_else() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, PATIENT).await;
    let user = app.user(PATIENT).await;
    // Switched on, and the number never added (the enrolment was left half-way).
    app.state.store.set_two_step(&user.id, true, app.clock.now()).await.unwrap();
    let sent = app.texts().len();
    // The password-only session no longer meets the account's requirements:
    // it is good for nothing but adding the number, not for turning two steps off.
    let (_, url, page) =
        browser.post_from(&page, "/account/two-step/off", &[("current_password", PASSWORD)]).await.page();
    assert!(url.contains("/login/sms?tx=") && page.contains(r#"name="phone""#), "{url}: {page}");
    assert_eq!(app.texts().len(), sent, "no number, so no code");
    assert!(app.user(PATIENT).await.two_step_enabled);
}
