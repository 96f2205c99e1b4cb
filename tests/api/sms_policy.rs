//! Where the second step comes from (acr_values, essential acr, the deployment),
//! step-up in an existing session, and the limits around sending codes.

use careid::accounts::Role;
use careid::onboarding::deployments::DeploymentSpec;
use reqwest::StatusCode;
use serde_json::json;

use crate::browser::{Browser, hidden};
use crate::flows::{CLINICIAN, PASSWORD, PATIENT};
use crate::sms_signin::{
    MOBILE, app_url, enrol, last_code, portal_url, spawn, submit_code, texts, to_code_page,
};

const MFA: &str = "urn:careid:acr:mfa";

#[tokio::test]
async fn acr_values_asking_for_mfa_take_a_patient_through_enrolment_and_a_code() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &app_url(&app, &[("acr_values", MFA)]), PATIENT).await;
    let params = submit_code(&browser, &page, &last_code(&app)).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn a_password_session_steps_up_without_a_new_password() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let params = browser.sign_in(&app_url(&app, &[]), PATIENT, PASSWORD).await.params();
    assert!(params.contains_key("code"), "a patient needs no second step by default");
    let (status, at, page) = browser.visit(&app_url(&app, &[("acr_values", MFA)])).await.page();
    assert_eq!(status, 200);
    assert!(at.contains("/login/sms"), "straight to the second step: {at}");
    let (_, _, page) = enrol(&browser, &page, MOBILE).await.page();
    let params = submit_code(&browser, &page, &last_code(&app)).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn an_essential_phishing_resistant_acr_is_unmet() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let claims =
        json!({"id_token": {"acr": {"essential": true, "values": ["urn:careid:acr:phishing-resistant"]}}});
    let url = app_url(&app, &[("claims", &claims.to_string())]);
    let params = Browser::new(&app).sign_in(&url, PATIENT, PASSWORD).await.params();
    assert_eq!(params["error"], "unmet_authentication_requirements");
}

#[tokio::test]
async fn a_deployment_that_requires_mfa_makes_patients_enrol() {
    let spec: DeploymentSpec =
        serde_json::from_value(json!({"id": "default", "name": "Default", "mfa_required": true})).unwrap();
    let app = spawn(|c| c.deployments = vec![spec]).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.sign_in(&app_url(&app, &[]), PATIENT, PASSWORD).await.page();
    assert!(page.contains("Add your mobile number"), "{page}");
}

#[tokio::test]
async fn invalid_and_landline_numbers_are_refused() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.sign_in(&portal_url(&app, &[]), CLINICIAN, PASSWORD).await.page();
    let (status, _, body) = enrol(&browser, &page, "12345").await.page();
    assert_eq!(status, 400);
    assert!(body.contains("not a phone number"), "{body}");
    let (status, _, body) = enrol(&browser, &page, "+44 20 7946 0018").await.page();
    assert_eq!(status, 400);
    assert!(body.contains("mobile number"), "{body}");
    assert!(texts(&app).is_empty());
}

async fn resend(browser: &Browser, page: &str) -> (StatusCode, String) {
    let (tx, csrf) = (hidden(page, "tx"), hidden(page, "csrf"));
    let (status, _, body) =
        browser.post_form("/login/sms/resend", &[("tx", &tx), ("csrf", &csrf)]).await.page();
    (status, body)
}

#[tokio::test]
async fn a_new_code_waits_30_seconds_and_replaces_the_old_one() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    let first = last_code(&app);
    let (status, body) = resend(&browser, &page).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("another in"), "{body}");
    app.clock.advance(31);
    let (status, _) = resend(&browser, &page).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&app).len(), 2);
    if first != last_code(&app) {
        let (status, _, _) = submit_code(&browser, &page, &first).await.page();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the old code is replaced");
    }
    let params = submit_code(&browser, &page, &last_code(&app)).await.params();
    assert!(params.contains_key("code"));
}

