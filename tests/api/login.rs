//! The hosted login page: CSRF, rate limits, account locks, trusted proxies,
//! session cookies.

use careid::accounts::Role;
use serde_json::json;

use crate::browser::{Browser, hidden};
use crate::flows::{PASSWORD, PORTAL_REDIRECT, add_portal_client, serde_urlencoded};
use crate::helpers::TestApp;

fn authorize_url(app: &TestApp) -> String {
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid"),
    ];
    format!("{}/authorize?{}", app.base, serde_urlencoded(&query))
}

async fn setup(adjust: impl FnOnce(&mut careid::config::Config)) -> TestApp {
    let app = TestApp::spawn_with(adjust).await;
    add_portal_client(&app, json!({})).await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    app
}

#[tokio::test]
async fn the_login_page_is_a_safe_page() {
    let app = setup(|_| {}).await;
    let response = Browser::new(&app).http.get(authorize_url(&app)).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let page = app.client.get(app.url(&location)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    // Browsers check form-action against the redirects a form leads to: the
    // last one goes back to the client, and only there.
    assert!(csp.contains("form-action 'self' https://portal.example;"), "{csp}");
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let body = page.text().await.unwrap();
    assert!(body.contains(r#"autocomplete="current-password""#));
    // Its one script is careid's own passkey file; nothing inline.
    let scripts: Vec<&str> = body.split("<script").skip(1).collect();
    assert_eq!(scripts.len(), 1, "{body}");
    assert!(scripts[0].starts_with(r#" src="/assets/webauthn.js?v="#), "{body}");
    assert!(scripts[0].split_once('>').is_some_and(|(_, rest)| rest.starts_with("</script>")), "{body}");
}

#[tokio::test]
async fn the_session_cookie_is_httponly_and_samesite_lax() {
    let app = setup(|_| {}).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&authorize_url(&app)).await.page();
    let form = [
        ("tx", hidden(&page, "tx")),
        ("csrf", hidden(&page, "csrf")),
        ("email", "doc@example.com".into()),
        ("password", PASSWORD.into()),
    ];
    let response = browser.http.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 303);
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("careid_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "http issuer: no Secure flag");
}

#[tokio::test]
async fn a_wrong_csrf_token_is_refused() {
    let app = setup(|_| {}).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&authorize_url(&app)).await.page();
    let tx = hidden(&page, "tx");
    let (status, _, body) = browser
        .post_form(
            "/login",
            &[("tx", &tx), ("csrf", "forged"), ("email", "doc@example.com"), ("password", PASSWORD)],
        )
        .await
        .page();
    assert_eq!(status, 400);
    assert!(body.contains("stale"), "{body}");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_success_clears_the_count() {
    let app = setup(|c| {
        c.login.max_failures = 3;
        c.login.per_account_per_minute = 100;
        c.login.per_ip_per_minute = 100;
    })
    .await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&authorize_url(&app)).await.page();
    for _ in 0..3 {
        let (status, _, _) = browser.login(&page, "doc@example.com", "wrong password").await.page();
        assert_eq!(status, 401);
    }
    // Locked: even the right password waits.
    let (status, _, body) = browser.login(&page, "doc@example.com", PASSWORD).await.page();
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("Try again in"));
    app.clock.advance(app.state.config.login.lock_secs + 1);
    assert!(browser.login(&page, "doc@example.com", PASSWORD).await.params().contains_key("code"));
    let user = app.state.store.user_by_email("doc@example.com").await.unwrap().unwrap();
    assert_eq!(user.failed_logins, 0);
    let events = app.state.store.audit_events(Some(&user.id), 10).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "login.failure").count(), 4);
    assert_eq!(events[0].kind, "login.success");
}

#[tokio::test]
async fn too_many_attempts_from_one_ip_get_a_try_again_later_page() {
    let app = setup(|c| c.login.per_ip_per_minute = 3).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&authorize_url(&app)).await.page();
    for i in 0..3 {
        let (status, _, _) = browser.login(&page, &format!("nobody{i}@example.com"), "x").await.page();
        assert_eq!(status, 401);
    }
    let (status, _, body) = browser.login(&page, "doc@example.com", PASSWORD).await.page();
    assert_eq!(status, 429);
    assert!(body.contains("Too many attempts"), "{body}");
}

