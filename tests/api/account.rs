//! The account page: sign-in through careid's own authorization endpoint,
//! profile, password change and sessions.

use crate::kit::{Browser, CLINICIAN, PASSWORD, PORTAL, TestApp, text};

const NEW_PASSWORD: &str = "a brand new passphrase 2026";

/// A browser signed in at /account; returns the account page body.
async fn signed_in_account_page(app: &TestApp, browser: &Browser) -> String {
    let (status, url, body) = browser.sign_in("/account", CLINICIAN, PASSWORD).await.page();
    assert_eq!(status, 200, "{body}");
    assert!(url.ends_with("/account"), "{url}");
    assert!(body.contains(CLINICIAN));
    assert!(app.state.store.client("careid-account").await.unwrap().is_some());
    body
}

/// The Portal's authorization request, answered without a page (`prompt=none`).
fn silently(app: &TestApp) -> String {
    app.authorize_url(&PORTAL, &[("prompt", "none")])
}

/// Changes the password on the account page `page`: the page answered.
async fn change_password(
    browser: &Browser,
    page: &str,
    (current, new, confirm): (&str, &str, &str),
) -> (reqwest::StatusCode, String, String) {
    let fields = [("current_password", current), ("new_password", new), ("confirm_password", confirm)];
    browser.submit(page, "/account/password", &fields).await.page()
}

#[tokio::test]
async fn the_account_page_signs_people_in_and_changes_their_name() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let page = signed_in_account_page(&app, &browser).await;
    let visit = browser
        .submit(&page, "/account/profile", &[("given_name", "Ada"), ("family_name", "Lovelace")])
        .await;
    let (status, _, body) = visit.page();
    assert_eq!(status, 200);
    assert!(body.contains(r#"value="Ada""#), "{body}");
    assert_eq!(app.user(CLINICIAN).await.name, "Ada Lovelace");
    let (status, _, _) =
        browser.submit(&page, "/account/profile", &[("given_name", ""), ("family_name", "x")]).await.page();
    assert_eq!(status, 400);
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    signed_in_account_page(&app, &browser).await;
    let (status, _, _) =
        browser.post_form("/account/profile", &[("csrf", "forged"), ("given_name", "Eve")]).await.page();
    assert_eq!(status, 400);
    assert_ne!(app.user(CLINICIAN).await.given_name.as_deref(), Some("Eve"));
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::with_portal().await;
    let other = Browser::new(&app);
    assert!(app.sign_in(&PORTAL, CLINICIAN).in_browser(&other).params().await.contains_key("code"));
    let browser = Browser::new(&app);
    let page = signed_in_account_page(&app, &browser).await;
    let change = |passwords| change_password(&browser, &page, passwords);
    assert_eq!(change(("wrong", NEW_PASSWORD, NEW_PASSWORD)).await.0, 400);
    assert_eq!(change((PASSWORD, "short", "short")).await.0, 400);
    assert_eq!(change((PASSWORD, NEW_PASSWORD, "different")).await.0, 400);
    let (status, _, body) = change((PASSWORD, NEW_PASSWORD, NEW_PASSWORD)).await;
    assert_eq!(status, 200);
    assert!(body.contains("Your password is changed"));

    assert_eq!(other.visit(&silently(&app)).await.params()["error"], "login_required", "other session ended");
    assert!(browser.visit(&silently(&app)).await.params().contains_key("code"), "this session stays");
    let fresh = Browser::new(&app);
    let (_, _, page) = fresh.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    assert_eq!(fresh.login(&page, CLINICIAN, PASSWORD).await.page().0, 401, "old password refused");
    assert!(fresh.login(&page, CLINICIAN, NEW_PASSWORD).await.params().contains_key("code"));
    let events = app.state.store.audit_events(None, 20).await.unwrap();
    assert!(events.iter().any(|e| e.kind == "password.changed"));
}

#[tokio::test]
async fn people_see_their_sessions_and_can_end_the_others() {
    let app = TestApp::with_portal().await;
    let other = Browser::new(&app);
    app.sign_in(&PORTAL, CLINICIAN).in_browser(&other).params().await;
    let browser = Browser::new(&app);
    let page = signed_in_account_page(&app, &browser).await;
    assert_eq!(page.matches("<li>Signed in").count(), 2, "{page}");
    assert!(page.contains("this browser"));
    let end = "/account/sessions/end";
    let (status, _, answer) = browser.submit(&page, end, &[("sid", "not-mine")]).await.page();
    assert_eq!(status, 400, "{answer}");
    let (status, _, answer) = browser.submit(&page, end, &[("sid", "others")]).await.page();
    assert_eq!(status, 200);
    assert_eq!(answer.matches("<li>Signed in").count(), 1);
    assert_eq!(other.visit(&silently(&app)).await.params()["error"], "login_required");
}

/// Whether the Portal can still use `refresh_token`.
async fn refreshes(app: &TestApp, refresh_token: &str) -> bool {
    let (status, body) = app.refresh(&PORTAL, refresh_token).await;
    match status {
        200 => true,
        400 if body["error"] == "invalid_grant" => false,
        _ => panic!("{status}: {body}"),
    }
}

#[tokio::test]
async fn a_password_change_ends_every_other_grant_offline_ones_too_and_tells_the_person() {
    let app = TestApp::with_portal().await;
    // Before the change: an offline_access refresh token from another browser,
    // minted with the old password (the kind a thief keeps).
    let stolen = app.sign_in(&PORTAL, CLINICIAN).scope("openid offline_access").tokens().await;
    let browser = Browser::new(&app);
    let page = signed_in_account_page(&app, &browser).await;
    // This browser's own Portal grant stays: it is the person who just proved the password.
    let params = browser.visit(&app.authorize_url(&PORTAL, &[])).await.params();
    let own = app.exchange(&PORTAL, &params["code"]).await;

    let (status, _, body) = change_password(&browser, &page, (PASSWORD, NEW_PASSWORD, NEW_PASSWORD)).await;
    assert_eq!(status, 200, "{body}");
    let stolen = text(&stolen, "refresh_token");
    assert!(!refreshes(&app, stolen).await, "the offline token minted with the old password is revoked");
    assert!(refreshes(&app, text(&own, "refresh_token")).await, "this browser's own grant stays");
    let told = app.sign_in_changes(CLINICIAN).await;
    assert!(told.len() == 1 && told[0].contains("Your password was changed"), "{told:?}");
}

#[tokio::test]
async fn wrong_current_passwords_on_the_account_page_count_towards_the_lock() {
    let app = TestApp::with_portal_and(|c| {
        c.login.max_failures = 3;
        c.login.per_account_per_minute = 100;
    })
    .await;
    let browser = Browser::new(&app);
    let page = signed_in_account_page(&app, &browser).await;
    let change = |current| change_password(&browser, &page, (current, NEW_PASSWORD, NEW_PASSWORD));
    for tries in 1..=3 {
        let (status, _, body) = change("a wrong guess").await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(app.user(CLINICIAN).await.failed_logins, tries, "counted with the sign-in failures");
    }
    // Locked: the right password is refused here too, and the login page answers as for any wrong one.
    let (status, _, body) = change(PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("Too many wrong passwords"), "{body}");
    let (status, _, _) = app.sign_in(&PORTAL, CLINICIAN).visit().await.page();
    assert_eq!(status, 401);
    let user = app.user(CLINICIAN).await;
    assert!(user.is_locked(app.clock.now()));
    assert!(app.state.passwords.verify(PASSWORD, user.password_hash.as_deref()).await, "unchanged");
    let events = app.state.store.audit_events(Some(&user.id), 20).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "account.password_refused").count(), 4);
}
