//! Login CSRF and cross-site forms: a sign-in belongs to the browser that
//! started it, and careid's forms are answered only when its own pages sent them.

use reqwest::StatusCode;
use serde_json::json;

use crate::kit::forms::fill;
use crate::kit::{Browser, PASSWORD, PORTAL, TestApp};

const ATTACKER: &str = "mallory@example.com";
const EVIL: &str = "https://evil.example";

async fn setup() -> TestApp {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    app.add_clinician(ATTACKER).await;
    app
}

/// The attacker's own login form, filled in and bound to the attacker's browser.
async fn attackers_login_form(app: &TestApp) -> (Browser, Vec<(String, String)>) {
    let attacker = Browser::new(app);
    let (_, _, page) = attacker.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    let form = fill(&page, "/login", &[("email", ATTACKER), ("password", PASSWORD)]);
    (attacker, form)
}

/// The value of `name` in `form`.
fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    &form.iter().find(|(n, _)| n == name).unwrap().1
}

fn sets_a_session(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("careid_session="))
}

#[tokio::test]
async fn the_attackers_sign_in_is_worth_nothing_in_the_victims_browser() {
    let app = setup().await;
    let (_, form) = attackers_login_form(&app).await;
    let tx = field(&form, "tx");
    let victim = Browser::new(&app);
    // No Origin at all (an old browser, or a form the victim was tricked into
    // submitting by hand): the transaction is another browser's, so it is unknown here.
    let response = victim.http.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(!sets_a_session(&response));
    assert!(response.text().await.unwrap().contains("This sign-in has expired"));
    // Nor can the victim's browser be walked through the rest of it.
    let (status, _, _) = victim.visit(&format!("/authorize/continue?tx={tx}")).await.page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = victim.visit(&format!("/login?tx={tx}")).await.page();
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_login_form_posted_from_another_site_is_refused_before_anything_happens() {
    let app = setup().await;
    let (attacker, form) = attackers_login_form(&app).await;
    for (name, value) in [("origin", EVIL), ("origin", "null"), ("sec-fetch-site", "cross-site")] {
        let response =
            attacker.http.post(app.url("/login")).header(name, value).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        assert!(!sets_a_session(&response));
        assert!(response.text().await.unwrap().contains("This form came from another site"));
    }
    assert_eq!(app.user(ATTACKER).await.failed_logins, 0, "not even counted");
    // From careid's own page the same form goes through.
    let response =
        attacker.http.post(app.url("/login")).header("origin", &app.base).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn every_form_of_the_pages_refuses_another_sites_post_and_the_protocol_endpoints_do_not() {
    let app = setup().await;
    let browser = Browser::new(&app);
    for path in [
        "/login",
        "/login/sms",
        "/login/phone",
        "/login/recovery",
        "/login/passkey/options",
        "/login/passkey",
        "/consent",
        "/terms",
        "/account/profile",
        "/account/password",
        "/account/phone",
        "/account/passkeys/options",
        "/invite/some-token",
        "/password/forgot",
        "/password/reset/some-token",
        "/verify-email/some-token",
        "/verify-email/resend",
        "/end_session/confirm",
    ] {
        let response =
            browser.http.post(app.url(path)).header("origin", EVIL).form(&[("a", "b")]).send().await;
        assert_eq!(response.unwrap().status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Clients and APIs call these from anywhere, without cookies: no origin check.
    for path in ["/token", "/revoke", "/introspect", "/authorize", "/end_session", "/userinfo"] {
        let response =
            browser.http.post(app.url(path)).header("origin", EVIL).form(&[("a", "b")]).send().await;
        assert_ne!(response.unwrap().status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn the_browser_cookie_is_set_with_the_login_transaction_and_kept_from_scripts_and_other_sites() {
    let app = setup().await;
    let browser = Browser::new(&app);
    let response = browser.http.get(app.authorize_url(&PORTAL, &[])).send().await.unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("careid_browser="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    // A second sign-in in the same browser keeps the same cookie.
    let again = browser.http.get(app.authorize_url(&PORTAL, &[])).send().await.unwrap();
    assert!(again.headers().get("set-cookie").is_none());
}
