//! Account status changes and what they do to issued grants.

use careid::accounts::{Role, Status};
use serde_json::json;

use crate::browser::Browser;
use crate::flows::{PORTAL_REDIRECT, PORTAL_SECRET, add_portal_client, authorize, token_request};
use crate::helpers::TestApp;

#[tokio::test]
async fn disabling_an_account_revokes_its_refresh_tokens_at_once() {
    let app = TestApp::spawn().await;
    add_portal_client(&app, json!({})).await;
    let user = app.add_user("doc@example.com", crate::flows::PASSWORD, Role::Clinician).await;
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid"),
    ];
    let params = authorize(&app, &Browser::new(&app), &query, "doc@example.com").await;
    let form =
        [("grant_type", "authorization_code"), ("code", &params["code"]), ("redirect_uri", PORTAL_REDIRECT)];
    let (_, tokens) = token_request(&app, &form, Some(("portal", PORTAL_SECRET))).await;
    let refresh = tokens["refresh_token"].as_str().unwrap();

    careid::accounts::registry::set_status(&app.state.store, &user.id, Status::Disabled, app.clock.now())
        .await
        .unwrap();
    let (status, body) = token_request(
        &app,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        Some(("portal", PORTAL_SECRET)),
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));

    // Enabling again does not bring revoked grants back.
    careid::accounts::registry::set_status(&app.state.store, &user.id, Status::Active, app.clock.now())
        .await
        .unwrap();
    let (status, _) = token_request(
        &app,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
        Some(("portal", PORTAL_SECRET)),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn expired_grants_are_purged() {
    let app = TestApp::spawn().await;
    add_portal_client(&app, json!({ "refresh_token_ttl": 100 })).await;
    app.add_user("doc@example.com", crate::flows::PASSWORD, Role::Clinician).await;
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid"),
    ];
    let params = authorize(&app, &Browser::new(&app), &query, "doc@example.com").await;
    let form =
        [("grant_type", "authorization_code"), ("code", &params["code"]), ("redirect_uri", PORTAL_REDIRECT)];
    let (_, tokens) = token_request(&app, &form, Some(("portal", PORTAL_SECRET))).await;
    let claims: serde_json::Value =
        app.state.keyring.verify(tokens["access_token"].as_str().unwrap(), &app.base, None).unwrap();
    let gid = claims["gid"].as_str().unwrap();
    assert_eq!(app.state.store.purge_expired_grants(app.clock.now()).await.unwrap(), 0);
    app.clock.advance(700);
    assert!(
        app.state.store.purge_expired_grants(app.clock.now()).await.unwrap() >= 2,
        "grant and its refresh token"
    );
    assert!(app.state.store.grant(gid).await.unwrap().is_none());
}
