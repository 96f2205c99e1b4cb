//! The hosted login page: CSRF, rate limits, account locks, trusted proxies,
//! session cookies.

use crate::kit::forms::fill;
use crate::kit::{Browser, CLINICIAN, PASSWORD, PORTAL, TestApp};

#[tokio::test]
async fn the_login_page_is_a_safe_page() {
    let app = TestApp::with_portal_and(|_| {}).await;
    let browser = Browser::new(&app);
    let response = browser.http.get(app.authorize_url(&PORTAL, &[])).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let page = browser.http.get(app.url(&location)).send().await.unwrap();
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
    let app = TestApp::with_portal_and(|_| {}).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    let response = browser.send(&page, "/login", &[("email", CLINICIAN), ("password", PASSWORD)]).await;
    assert_eq!(response.status(), 303);
    assert!(response.headers().get("set-cookie").is_none(), "the password alone is not a session yet");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    // The authorization endpoint makes the sign-in a session once the account's requirements are met.
    let response = browser.http.get(app.url(&location)).send().await.unwrap();
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
    let app = TestApp::with_portal_and(|_| {}).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    let fields = [("csrf", "forged"), ("email", CLINICIAN), ("password", PASSWORD)];
    let (status, _, body) = browser.submit(&page, "/login", &fields).await.page();
    assert_eq!(status, 400);
    assert!(body.contains("stale"), "{body}");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_success_clears_the_count() {
    let app = TestApp::with_portal_and(|c| {
        c.login.max_failures = 3;
        c.login.per_account_per_minute = 100;
        c.login.per_ip_per_minute = 100;
    })
    .await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    for _ in 0..3 {
        let (status, _, _) = browser.login(&page, CLINICIAN, "wrong password").await.page();
        assert_eq!(status, 401);
    }
    // Locked: even the right password is refused, with the answer any wrong
    // password or unknown address gets (the owner is told by email instead).
    let (status, _, body) = browser.login(&page, CLINICIAN, PASSWORD).await.page();
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("The email address or password is not right."), "{body}");
    let (unknown_status, _, unknown_body) = browser.login(&page, "nobody@example.com", PASSWORD).await.page();
    assert_eq!((unknown_status, unknown_body.replace("nobody@example.com", CLINICIAN)), (status, body));
    let told: Vec<_> = app.emails().await.into_iter().filter(|e| e.recipient == CLINICIAN).collect();
    assert_eq!(told.len(), 1, "one email when the lock starts");
    assert_eq!(told[0].subject, "Too many wrong passwords for your account");
    assert!(told[0].text_body.contains("3 times in a row"), "{}", told[0].text_body);
    app.clock.advance(app.state.config.login.lock_secs + 1);
    assert!(browser.login(&page, CLINICIAN, PASSWORD).await.params().contains_key("code"));
    let user = app.user(CLINICIAN).await;
    assert_eq!(user.failed_logins, 0);
    let events = app.state.store.audit_events(Some(&user.id), 10).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "login.failure").count(), 4);
    assert!(
        events
            .iter()
            .any(|e| e.kind == "login.failure" && e.detail.as_deref() == Some(r#"{"reason":"locked"}"#))
    );
    assert_eq!(events[0].kind, "login.success");
}

#[tokio::test]
async fn too_many_attempts_from_one_ip_get_a_try_again_later_page() {
    let app = TestApp::with_portal_and(|c| c.login.per_ip_per_minute = 3).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    for i in 0..3 {
        let (status, _, _) = browser.login(&page, &format!("nobody{i}@example.com"), "x").await.page();
        assert_eq!(status, 401);
    }
    let (status, _, body) = browser.login(&page, CLINICIAN, PASSWORD).await.page();
    assert_eq!(status, 429);
    assert!(body.contains("Too many attempts"), "{body}");
}

#[tokio::test]
async fn a_forged_forwarded_for_header_neither_bypasses_nor_poisons_the_ip_limit() {
    let app = TestApp::with_portal_and(|c| c.login.per_ip_per_minute = 2).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    let form = fill(&page, "/login", &[("email", "x@example.com"), ("password", "x")]);
    let attempt = |forwarded: String| {
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
    let app = TestApp::with_portal_and(|c| {
        c.login.per_ip_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    let form = fill(&page, "/login", &[("email", "x@example.com"), ("password", "x")]);
    let send = |ip: &'static str| {
        browser.http.post(app.url("/login")).header("x-forwarded-for", ip).form(&form).send()
    };
    assert_eq!(send("198.51.100.1").await.unwrap().status(), 401);
    assert_eq!(send("198.51.100.2").await.unwrap().status(), 401);
    assert_eq!(send("198.51.100.1").await.unwrap().status(), 429);
}

#[tokio::test]
async fn an_expired_or_unknown_transaction_shows_the_expired_page() {
    let app = TestApp::with_portal_and(|_| {}).await;
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
    let app = TestApp::with_portal_and(|_| {}).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    let form = fill(&page, "/login", &[("email", CLINICIAN), ("password", PASSWORD)]);
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
    let app = TestApp::with_portal_and(|_| {}).await;
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

#[tokio::test]
async fn a_lock_leaves_open_sessions_alone_but_a_disabled_account_stops_at_once() {
    let app = TestApp::with_portal_and(|c| {
        c.login.max_failures = 3;
        c.login.per_account_per_minute = 100;
        c.login.per_ip_per_minute = 100;
    })
    .await;
    let silently = format!("{}&prompt=none", app.authorize_url(&PORTAL, &[]));
    let owner = Browser::new(&app);
    assert!(
        owner
            .sign_in(&app.authorize_url(&PORTAL, &[]), CLINICIAN, PASSWORD)
            .await
            .params()
            .contains_key("code")
    );
    // Someone guessing in another browser locks the account ...
    let guesser = Browser::new(&app);
    let (_, _, page) = guesser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    for _ in 0..3 {
        assert_eq!(guesser.login(&page, CLINICIAN, "a guess").await.page().0, 401);
    }
    let user = app.user(CLINICIAN).await;
    assert!(user.is_locked(app.clock.now()));
    // ... which must not sign the owner out (guessing would be a way to do that
    // to anyone): the browser they are signed in with goes on getting codes.
    assert!(owner.visit(&silently).await.params().contains_key("code"));
    // Disabling the account stops it at once.
    app.state
        .store
        .set_user_status(&user.id, careid::people::Status::Disabled, app.clock.now())
        .await
        .unwrap();
    assert_eq!(owner.visit(&silently).await.params()["error"], "login_required");
}
