//! Recovery codes: ten shown once when two steps are first set up, each signs
//! in once in place of an SMS code (audited, emailed), a new set voids the old,
//! and neither a password reset nor an operator's reset-mfa collapses two
//! factors into one.

use reqwest::StatusCode;
use serde_json::json;

use crate::kit::sms::recovery_codes_on;
use crate::kit::{Browser, CLINICIAN, MFA, MOBILE, PASSWORD, PORTAL, TestApp, Visit};

/// A clinician who enrolled `MOBILE` at their first sign-in; the codes shown then.
async fn enrolled_clinician(app: &TestApp) -> Vec<String> {
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let (status, _, page) = browser.submit_code_only(&page, &app.last_code()).await.page();
    assert_eq!(status, 200);
    assert!(page.contains("Save your recovery codes"), "{page}");
    recovery_codes_on(&page)
}

/// Signs in with the password and submits `code` on the recovery-code form.
async fn sign_in_with_recovery_code(app: &TestApp, browser: &Browser, code: &str) -> Visit {
    let page = browser.to_code_page(&app.authorize_url(&PORTAL, &[]), CLINICIAN).await;
    let (status, _, form) = browser.click(&page, "use-recovery-code").await.page();
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="use-recovery-code""#), "the code page offers recovery: {page}");
    browser.submit(&form, "/login/recovery", &[("code", code)]).await
}

#[tokio::test]
async fn the_first_second_step_shows_ten_codes_once_and_continues() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let (_, _, page) = browser.submit_code_only(&page, &app.last_code()).await.page();
    let codes = recovery_codes_on(&page);
    assert_eq!(codes.len(), 10, "{page}");
    assert!(codes.iter().all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'), "{codes:?}");
    let unique: std::collections::HashSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), 10);
    let params = browser.click(&page, "recovery-continue").await.params();
    assert!(params.contains_key("code"), "{params:?}");
    let user = app.user(CLINICIAN).await;
    assert_eq!(app.state.store.recovery_code_counts(&user.id).await.unwrap(), (10, 10));

    // The next sign-in's code goes straight through: the codes are never shown again.
    let (again, page) = app.at_portal_code_page(CLINICIAN).await;
    let visit = again.submit_code_only(&page, &app.last_code()).await;
    assert!(visit.params().contains_key("code"));
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_in_place_of_the_sms_code() {
    let app = TestApp::two_step(|_| {}).await;
    let codes = enrolled_clinician(&app).await;
    let browser = Browser::new(&app);
    // Typed loosely: upper case, spaces, no dash.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let params = sign_in_with_recovery_code(&app, &browser, &typed).await.params();
    let tokens = app.exchange(&PORTAL, &params["code"]).await;
    let claims = app.id_claims(&tokens);
    assert_eq!(claims["acr"], MFA);
    assert_eq!(claims["amr"], json!(["pwd", "mfa"]), "a recovery code is no SMS");

    let user = app.user(CLINICIAN).await;
    assert_eq!(app.state.store.recovery_code_counts(&user.id).await.unwrap(), (10, 9));
    let events = app.state.store.audit_events(Some(&user.id), 50).await.unwrap();
    let used = events.iter().find(|e| e.kind == "recovery_code.used").expect("audited");
    assert!(used.detail.as_deref().unwrap().contains(r#""left":9"#), "{:?}", used.detail);
    let emails = app.wait_for_emails(1).await;
    assert!(
        emails.iter().any(|e| e.recipient == CLINICIAN && e.subject == "A recovery code was used to sign in")
    );

    // The same code again, in a new sign-in.
    let (status, _, body) = sign_in_with_recovery_code(&app, &Browser::new(&app), &codes[3]).await.page();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("has been used already"), "{body}");
}

#[tokio::test]
async fn wrong_recovery_codes_count_towards_the_durable_lock() {
    let app = TestApp::two_step(|c| c.sms.max_failures = 3).await;
    let codes = enrolled_clinician(&app).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    for _ in 0..2 {
        let (status, _, _) = browser.submit_recovery_code(&page, "zzzzz-zzzzz").await.page();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, body) = browser.submit_recovery_code(&page, "zzzzz-zzzzz").await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let until = careid::i18n::datetime(careid::i18n::Lang::En, app.clock.now() + 15 * 60);
    assert!(body.contains(&format!("locked until {until}")), "{body}");
    let (status, _, _) = browser.submit_recovery_code(&page, &codes[0]).await.page();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even a right code waits for the lock");
    let user = app.user(CLINICIAN).await;
    let kinds: Vec<String> =
        app.state.store.audit_events(Some(&user.id), 50).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&"recovery_code.failure".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"second_factor.locked".to_string()), "{kinds:?}");
}

#[tokio::test]
async fn concurrent_uses_of_one_recovery_code_succeed_once() {
    let app = TestApp::two_step(|_| {}).await;
    let codes = enrolled_clinician(&app).await;
    let mut forms = Vec::new();
    for _ in 0..4 {
        let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
        let mut form = crate::kit::forms::binding(&page);
        form.push(("code".to_string(), codes[0].clone()));
        forms.push((browser.http.clone(), form));
    }
    let mut handles = Vec::new();
    for (http, form) in forms {
        let url = app.url("/login/recovery");
        handles.push(tokio::spawn(async move { http.post(url).form(&form).send().await.unwrap().status() }));
    }
    let statuses = crate::kit::join_all(handles).await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!((ok, refused), (1, 3), "{statuses:?}");
}