#[tokio::test]
async fn the_hourly_limit_per_account_answers_when_to_retry() {
    let app = spawn(|c| c.sms.per_account_per_hour = 2).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    app.clock.advance(31);
    assert_eq!(resend(&browser, &page).await.0, 200);
    app.clock.advance(31);
    let (status, body) = resend(&browser, &page).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("try again in 60 minutes"), "{body}");
    assert_eq!(texts(&app).len(), 2);
}

#[tokio::test]
async fn a_code_from_one_sign_in_does_not_work_in_another() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let (first, second) = (Browser::new(&app), Browser::new(&app));
    to_code_page(&app, &first, &portal_url(&app, &[]), CLINICIAN).await;
    let code_for_first = last_code(&app);
    let page = to_code_page(&app, &second, &portal_url(&app, &[]), CLINICIAN).await;
    if code_for_first != last_code(&app) {
        let (status, _, _) = submit_code(&second, &page, &code_for_first).await.page();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_client_requiring_mfa_gets_a_step_up_from_a_password_session() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    app.add_client(json!({
        "id": "records", "name": "Health Records", "public": true, "first_party": true,
        "redirect_uris": ["com.example.records:/cb"], "min_acr": MFA
    }))
    .await;
    let browser = Browser::new(&app);
    browser.sign_in(&app_url(&app, &[]), PATIENT, PASSWORD).await.params();
    let query = [
        ("response_type", "code"),
        ("client_id", "records"),
        ("redirect_uri", "com.example.records:/cb"),
        ("scope", "openid"),
        ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
        ("code_challenge_method", "S256"),
    ];
    let url = format!("{}/authorize?{}", app.base, crate::flows::serde_urlencoded(&query));
    let (_, at, page) = browser.visit(&url).await.page();
    assert!(at.contains("/login/sms"), "{at}");
    let (_, _, page) = enrol(&browser, &page, MOBILE).await.page();
    let params = submit_code(&browser, &page, &last_code(&app)).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn a_client_requiring_a_passkey_level_is_refused_with_unmet_requirements() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    app.add_client(json!({
        "id": "strict", "name": "Strict", "secret": crate::flows::PORTAL_SECRET, "first_party": true,
        "redirect_uris": ["https://strict.example/cb"], "min_acr": "urn:careid:acr:phishing-resistant"
    }))
    .await;
    let query = [
        ("response_type", "code"),
        ("client_id", "strict"),
        ("redirect_uri", "https://strict.example/cb"),
        ("scope", "openid"),
    ];
    let url = format!("{}/authorize?{}", app.base, crate::flows::serde_urlencoded(&query));
    let params = Browser::new(&app).sign_in(&url, CLINICIAN, PASSWORD).await.params();
    assert_eq!(params["error"], "unmet_authentication_requirements");
}

#[tokio::test]
async fn repeated_wrong_codes_lock_the_second_step_durably() {
    let app = spawn(|c| c.sms.max_failures = 3).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    let wrong = if last_code(&app) == "000000" { "111111" } else { "000000" };
    submit_code(&browser, &page, wrong).await.page();
    submit_code(&browser, &page, wrong).await.page();
    let (status, _, body) = submit_code(&browser, &page, wrong).await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("locked for 15 minutes"), "{body}");
    let user = app.state.store.user_by_email(CLINICIAN).await.unwrap().unwrap();
    assert_eq!(user.sms_failures, 3);
    let (status, _, _) = submit_code(&browser, &page, &last_code(&app)).await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right code waits for the lock");
}

#[tokio::test]
async fn the_daily_budget_per_country_stops_sms_pumping() {
    let app = spawn(|c| c.sms.per_country_per_day = 1).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    to_code_page(&app, &Browser::new(&app), &portal_url(&app, &[]), CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, _, page) =
        browser.sign_in(&app_url(&app, &[("acr_values", MFA)]), PATIENT, PASSWORD).await.page();
    let (status, _, body) = enrol(&browser, &page, "+44 7400 654321").await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("try again in 1440 minutes"), "{body}");
    assert_eq!(texts(&app).len(), 1);
}

