//! Token revocation (RFC 7009): a client withdraws its own tokens; anything
//! else gets the same 200 and changes nothing.

use serde_json::Value;

use crate::kit::{CARE_APP, CLINICIAN, PATIENT, PORTAL, TestApp, text};

/// Revokes with `form`, which careid answers with an empty 200 whatever the token.
async fn revoke(app: &TestApp, form: &[(&str, &str)], basic: Option<(&str, &str)>) {
    let response = app.revoke(form, basic).await;
    assert_eq!(response.status(), 200, "{form:?}");
    assert_eq!(response.text().await.unwrap(), "");
}

async fn userinfo_status(app: &TestApp, token: &str) -> u16 {
    app.client.get(app.url("/userinfo")).bearer_auth(token).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn revoking_a_refresh_token_ends_its_whole_family() {
    let app = TestApp::with_portal().await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    let refresh = text(&tokens, "refresh_token");
    let access = text(&tokens, "access_token");
    assert!(app.is_active(access).await);
    revoke(&app, &[("token", refresh), ("token_type_hint", "refresh_token")], PORTAL.basic()).await;
    assert!(!app.is_active(access).await, "the sibling access token ends with the grant");
    assert_eq!(userinfo_status(&app, access).await, 401);
    let (status, body) = app
        .token_request(&[("grant_type", "refresh_token"), ("refresh_token", refresh)], PORTAL.basic())
        .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let grant = app.state.store.grant(app.access_claims(access)["gid"].as_str().unwrap()).await.unwrap();
    assert_eq!(grant.unwrap().revoked_reason.as_deref(), Some("refresh token revoked by the client"));
}

#[tokio::test]
async fn revoking_an_access_token_ends_it_alone() {
    let app = TestApp::with_portal().await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    let access = text(&tokens, "access_token");
    assert_eq!(userinfo_status(&app, access).await, 200);
    revoke(&app, &[("token", access)], PORTAL.basic()).await;
    assert_eq!(userinfo_status(&app, access).await, 401);
    assert!(!app.is_active(access).await);
    let form = [("grant_type", "refresh_token"), ("refresh_token", text(&tokens, "refresh_token"))];
    let (status, refreshed) = app.token_request(&form, PORTAL.basic()).await;
    assert_eq!(status, 200, "{refreshed}");
    assert_eq!(userinfo_status(&app, text(&refreshed, "access_token")).await, 200);
}

#[tokio::test]
async fn unknown_and_malformed_tokens_get_200() {
    let app = TestApp::with_portal().await;
    for token in ["nonsense", "a.b.c", "eyJhbGciOiJub25lIn0.e30."] {
        revoke(&app, &[("token", token)], PORTAL.basic()).await;
    }
    revoke(&app, &[("token", "nonsense"), ("token_type_hint", "something_else")], PORTAL.basic()).await;
}

#[tokio::test]
async fn another_clients_tokens_get_200_and_stay_active() {
    let app = TestApp::with_portal().await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    let (access, refresh) = (text(&tokens, "access_token"), text(&tokens, "refresh_token"));
    revoke(&app, &[("token", access)], PORTAL.basic()).await;
    revoke(&app, &[("token", refresh)], PORTAL.basic()).await;
    assert_eq!(userinfo_status(&app, access).await, 200);
    let claims = app.access_claims(access);
    assert!(!app.state.store.is_access_token_revoked(claims["jti"].as_str().unwrap()).await.unwrap());
    let grant = app.state.store.grant(claims["gid"].as_str().unwrap()).await.unwrap().unwrap();
    assert!(grant.revoked_at.is_none());
}

#[tokio::test]
async fn a_public_client_revokes_its_own_tokens_with_its_client_id() {
    let app = TestApp::spawn().await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    let refresh = text(&tokens, "refresh_token");
    revoke(&app, &[("client_id", "app"), ("token", refresh)], None).await;
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")];
    let (status, body) = app.token_request(&form, None).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(userinfo_status(&app, text(&tokens, "access_token")).await, 401);
}

#[tokio::test]
async fn a_missing_token_or_client_is_refused_with_a_json_error() {
    let app = TestApp::with_portal().await;
    let cases = [
        (app.revoke(&[("token_type_hint", "access_token")], PORTAL.basic()).await, 400, "invalid_request"),
        (app.revoke(&[("token", "x")], None).await, 401, "invalid_client"),
        (app.revoke(&[("token", "x")], Some(("portal", "wrong"))).await, 401, "invalid_client"),
    ];
    for (response, status, error) in cases {
        assert_eq!(response.status(), status);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], error);
    }
}
