//! Where the second step comes from (acr_values, essential acr, the deployment),
//! step-up in an existing session, and the limits around sending codes.

use reqwest::StatusCode;
use serde_json::json;

use crate::kit::{Browser, CARE_APP, CLINICIAN, Client, MFA, MOBILE, PATIENT, PORTAL, TestApp, deployment};

#[tokio::test]
async fn acr_values_asking_for_mfa_take_a_patient_through_enrolment_and_a_code() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    let params = app.sign_in(&CARE_APP, PATIENT).with("acr_values", MFA).with_sms_code().params().await;
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn a_password_session_steps_up_without_a_new_password() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    let params = app.sign_in(&CARE_APP, PATIENT).in_browser(&browser).params().await;
    assert!(params.contains_key("code"), "a patient needs no second step by default");
    let (status, at, page) =
        browser.visit(&app.authorize_url(&CARE_APP, &[("acr_values", MFA)])).await.page();
    assert_eq!(status, 200);
    assert!(at.contains("/login/sms"), "straight to the second step: {at}");
    let (_, _, page) = browser.enrol(&page, MOBILE).await.page();
    let params = browser.submit_code(&page, &app.last_code()).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn an_essential_phishing_resistant_acr_is_unmet() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    let claims =
        json!({"id_token": {"acr": {"essential": true, "values": ["urn:careid:acr:phishing-resistant"]}}});
    let params = app.sign_in(&CARE_APP, PATIENT).with("claims", &claims.to_string()).params().await;
    assert_eq!(params["error"], "unmet_authentication_requirements");
}

#[tokio::test]
async fn a_deployment_that_requires_mfa_makes_patients_enrol() {
    let spec = deployment(json!({"id": "default", "name": "Default", "mfa_required": true}));
    let app = TestApp::two_step(|c| c.deployments = vec![spec]).await;
    app.add_patient(PATIENT).await;
    let (_, _, page) = app.sign_in(&CARE_APP, PATIENT).visit().await.page();
    assert!(page.contains("Add your mobile number"), "{page}");
}

#[tokio::test]
async fn a_number_added_because_the_policy_asks_is_told_by_email() {
    // Whoever knows the password could otherwise add their own phone unnoticed.
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    assert!(app.sign_in_changes(CLINICIAN).await.is_empty(), "nothing before the code: {page}");
    browser.submit_code(&page, &app.last_code()).await;
    assert_eq!(app.user(CLINICIAN).await.verified_phone(), Some("+447400123456"));
    let told = app.sign_in_changes(CLINICIAN).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("Codes for signing in now go to the mobile number +44 ••• 56"), "{told:?}");
}

#[tokio::test]
async fn invalid_and_landline_numbers_are_refused() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, _, page) = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).visit().await.page();
    let (status, _, body) = browser.enrol(&page, "12345").await.page();
    assert_eq!(status, 400);
    assert!(body.contains("not a phone number"), "{body}");
    let (status, _, body) = browser.enrol(&page, "+44 20 7946 0018").await.page();
    assert_eq!(status, 400);
    assert!(body.contains("mobile number"), "{body}");
    assert!(app.texts().is_empty());
}

async fn resend(browser: &Browser, page: &str) -> (StatusCode, String) {
    let (status, _, body) = browser.resend_code(page).await.page();
    (status, body)
}

#[tokio::test]
async fn a_new_code_waits_30_seconds_and_replaces_the_old_one() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let first = app.last_code();
    let (status, body) = resend(&browser, &page).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("another in"), "{body}");
    app.clock.advance(31);
    let (status, _) = resend(&browser, &page).await;
    assert_eq!(status, 200);
    assert_eq!(app.texts().len(), 2);
    if first != app.last_code() {
        let (status, _, _) = browser.submit_code(&page, &first).await.page();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the old code is replaced");
    }
    let params = browser.submit_code(&page, &app.last_code()).await.params();
    assert!(params.contains_key("code"));
}

#[tokio::test]
async fn the_hourly_limit_per_account_answers_when_to_retry() {
    let app = TestApp::two_step(|c| c.sms.per_account_per_hour = 2).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    app.clock.advance(31);
    assert_eq!(resend(&browser, &page).await.0, 200);
    app.clock.advance(31);
    let (status, body) = resend(&browser, &page).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("try again in 60 minutes"), "{body}");
    assert_eq!(app.texts().len(), 2);
}

#[tokio::test]
async fn a_code_from_one_sign_in_does_not_work_in_another() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (first, second) = (Browser::new(&app), Browser::new(&app));
    first.to_code_page(&app.authorize_url(&PORTAL, &[]), CLINICIAN).await;
    let code_for_first = app.last_code();
    let page = second.to_code_page(&app.authorize_url(&PORTAL, &[]), CLINICIAN).await;
    if code_for_first != app.last_code() {
        let (status, _, _) = second.submit_code(&page, &code_for_first).await.page();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_client_requiring_mfa_gets_a_step_up_from_a_password_session() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    app.add_client(json!({
        "id": "records", "name": "Health Records", "public": true, "first_party": true,
        "redirect_uris": ["com.example.records:/cb"], "min_acr": MFA
    }))
    .await;
    let browser = Browser::new(&app);
    app.sign_in(&CARE_APP, PATIENT).in_browser(&browser).params().await;
    let records = Client::public("records", "com.example.records:/cb");
    let (_, at, page) = browser.visit(&app.authorize_url(&records, &[])).await.page();
    assert!(at.contains("/login/sms"), "{at}");
    let (_, _, page) = browser.enrol(&page, MOBILE).await.page();
    let params = browser.submit_code(&page, &app.last_code()).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn a_client_requiring_a_passkey_level_is_refused_with_unmet_requirements() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    app.add_client(json!({
        "id": "strict", "name": "Strict", "secret": crate::kit::PORTAL_SECRET, "first_party": true,
        "redirect_uris": ["https://strict.example/cb"], "min_acr": "urn:careid:acr:phishing-resistant"
    }))
    .await;
    let strict = Client::confidential("strict", "https://strict.example/cb", crate::kit::PORTAL_SECRET);
    let params = app.sign_in(&strict, CLINICIAN).params().await;
    assert_eq!(params["error"], "unmet_authentication_requirements");
}