#[tokio::test]
async fn a_forged_forwarded_for_header_neither_bypasses_nor_poisons_the_ip_limit() {
    let app = setup(|c| c.login.per_ip_per_minute = 2).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&authorize_url(&app)).await.page();
    let tx = hidden(&page, "tx");
    let csrf = hidden(&page, "csrf");
    let attempt = |forwarded: String| {
        let form = [
            ("tx", tx.clone()),
            ("csrf", csrf.clone()),
            ("email", "x@example.com".into()),
            ("password", "x".into()),
        ];
        browser.http.post(app.url("/login")).header("x-forwarded-for", forwarded).form(&form).send()
    };
    // The peer (127.0.0.1) is not a trusted proxy, so each forged address still counts as the peer.
    for i in 0..2 {
        assert_eq!(attempt(format!("10.0.0.{i}")).await.unwrap().status(), 401);
    }
    assert_eq!(attempt("10.0.0.9".into()).await.unwrap().status(), 429);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_has_its_own_limit() {
    let app = setup(|c| {
        c.login.per_ip_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&authorize_url(&app)).await.page();
    let form = [
        ("tx", hidden(&page, "tx")),
        ("csrf", hidden(&page, "csrf")),
        ("email", "x@example.com".into()),
        ("password", "x".into()),
    ];
    let send = |ip: &'static str| {
        browser.http.post(app.url("/login")).header("x-forwarded-for", ip).form(&form).send()
    };
    assert_eq!(send("198.51.100.1").await.unwrap().status(), 401);
    assert_eq!(send("198.51.100.2").await.unwrap().status(), 401);
    assert_eq!(send("198.51.100.1").await.unwrap().status(), 429);
}

#[tokio::test]
async fn an_expired_or_unknown_transaction_shows_the_expired_page() {
    let app = setup(|_| {}).await;
    let response = app.get("/login?tx=doesnotexist").await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("expired"));
    let response = app.get("/login").await;
    assert_eq!(response.status(), 400);
    let response = app.get(&format!("/login?tx={}", "a".repeat(5000))).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn concurrent_logins_with_one_transaction_issue_one_code() {
    let app = setup(|_| {}).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&authorize_url(&app)).await.page();
    let form = vec![
        ("tx", hidden(&page, "tx")),
        ("csrf", hidden(&page, "csrf")),
        ("email", "doc@example.com".to_string()),
        ("password", PASSWORD.to_string()),
    ];
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let http = browser.http.clone();
            let (login, form) = (app.url("/login"), form.clone());
            tokio::spawn(async move { http.post(login).form(&form).send().await.unwrap() })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        let response = task.await.unwrap();
        match response.status().as_u16() {
            303 => winners.push(response.headers()["location"].to_str().unwrap().to_string()),
            400 => assert!(response.text().await.unwrap().contains("expired")),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(winners.len(), 1, "one sign-in per transaction");
    let params = browser.visit(&winners[0]).await.params();
    assert!(params.contains_key("code"));
}

#[tokio::test]
async fn sign_in_pages_without_a_usable_transaction_say_the_sign_in_expired() {
    let app = setup(|_| {}).await;
    let pages = [
        "/login",
        "/login/sms",
        "/login/recovery",
        "/login/passkey/register",
        "/login/passkey/confirm",
        "/consent",
        "/terms",
        "/authorize/continue",
    ];
    for page in pages {
        for query in ["", "?tx=", "?tx=no-such-transaction", "?tx=%ZZ"] {
            let response = app.get(&format!("{page}{query}")).await;
            let status = response.status();
            let kind = response.headers()["content-type"].to_str().unwrap().to_string();
            let body = response.text().await.unwrap();
            assert_eq!(status, 400, "{page}{query}: {body}");
            assert!(kind.starts_with("text/html"), "{page}{query}: {kind} {body}");
            assert!(body.contains("This sign-in has expired"), "{page}{query}: {body}");
        }
    }
}
