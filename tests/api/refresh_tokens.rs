//! The refresh_token grant (RFC 6749 §6): rotation on every use, the retry
//! grace window, family revocation on reuse (RFC 9700 §4.14) and scopes.

use serde_json::Value;

use crate::kit::{CARE_APP, CLINICIAN, PATIENT, PORTAL, TestApp, text};

async fn app_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    app
}

async fn refresh_portal(app: &TestApp, token: &str, scope: Option<&str>) -> (u16, Value) {
    let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", token)];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    app.token_request_as(&PORTAL, &form).await
}

async fn refresh_app(app: &TestApp, token: &str) -> (u16, Value) {
    app.refresh(&CARE_APP, token).await
}

fn assert_invalid_grant((status, body): (u16, Value)) {
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
}

async fn grant_of(app: &TestApp, access_token: &str) -> careid::store::Grant {
    let claims = app.access_claims(access_token);
    app.state.store.grant(claims["gid"].as_str().unwrap()).await.unwrap().unwrap()
}

#[tokio::test]
async fn every_refresh_rotates_the_token_within_one_grant() {
    let app = TestApp::with_portal().await;
    let first = app.sign_in(&PORTAL, CLINICIAN).scope("openid email").tokens().await;
    let (status, second) = refresh_portal(&app, text(&first, "refresh_token"), None).await;
    assert_eq!(status, 200, "{second}");
    let (status, third) = refresh_portal(&app, text(&second, "refresh_token"), None).await;
    assert_eq!(status, 200, "{third}");
    let refresh: Vec<&str> = [&first, &second, &third].iter().map(|t| text(t, "refresh_token")).collect();
    assert!(refresh[0] != refresh[1] && refresh[1] != refresh[2] && refresh[0] != refresh[2]);
    assert!(second["id_token"].is_string(), "openid still holds: {second}");
    assert_eq!(third["scope"], "openid email");
    let grant = grant_of(&app, text(&third, "access_token")).await;
    assert_eq!(grant.id, grant_of(&app, text(&first, "access_token")).await.id);
}

#[tokio::test]
async fn reusing_a_rotated_token_fails_and_revokes_the_whole_family() {
    let app = TestApp::with_portal().await;
    let first = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    let (status, second) = refresh_portal(&app, text(&first, "refresh_token"), None).await;
    assert_eq!(status, 200, "{second}");
    // The Portal has no grace window: an immediate reuse is already a reuse.
    assert_invalid_grant(refresh_portal(&app, text(&first, "refresh_token"), None).await);
    assert_invalid_grant(refresh_portal(&app, text(&second, "refresh_token"), None).await);
    let grant = grant_of(&app, text(&second, "access_token")).await;
    assert_eq!(grant.revoked_reason.as_deref(), Some("refresh token reuse"));
    let userinfo =
        app.client.get(app.url("/userinfo")).bearer_auth(text(&second, "access_token")).send().await.unwrap();
    assert_eq!(userinfo.status(), 401);
}

#[tokio::test]
async fn the_apps_grace_window_lets_retries_succeed_until_it_closes() {
    let app = app_app().await;
    let first = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    let old = text(&first, "refresh_token");
    let (status, second) = refresh_app(&app, old).await;
    assert_eq!(status, 200, "{second}");
    // A retry, as when the response was lost, and two concurrent ones.
    let (status, retried) = refresh_app(&app, old).await;
    assert_eq!(status, 200, "{retried}");
    let (a, b) = tokio::join!(refresh_app(&app, old), refresh_app(&app, old));
    assert_eq!((a.0, b.0), (200, 200), "{} {}", a.1, b.1);

    app.clock.advance(6);
    assert_invalid_grant(refresh_app(&app, old).await);
    assert_invalid_grant(refresh_app(&app, text(&second, "refresh_token")).await);
    assert_invalid_grant(refresh_app(&app, text(&retried, "refresh_token")).await);
    let grant = grant_of(&app, text(&second, "access_token")).await;
    assert_eq!(grant.revoked_reason.as_deref(), Some("refresh token reuse"));
}

#[tokio::test]
async fn a_retry_within_grace_retires_the_token_of_the_answer_it_replaces() {
    // As when a node commits a rotation and dies before answering: the App
    // retries, and the token it never saw must not stay live beside the new one.
    let app = app_app().await;
    let first = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    let old = text(&first, "refresh_token");
    let (_, lost) = refresh_app(&app, old).await;
    let (status, retried) = refresh_app(&app, old).await;
    assert_eq!(status, 200, "{retried}");

    app.clock.advance(6);
    let (status, next) = refresh_app(&app, text(&retried, "refresh_token")).await;
    assert_eq!(status, 200, "the newest token still works: {next}");
    // Without the retirement this would rotate a second live token (200).
    assert_invalid_grant(refresh_app(&app, text(&lost, "refresh_token")).await);
    let grant = grant_of(&app, text(&next, "access_token")).await;
    assert_eq!(grant.revoked_reason.as_deref(), Some("refresh token reuse"));
}

#[tokio::test]
async fn concurrent_uses_of_one_token_without_grace_leave_no_live_family() {
    let app = TestApp::with_portal().await;
    let first = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    let token = text(&first, "refresh_token");
    let (a, b) = tokio::join!(refresh_portal(&app, token, None), refresh_portal(&app, token, None));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 400], "{} {}", a.1, b.1);
    let winner = if a.0 == 200 { a.1 } else { b.1 };
    assert_invalid_grant(refresh_portal(&app, text(&winner, "refresh_token"), None).await);
}

#[tokio::test]
async fn scope_can_be_narrowed_but_not_widened() {
    let app = TestApp::with_portal().await;
    let first = app.sign_in(&PORTAL, CLINICIAN).scope("openid email").tokens().await;
    let (status, narrowed) = refresh_portal(&app, text(&first, "refresh_token"), Some("openid")).await;
    assert_eq!(status, 200, "{narrowed}");
    assert_eq!(narrowed["scope"], "openid");
    assert_eq!(app.access_claims(text(&narrowed, "access_token"))["scope"], "openid");

    let token = text(&narrowed, "refresh_token");
    let (status, widened) = refresh_portal(&app, token, Some("openid email profile")).await;
    assert_eq!((status, widened["error"].as_str()), (400, Some("invalid_scope")), "{widened}");
    // The refused request must not have spent the token (the Portal has no grace window).
    let (status, again) = refresh_portal(&app, token, None).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["scope"], "openid email", "without scope, the whole grant is asked for");
}

#[tokio::test]
async fn another_clients_refresh_token_is_invalid_grant_and_stays_usable() {
    let app = TestApp::with_portal().await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    let token = text(&tokens, "refresh_token");
    assert_invalid_grant(refresh_portal(&app, token, None).await);
    let (status, body) = refresh_app(&app, token).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn offline_access_is_recorded_on_the_grant() {
    let app = app_app().await;
    let offline = app.sign_in(&CARE_APP, PATIENT).scope("openid offline_access").tokens().await;
    assert!(grant_of(&app, text(&offline, "access_token")).await.offline);
    let online = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    assert!(!grant_of(&app, text(&online, "access_token")).await.offline);
}

#[tokio::test]
async fn a_refresh_token_expires_with_its_lifetime() {
    let app = TestApp::with_portal().await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    app.clock.advance(30 * 86_400 + 1);
    assert_invalid_grant(refresh_portal(&app, text(&tokens, "refresh_token"), None).await);
}
