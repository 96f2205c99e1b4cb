//! Signing in with two steps: the clinician journey with a code from the SMS
//! outbox, enrolment, step-up, the policy sources, and the code's rejections.

use careid::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::browser::{Browser, Visit, hidden};
use crate::flows::{
    APP_REDIRECT, CLINICIAN, PASSWORD, PORTAL, PORTAL_REDIRECT, add_app_client, add_portal_client, exchange,
    serde_urlencoded,
};
use crate::helpers::TestApp;

pub const MOBILE: &str = "+44 7400 123456";

/// careid with the default role rule (clinicians and admins need two steps) and the Portal.
pub async fn spawn(adjust: impl FnOnce(&mut careid::config::Config)) -> TestApp {
    let app = TestApp::spawn_with(|c| {
        c.mfa.required_roles = vec![Role::Clinician, Role::Admin];
        adjust(c);
    })
    .await;
    add_portal_client(&app, json!({})).await;
    add_app_client(&app).await;
    app
}

/// Every text in the outbox, oldest first.
pub fn texts(app: &TestApp) -> Vec<Value> {
    let path = app.state.config.data_dir.join("outbox").join("sms.jsonl");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The code of the last text, read from its origin-bound last line.
pub fn last_code(app: &TestApp) -> String {
    let all = texts(app);
    let text = all.last().expect("a text was sent")["text"].as_str().unwrap().to_string();
    let last = text.lines().last().unwrap();
    last.strip_prefix("@localhost #").unwrap_or_else(|| panic!("not origin-bound: {last}")).to_string()
}

pub fn portal_url(app: &TestApp, extra: &[(&str, &str)]) -> String {
    let mut query = vec![
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid"),
    ];
    query.extend_from_slice(extra);
    format!("{}/authorize?{}", app.base, serde_urlencoded(&query))
}

pub fn app_url(app: &TestApp, extra: &[(&str, &str)]) -> String {
    let mut query = vec![
        ("response_type", "code"),
        ("client_id", "app"),
        ("redirect_uri", APP_REDIRECT),
        ("scope", "openid"),
        ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
        ("code_challenge_method", "S256"),
    ];
    query.extend_from_slice(extra);
    format!("{}/authorize?{}", app.base, serde_urlencoded(&query))
}

/// Submits `code` on the code page `page`; past the recovery codes shown the first time.
pub async fn submit_code(browser: &Browser, page: &str, code: &str) -> Visit {
    match submit_code_only(browser, page, code).await {
        Visit::Page { body, .. } if body.contains(r#"id="recovery-codes""#) => {
            browser.visit(&continue_link(&body)).await
        }
        visit => visit,
    }
}

/// Submits `code` on the code page `page`, and stops at whatever comes next.
pub async fn submit_code_only(browser: &Browser, page: &str, code: &str) -> Visit {
    let (tx, csrf) = (hidden(page, "tx"), hidden(page, "csrf"));
    browser.post_form("/login/sms", &[("tx", &tx), ("csrf", &csrf), ("code", code)]).await
}

/// The "continue" link of the page that shows recovery codes.
pub fn continue_link(page: &str) -> String {
    let start = page.find(r#"id="recovery-continue" class="button" href=""#).expect("a continue link");
    let rest = &page[start..];
    let href = &rest[rest.find("href=\"").unwrap() + 6..];
    href[..href.find('"').unwrap()].replace("&amp;", "&")
}

/// The recovery codes on the page that shows them.
pub fn recovery_codes_on(page: &str) -> Vec<String> {
    page.split("<li><code>").skip(1).map(|s| s[..s.find("</code>").unwrap()].to_string()).collect()
}

pub async fn enrol(browser: &Browser, page: &str, phone: &str) -> Visit {
    let (tx, csrf) = (hidden(page, "tx"), hidden(page, "csrf"));
    browser.post_form("/login/phone", &[("tx", &tx), ("csrf", &csrf), ("phone", phone)]).await
}

/// Signs `email` in with the password and lands on the code page (enrolling `MOBILE` if asked).
pub async fn to_code_page(app: &TestApp, browser: &Browser, url: &str, email: &str) -> String {
    let (status, at, page) = browser.sign_in(url, email, PASSWORD).await.page();
    assert_eq!(status, 200, "{page}");
    let page = if at.contains("/login/sms") && page.contains("name=\"phone\"") {
        let (status, _, page) = enrol(browser, &page, MOBILE).await.page();
        assert_eq!(status, 200, "{page}");
        page
    } else {
        page
    };
    assert!(page.contains("2 Step Verification"), "{page}");
    assert!(!texts(app).is_empty(), "a code was sent");
    page
}

fn id_token_claims(app: &TestApp, tokens: &Value) -> Value {
    app.state.keyring.verify(tokens["id_token"].as_str().unwrap(), &app.base, None).unwrap()
}

#[tokio::test]
async fn a_clinician_enrols_a_phone_and_gets_a_multi_factor_id_token() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let (_, at, page) = browser.sign_in(&portal_url(&app, &[]), CLINICIAN, PASSWORD).await.page();
    assert!(at.contains("/login/sms?tx="), "{at}");
    assert!(page.contains("Add your mobile number"), "{page}");
    let (_, _, page) = enrol(&browser, &page, MOBILE).await.page();
    assert!(page.contains(r#"autocomplete="one-time-code""#) && page.contains(r#"inputmode="numeric""#));
    assert_eq!(texts(&app)[0]["to"], "+447400123456");
    let params = submit_code(&browser, &page, &last_code(&app)).await.params();
    let tokens = exchange(&app, &params["code"], PORTAL_REDIRECT, PORTAL.unwrap()).await;
    let claims = id_token_claims(&app, &tokens);
    assert_eq!(claims["acr"], "urn:careid:acr:mfa");
    assert_eq!(claims["amr"], json!(["pwd", "sms", "mfa"]));
    let user = app.state.store.user_by_email(CLINICIAN).await.unwrap().unwrap();
    assert_eq!(user.verified_phone(), Some("+447400123456"));

    // Next time: email, password, code; no enrolment.
    let again = Browser::new(&app);
    let (_, at, page) = again.sign_in(&portal_url(&app, &[]), CLINICIAN, PASSWORD).await.page();
    assert!(at.contains("/login/sms") && page.contains("2 Step Verification"), "{page}");
    assert_eq!(texts(&app).len(), 2);
    let params = submit_code(&again, &page, &last_code(&app)).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn five_wrong_codes_void_the_code() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    let right = last_code(&app);
    let wrong = if right == "000000" { "111111" } else { "000000" };
    for tries_left in (1..5).rev() {
        let (status, _, body) = submit_code(&browser, &page, wrong).await.page();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains(&format!("{tries_left} more tries")), "{body}");
    }
    let (status, _, body) = submit_code(&browser, &page, wrong).await.page();
    assert_eq!(status, 400, "{body}");
    let (status, _, body) = submit_code(&browser, &page, &right).await.page();
    assert_eq!(status, 400, "the voided code no longer works: {body}");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    app.clock.advance(301);
    let (status, _, body) = submit_code(&browser, &page, &last_code(&app)).await.page();
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("can no longer be used"), "{body}");
}

#[tokio::test]
async fn a_used_code_cannot_be_replayed() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    let code = last_code(&app);
    submit_code(&browser, &page, &code).await.params();
    let (status, _, _) = submit_code(&browser, &page, &code).await.page();
    assert_eq!(status, 400);
}