#[tokio::test]
async fn a_provider_failure_shows_a_retry_page_and_keeps_no_code() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let app = spawn(|c| {
        c.sms.provider = Some(careid::factors::sms::ProviderConfig::Vonage {
            api_key: "k".into(),
            api_secret: careid::secret::Secret::new("s"),
            from: "careid".into(),
            base_url: base.parse().unwrap(),
        })
    })
    .await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.sign_in(&portal_url(&app, &[]), CLINICIAN, PASSWORD).await.page();
    let (status, _, body) = enrol(&browser, &page, MOBILE).await.page();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("could not be sent"), "{body}");
}

#[tokio::test]
async fn the_hourly_limit_per_number_spans_accounts() {
    let app = spawn(|c| c.sms.per_number_per_hour = 1).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    app.add_user("nurse@example.com", PASSWORD, Role::Clinician).await;
    to_code_page(&app, &Browser::new(&app), &portal_url(&app, &[]), CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.sign_in(&portal_url(&app, &[]), "nurse@example.com", PASSWORD).await.page();
    let (status, _, body) = enrol(&browser, &page, MOBILE).await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("try again in 60 minutes"), "{body}");
    let (status, _, _) = enrol(&browser, &page, "+44 7400 654321").await.page();
    assert_eq!(status, 200, "another number is not limited");
    assert_eq!(texts(&app).len(), 2);
}

#[tokio::test]
async fn the_hourly_limit_per_ip_spans_accounts_and_numbers() {
    let app = spawn(|c| c.sms.per_ip_per_hour = 2).await;
    let people = ["a@example.com", "b@example.com", "c@example.com"];
    for email in people {
        app.add_user(email, PASSWORD, Role::Clinician).await;
    }
    let numbers = ["+44 7400 100001", "+44 7400 100002", "+44 7400 100003"];
    let mut statuses = Vec::new();
    for (email, number) in people.iter().zip(numbers) {
        let browser = Browser::new(&app);
        let (_, _, page) = browser.sign_in(&portal_url(&app, &[]), email, PASSWORD).await.page();
        statuses.push(enrol(&browser, &page, number).await.page().0);
    }
    assert_eq!(statuses, [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS]);
    let user = app.state.store.user_by_email("c@example.com").await.unwrap().unwrap();
    let events = app.state.store.audit_events(Some(&user.id), 10).await.unwrap();
    let limited = events.iter().find(|e| e.kind == "sms.limited").expect("audited");
    assert!(limited.detail.as_deref().unwrap().contains(r#""limit":"ip""#), "{:?}", limited.detail);
}

#[tokio::test]
async fn prompt_login_asks_for_the_password_and_a_fresh_code() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    submit_code(&browser, &page, &last_code(&app)).await.params();
    let (_, at, _) = browser.visit(&portal_url(&app, &[("prompt", "login")])).await.page();
    assert!(at.contains("/login?tx="), "the password again: {at}");
    let page = to_code_page(&app, &browser, &portal_url(&app, &[("prompt", "login")]), CLINICIAN).await;
    assert_eq!(texts(&app).len(), 2, "and a new code");
    let params = submit_code(&browser, &page, &last_code(&app)).await.params();
    assert!(params.contains_key("code"));
}

#[tokio::test]
async fn max_age_re_authenticates_both_factors_of_an_old_session() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    submit_code(&browser, &page, &last_code(&app)).await.params();
    let params = browser.visit(&portal_url(&app, &[("max_age", "600")])).await.params();
    assert!(params.contains_key("code"), "a fresh session is reused");
    app.clock.advance(601);
    let (_, at, _) = browser.visit(&portal_url(&app, &[("max_age", "600")])).await.page();
    assert!(at.contains("/login?tx="), "{at}");
    let page = to_code_page(&app, &browser, &portal_url(&app, &[("max_age", "600")]), CLINICIAN).await;
    assert_eq!(texts(&app).len(), 2);
    let params = submit_code(&browser, &page, &last_code(&app)).await.params();
    assert!(params.contains_key("code"));
}