#[tokio::test]
async fn a_new_set_from_the_account_page_voids_the_old_one() {
    let app = TestApp::two_step(|_| {}).await;
    let old = enrolled_clinician(&app).await;
    let browser = Browser::new(&app);
    let (_, _, login) = browser.visit("/account").await.page();
    let (_, _, page) = browser.login(&login, CLINICIAN, PASSWORD).await.page();
    let (_, url, account) = browser.submit_code(&page, &app.last_code()).await.page();
    assert!(url.ends_with("/account"), "{url}");
    assert!(account.contains(r#"<p id="recovery-status">10 of 10 codes unused"#), "{account}");

    let (status, _, body) = browser
        .submit(&account, "/account/recovery-codes", &[("current_password", "not my password")])
        .await
        .page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Your password is not right"), "{body}");
    let (status, _, body) =
        browser.submit(&account, "/account/recovery-codes", &[("current_password", PASSWORD)]).await.page();
    assert_eq!(status, 200);
    let new = recovery_codes_on(&body);
    assert_eq!(new.len(), 10);
    let told = app.sign_in_changes(CLINICIAN).await;
    assert!(told.iter().any(|t| t.contains("A new set of recovery codes")), "{told:?}");
    assert!(new.iter().all(|c| !old.contains(c)));

    let (status, _, _) = sign_in_with_recovery_code(&app, &Browser::new(&app), &old[0]).await.page();
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old set is void");
    let params = sign_in_with_recovery_code(&app, &Browser::new(&app), &new[0]).await.params();
    assert!(params.contains_key("code"));
}

#[tokio::test]
async fn a_password_reset_still_asks_for_the_second_factor() {
    let app = TestApp::two_step(|_| {}).await;
    enrolled_clinician(&app).await;
    let sent_before = app.texts().len();
    app.forgot_password(CLINICIAN).await;
    let link = app.link_mailed_to(CLINICIAN).await;
    let new_password = "a brand new passphrase";
    let (status, body) = app.reset_password(&link, new_password).await;
    assert_eq!(status, 200, "{body}");
    let (_, at, page) = app.sign_in(&PORTAL, CLINICIAN).password(new_password).visit().await.page();
    assert!(at.contains("/login/sms") && page.contains("2 Step Verification"), "{at}: {page}");
    assert_eq!(app.texts().len(), sent_before + 1, "a code went to the phone");
}

#[tokio::test]
async fn reset_mfa_forgets_the_phone_and_codes_and_forces_a_new_enrolment() {
    let app = TestApp::two_step(|_| {}).await;
    let codes = enrolled_clinician(&app).await;
    let user = app.user(CLINICIAN).await;
    let printed = app.operator(&["users", "reset-mfa", CLINICIAN]);
    assert!(printed.contains("second factors reset"), "{printed}");

    let user_after = app.user(CLINICIAN).await;
    assert_eq!(user_after.verified_phone(), None);
    assert!(user_after.sessions_valid_after >= user.created_at);
    assert_eq!(app.state.store.recovery_code_counts(&user.id).await.unwrap(), (0, 0));
    let events = app.state.store.audit_events(Some(&user.id), 50).await.unwrap();
    let reset = events.iter().find(|e| e.kind == "mfa.reset").expect("audited");
    assert_eq!(reset.actor, None, "the operator");
    let told = app.sign_in_changes(CLINICIAN).await;
    assert!(told.iter().any(|t| t.contains("were removed by the service operator")), "{told:?}");

    // Password alone is not enough: the phone page, then a code to the new number.
    let browser = Browser::new(&app);
    let (_, at, page) = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).visit().await.page();
    assert!(at.contains("/login/sms") && page.contains("Add your mobile number"), "{page}");
    let (status, _, body) = browser.submit_recovery_code(&page, &codes[0]).await.page();
    assert_eq!(status, StatusCode::UNAUTHORIZED, "old recovery codes are gone: {body}");
    let (_, _, page) = browser.enrol(&page, MOBILE).await.page();
    let (status, _, page) = browser.submit_code_only(&page, &app.last_code()).await.page();
    assert_eq!(status, 200);
    assert_eq!(recovery_codes_on(&page).len(), 10, "a fresh set");
}

#[tokio::test]
async fn the_recovery_form_refuses_stale_and_malformed_posts() {
    let app = TestApp::two_step(|_| {}).await;
    enrolled_clinician(&app).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let (status, _, _) = browser
        .post_from(&page, "/login/recovery", &[("csrf", "forged"), ("code", "aaaaa-aaaaa")])
        .await
        .page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = browser
        .post_form("/login/recovery", &[("tx", "no-such-tx"), ("csrf", "x"), ("code", "x")])
        .await
        .page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let long = "a".repeat(10_000);
    let (status, _, _) = browser.submit_recovery_code(&page, &long).await.page();
    assert_eq!(status, StatusCode::UNAUTHORIZED, "an oversized code is just wrong");
    let response = browser.http.post(app.url("/login/recovery")).body("%%%").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