#[tokio::test]
async fn repeated_wrong_codes_lock_the_second_step_durably() {
    let app = TestApp::two_step(|c| c.sms.max_failures = 3).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let wrong = app.wrong_code();
    browser.submit_code(&page, wrong).await.page();
    browser.submit_code(&page, wrong).await.page();
    let (status, _, body) = browser.submit_code(&page, wrong).await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let until = careid::i18n::datetime(careid::i18n::Lang::En, app.clock.now() + 15 * 60);
    assert!(body.contains(&format!("locked until {until}")), "{body}");
    assert_eq!(app.user(CLINICIAN).await.sms_failures, 3);
    let (status, _, _) = browser.submit_code(&page, &app.last_code()).await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right code waits for the lock");
}

#[tokio::test]
async fn the_daily_budget_per_country_stops_sms_pumping() {
    let app = TestApp::two_step(|c| c.sms.per_country_per_day = 1).await;
    app.add_clinician(CLINICIAN).await;
    app.add_patient(PATIENT).await;
    Browser::new(&app).to_code_page(&app.authorize_url(&PORTAL, &[]), CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, _, page) =
        app.sign_in(&CARE_APP, PATIENT).with("acr_values", MFA).in_browser(&browser).visit().await.page();
    let (status, _, body) = browser.enrol(&page, "+44 7400 654321").await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("try again in 1440 minutes"), "{body}");
    assert_eq!(app.texts().len(), 1);
}

#[tokio::test]
async fn a_provider_failure_shows_a_retry_page_and_keeps_no_code() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let app = TestApp::two_step(|c| {
        c.sms.provider = Some(careid::factors::sms::ProviderConfig::Vonage {
            api_key: "k".into(),
            api_secret: careid::secret::Secret::new("s"),
            from: "careid".into(),
            base_url: base.parse().unwrap(),
        })
    })
    .await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, _, page) = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).visit().await.page();
    let (status, _, body) = browser.enrol(&page, MOBILE).await.page();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("could not be sent"), "{body}");
}

#[tokio::test]
async fn the_hourly_limit_per_number_spans_accounts() {
    let app = TestApp::two_step(|c| c.sms.per_number_per_hour = 1).await;
    app.add_clinician(CLINICIAN).await;
    app.add_clinician("nurse@example.com").await;
    Browser::new(&app).to_code_page(&app.authorize_url(&PORTAL, &[]), CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, _, page) = app.sign_in(&PORTAL, "nurse@example.com").in_browser(&browser).visit().await.page();
    let (status, _, body) = browser.enrol(&page, MOBILE).await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("try again in 60 minutes"), "{body}");
    let (status, _, _) = browser.enrol(&page, "+44 7400 654321").await.page();
    assert_eq!(status, 200, "another number is not limited");
    assert_eq!(app.texts().len(), 2);
}

#[tokio::test]
async fn the_hourly_limit_per_ip_spans_accounts_and_numbers() {
    let app = TestApp::two_step(|c| c.sms.per_ip_per_hour = 2).await;
    let people = ["a@example.com", "b@example.com", "c@example.com"];
    for email in people {
        app.add_clinician(email).await;
    }
    let numbers = ["+44 7400 100001", "+44 7400 100002", "+44 7400 100003"];
    let mut statuses = Vec::new();
    for (email, number) in people.iter().zip(numbers) {
        let browser = Browser::new(&app);
        let (_, _, page) = app.sign_in(&PORTAL, email).in_browser(&browser).visit().await.page();
        statuses.push(browser.enrol(&page, number).await.page().0);
    }
    assert_eq!(statuses, [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]);
    let user = app.user("c@example.com").await;
    let events = app.state.store.audit_events(Some(&user.id), 10).await.unwrap();
    let limited = events.iter().find(|e| e.kind == "sms.limited").expect("audited");
    assert!(limited.detail.as_deref().unwrap().contains(r#""limit":"ip""#), "{:?}", limited.detail);
}

#[tokio::test]
async fn prompt_login_asks_for_the_password_and_a_fresh_code() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).with_sms_code().params().await;
    let again = app.authorize_url(&PORTAL, &[("prompt", "login")]);
    let (_, at, _) = browser.visit(&again).await.page();
    assert!(at.contains("/login?tx="), "the password again: {at}");
    let page = browser.to_code_page(&again, CLINICIAN).await;
    assert_eq!(app.texts().len(), 2, "and a new code");
    let params = browser.submit_code(&page, &app.last_code()).await.params();
    assert!(params.contains_key("code"));
}

#[tokio::test]
async fn max_age_re_authenticates_both_factors_of_an_old_session() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).with_sms_code().params().await;
    let max_age = app.authorize_url(&PORTAL, &[("max_age", "600")]);
    let params = browser.visit(&max_age).await.params();
    assert!(params.contains_key("code"), "a fresh session is reused");
    app.clock.advance(601);
    let (_, at, _) = browser.visit(&max_age).await.page();
    assert!(at.contains("/login?tx="), "{at}");
    let page = browser.to_code_page(&max_age, CLINICIAN).await;
    assert_eq!(app.texts().len(), 2);
    let params = browser.submit_code(&page, &app.last_code()).await.params();
    assert!(params.contains_key("code"));
}
