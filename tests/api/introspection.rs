//! Token introspection (RFC 7662): confidential clients learn whether their
//! own tokens are in force; everything else is just inactive.

use serde_json::{Value, json};

use crate::kit::{CARE_APP, CLINICIAN, PATIENT, PORTAL, PORTAL_SECRET, TestApp, text};

const LAB_SECRET: &str = "lab-secret-0123456789-abcdefghijklmnop";

/// A second confidential client with no users of its own.
async fn add_lab_client(app: &TestApp) {
    app.add_client(json!({
        "id": "lab", "name": "Lab", "secret": LAB_SECRET, "grant_types": ["client_credentials"],
        "allowed_scopes": ["careid:invite"]
    }))
    .await;
}

#[tokio::test]
async fn an_active_access_token_is_described() {
    let app = TestApp::with_portal().await;
    let user_id = app.user(CLINICIAN).await.id;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid email").tokens().await;
    let token = text(&tokens, "access_token");
    let response = app.post_form("/introspect", &[("token", token)], PORTAL.basic()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    let claims = app.access_claims(token);
    assert_eq!(body["active"], true);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "openid email");
    assert_eq!(body["client_id"], "portal");
    assert_eq!(body["sub"], json!(user_id));
    assert_eq!(body["iss"], json!(app.base));
    assert_eq!(body["aud"], json!(app.base));
    for field in ["exp", "iat", "nbf", "jti", "sid", "auth_time", "acr", "amr"] {
        assert_eq!(body[field], claims[field], "{field}");
    }
    assert!(body.get("gid").is_none(), "the grant id is internal: {body}");
}

#[tokio::test]
async fn an_active_refresh_token_is_described() {
    let app = TestApp::with_portal().await;
    let user_id = app.user(CLINICIAN).await.id;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid email").tokens().await;
    let (status, body) = app.introspect(text(&tokens, "refresh_token"), PORTAL.basic()).await;
    assert_eq!(status, 200);
    assert_eq!(body["active"], true);
    assert_eq!(body["token_type"], "refresh_token");
    assert_eq!(body["client_id"], "portal");
    assert_eq!(body["sub"], json!(user_id));
    assert_eq!(body["scope"], "openid email");
    let now = app.clock.now();
    assert!((now - 5..=now).contains(&body["iat"].as_i64().unwrap()), "{body}");
    assert!(body["exp"].as_i64().unwrap() > now + 29 * 86_400, "{body}");
}

#[tokio::test]
async fn token_type_hints_do_not_change_the_answer() {
    let app = TestApp::with_portal().await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    for (token, hint) in [
        (text(&tokens, "access_token"), "refresh_token"),
        (text(&tokens, "refresh_token"), "access_token"),
        (text(&tokens, "access_token"), "something_else"),
    ] {
        let form = [("token", token), ("token_type_hint", hint)];
        let body: Value = app.post_form("/introspect", &form, PORTAL.basic()).await.json().await.unwrap();
        assert_eq!(body["active"], true, "{hint}: {body}");
    }
}

#[tokio::test]
async fn revoked_tokens_are_inactive() {
    let app = TestApp::with_portal().await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    let access = text(&tokens, "access_token");
    let claims = app.access_claims(access);
    app.state
        .store
        .revoke_access_token(claims["jti"].as_str().unwrap(), claims["exp"].as_i64().unwrap())
        .await
        .unwrap();
    assert!(!app.is_active(access).await);
    assert!(app.is_active(text(&tokens, "refresh_token")).await, "only the access token was revoked");
    app.state.store.revoke_grant(claims["gid"].as_str().unwrap(), "test", app.clock.now()).await.unwrap();
    assert!(!app.is_active(text(&tokens, "refresh_token")).await);
}

#[tokio::test]
async fn expired_tokens_are_inactive() {
    let app = TestApp::with_portal().await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    app.clock.advance(601);
    assert!(!app.is_active(text(&tokens, "access_token")).await);
    assert!(app.is_active(text(&tokens, "refresh_token")).await);
    app.clock.advance(30 * 86_400);
    assert!(!app.is_active(text(&tokens, "refresh_token")).await);
}

#[tokio::test]
async fn a_rotated_refresh_token_is_inactive_and_its_successor_active() {
    let app = TestApp::with_portal().await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    let old = text(&tokens, "refresh_token");
    let form = [("grant_type", "refresh_token"), ("refresh_token", old)];
    let (status, rotated) = app.token_request(&form, PORTAL.basic()).await;
    assert_eq!(status, 200, "{rotated}");
    assert!(!app.is_active(old).await);
    assert!(app.is_active(text(&rotated, "refresh_token")).await);
}

#[tokio::test]
async fn another_clients_tokens_are_inactive() {
    let app = TestApp::with_portal().await;
    add_lab_client(&app).await;
    let lab = Some(("lab", LAB_SECRET));
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    for token in [text(&tokens, "access_token"), text(&tokens, "refresh_token")] {
        let (status, body) = app.introspect(token, lab).await;
        assert_eq!((status, body), (200, json!({ "active": false })));
    }
    let (status, lab_tokens) = app.token_request(&[("grant_type", "client_credentials")], lab).await;
    assert_eq!(status, 200, "{lab_tokens}");
    let lab_token = text(&lab_tokens, "access_token");
    assert!(!app.is_active(lab_token).await, "the portal must not see the lab's token");
    let (_, own) = app.introspect(lab_token, lab).await;
    assert_eq!(own["active"], true);
    assert_eq!(own["client_id"], "lab");
    assert_eq!(own["scope"], "careid:invite");
    assert!(own.get("auth_time").is_none(), "no user, no authentication: {own}");
}

#[tokio::test]
async fn unknown_and_malformed_tokens_are_inactive() {
    let app = TestApp::with_portal().await;
    for token in ["nonsense", "a.b.c", &"x".repeat(5000)] {
        let (status, body) = app.introspect(token, PORTAL.basic()).await;
        assert_eq!((status, body), (200, json!({ "active": false })));
    }
}

#[tokio::test]
async fn public_clients_may_not_introspect() {
    let app = TestApp::spawn().await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    let form = [("client_id", "app"), ("token", text(&tokens, "access_token"))];
    let response = app.post_form("/introspect", &form, None).await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn unauthenticated_and_badly_authenticated_callers_are_invalid_client() {
    let app = TestApp::with_portal().await;
    let (status, body) = app.introspect("x", None).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
    let response = app.post_form("/introspect", &[("token", "x")], Some(("portal", "wrong"))).await;
    assert_eq!(response.status(), 401);
    assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic"));
}

#[tokio::test]
async fn a_missing_token_is_invalid_request() {
    let app = TestApp::with_portal().await;
    let response = app.post_form("/introspect", &[("token_type_hint", "access_token")], PORTAL.basic()).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn a_json_body_is_invalid_request() {
    let app = TestApp::with_portal().await;
    let response = app
        .client
        .post(app.url("/introspect"))
        .basic_auth("portal", Some(PORTAL_SECRET))
        .json(&json!({ "token": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn a_body_over_64_kib_is_413_with_a_json_error() {
    let app = TestApp::with_portal().await;
    let huge = "x".repeat(65 * 1024);
    let response = app.post_form("/introspect", &[("token", huge.as_str())], PORTAL.basic()).await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}
