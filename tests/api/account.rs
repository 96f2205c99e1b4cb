//! The account page: sign-in through careid's own authorization endpoint,
//! profile, password change and sessions.

use careid::accounts::Role;
use serde_json::json;

use crate::browser::{Browser, hidden};
use crate::flows::{PASSWORD, PORTAL_REDIRECT, add_portal_client, serde_urlencoded};
use crate::helpers::TestApp;

const NEW_PASSWORD: &str = "a brand new passphrase 2026";

/// A browser signed in at /account; returns the account page body.
async fn open_account(app: &TestApp, browser: &Browser) -> String {
    let (_, login_url, page) = browser.visit("/account").await.page();
    assert!(login_url.contains("/login?tx="), "{login_url}");
    let (status, url, body) = browser.login(&page, "doc@example.com", PASSWORD).await.page();
    assert_eq!(status, 200, "{body}");
    assert!(url.ends_with("/account"), "{url}");
    assert!(body.contains("doc@example.com"));
    assert!(app.state.store.client("careid-account").await.unwrap().is_some());
    body
}

fn portal_url(app: &TestApp) -> String {
    let q = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid"),
        ("prompt", "none"),
    ];
    format!("{}/authorize?{}", app.base, serde_urlencoded(&q))
}

async fn setup() -> TestApp {
    let app = TestApp::spawn().await;
    add_portal_client(&app, json!({})).await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    app
}

#[tokio::test]
async fn the_account_page_signs_people_in_and_changes_their_name() {
    let app = setup().await;
    let browser = Browser::new(&app);
    let page = open_account(&app, &browser).await;
    let csrf = hidden(&page, "csrf");
    let visit = browser
        .post_form("/account/profile", &[("csrf", &csrf), ("given_name", "Ada"), ("family_name", "Lovelace")])
        .await;
    let (status, _, body) = visit.page();
    assert_eq!(status, 200);
    assert!(body.contains(r#"value="Ada""#), "{body}");
    let user = app.state.store.user_by_email("doc@example.com").await.unwrap().unwrap();
    assert_eq!(user.name, "Ada Lovelace");
    let (status, _, _) = browser
        .post_form("/account/profile", &[("csrf", &csrf), ("given_name", ""), ("family_name", "x")])
        .await
        .page();
    assert_eq!(status, 400);
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let app = setup().await;
    let browser = Browser::new(&app);
    open_account(&app, &browser).await;
    let (status, _, _) =
        browser.post_form("/account/profile", &[("csrf", "forged"), ("given_name", "Eve")]).await.page();
    assert_eq!(status, 400);
    let user = app.state.store.user_by_email("doc@example.com").await.unwrap().unwrap();
    assert_ne!(user.given_name.as_deref(), Some("Eve"));
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = setup().await;
    let other = Browser::new(&app);
    assert!(
        other
            .sign_in(&portal_url(&app).replace("&prompt=none", ""), "doc@example.com", PASSWORD)
            .await
            .params()
            .contains_key("code")
    );
    let browser = Browser::new(&app);
    let page = open_account(&app, &browser).await;
    let csrf = hidden(&page, "csrf");
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        let csrf = csrf.clone();
        let browser = &browser;
        async move {
            browser
                .post_form(
                    "/account/password",
                    &[
                        ("csrf", &csrf),
                        ("current_password", current),
                        ("new_password", new),
                        ("confirm_password", confirm),
                    ],
                )
                .await
                .page()
        }
    };
    assert_eq!(change("wrong", NEW_PASSWORD, NEW_PASSWORD).await.0, 400);
    assert_eq!(change(PASSWORD, "short", "short").await.0, 400);
    assert_eq!(change(PASSWORD, NEW_PASSWORD, "different").await.0, 400);
    let (status, _, body) = change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, 200);
    assert!(body.contains("Your password is changed"));

    assert_eq!(
        other.visit(&portal_url(&app)).await.params()["error"],
        "login_required",
        "other session ended"
    );
    assert!(browser.visit(&portal_url(&app)).await.params().contains_key("code"), "this session stays");
    let fresh = Browser::new(&app);
    let (_, _, page) = fresh.visit(&portal_url(&app).replace("&prompt=none", "")).await.page();
    assert_eq!(fresh.login(&page, "doc@example.com", PASSWORD).await.page().0, 401, "old password refused");
    assert!(fresh.login(&page, "doc@example.com", NEW_PASSWORD).await.params().contains_key("code"));
    let events = app.state.store.audit_events(None, 20).await.unwrap();
    assert!(events.iter().any(|e| e.kind == "password.changed"));
}

#[tokio::test]
async fn people_see_their_sessions_and_can_end_the_others() {
    let app = setup().await;
    let other = Browser::new(&app);
    other.sign_in(&portal_url(&app).replace("&prompt=none", ""), "doc@example.com", PASSWORD).await.params();
    let browser = Browser::new(&app);
    let page = open_account(&app, &browser).await;
    assert_eq!(page.matches("<li>Signed in").count(), 2, "{page}");
    assert!(page.contains("this browser"));
    let csrf = hidden(&page, "csrf");
    let (status, _, page) =
        browser.post_form("/account/sessions/end", &[("csrf", &csrf), ("sid", "not-mine")]).await.page();
    assert_eq!(status, 400, "{page}");
    let (status, _, page) =
        browser.post_form("/account/sessions/end", &[("csrf", &csrf), ("sid", "others")]).await.page();
    assert_eq!(status, 200);
    assert_eq!(page.matches("<li>Signed in").count(), 1);
    assert_eq!(other.visit(&portal_url(&app)).await.params()["error"], "login_required");
}