#[tokio::test]
async fn concurrent_submissions_of_one_right_code_succeed_once() {
    let app = spawn(|_| {}).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    let code = last_code(&app);
    let form = vec![("tx", hidden(&page, "tx")), ("csrf", hidden(&page, "csrf")), ("code", code)];
    let mut handles = Vec::new();
    for _ in 0..8 {
        let (http, url, form) = (browser.http.clone(), app.url("/login/sms"), form.clone());
        handles.push(tokio::spawn(async move { http.post(url).form(&form).send().await.unwrap().status() }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    // The one success shows the new recovery codes (this is the first second step).
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::BAD_REQUEST).count();
    assert_eq!((ok, refused), (1, 7), "{statuses:?}");
}

#[tokio::test]
async fn the_seeds_clinician_journey_adds_the_phone_at_sign_up_and_a_code_at_every_sign_in() {
    use careid::accounts::Email;
    use careid::audit::Origin;
    use careid::onboarding::invitations::{self, Inviter};

    let app = spawn(|_| {}).await;
    let email = Email::parse(CLINICIAN).unwrap();
    let (_, token) = invitations::create(
        &app.state,
        &Inviter::Operator,
        Role::Clinician,
        "default",
        Some(email),
        &Origin::default(),
    )
    .await
    .unwrap();
    let link = invitations::link(&app.state, &token);
    let fields = [("given_name", "Grace"), ("family_name", "Hopper"), ("password", PASSWORD)];
    let (browser, response) = crate::invitations::sign_up(&app, &link, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();

    // Sign-up goes on to the mobile number and its code, then the recovery codes.
    let (_, at, page) = browser.visit(&location).await.page();
    assert!(at.contains("/login/sms") && page.contains("Add your mobile number"), "{at}: {page}");
    let (_, _, page) = enrol(&browser, &page, MOBILE).await.page();
    let (status, _, page) = submit_code_only(&browser, &page, &last_code(&app)).await.page();
    assert_eq!(status, 200);
    assert_eq!(recovery_codes_on(&page).len(), 10);
    let (_, at, _) = browser.visit(&continue_link(&page)).await.page();
    assert!(at.ends_with("/account"), "{at}");

    // The Clinician Portal: email, password, code.
    let portal = Browser::new(&app);
    let page = to_code_page(&app, &portal, &portal_url(&app, &[]), CLINICIAN).await;
    let params = submit_code(&portal, &page, &last_code(&app)).await.params();
    let tokens = exchange(&app, &params["code"], PORTAL_REDIRECT, PORTAL.unwrap()).await;
    let claims = id_token_claims(&app, &tokens);
    assert_eq!(
        (claims["acr"].as_str(), claims["amr"].clone()),
        (Some("urn:careid:acr:mfa"), json!(["pwd", "sms", "mfa"]))
    );
    assert_eq!(texts(&app).len(), 2, "one code at sign-up, one at sign-in");
}
