//! Account status changes and what they do to issued grants.

use careid::audit::Origin;
use careid::people::{Status, membership};
use serde_json::json;

use crate::kit::{CLINICIAN, PORTAL, TestApp, text};

#[tokio::test]
async fn disabling_an_account_revokes_its_refresh_tokens_at_once() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    let user = app.add_clinician(CLINICIAN).await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).tokens().await;
    let refresh = text(&tokens, "refresh_token");

    membership::set_status(&app.state, &user, Status::Disabled, None, &Origin::default()).await.unwrap();
    let (status, body) = app.refresh(&PORTAL, refresh).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));

    // Enabling again does not bring revoked grants back.
    let user = app.user(CLINICIAN).await;
    membership::set_status(&app.state, &user, Status::Active, None, &Origin::default()).await.unwrap();
    let (status, _) = app.refresh(&PORTAL, refresh).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn expired_grants_are_purged() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({ "refresh_token_ttl": 100 })).await;
    app.add_clinician(CLINICIAN).await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).tokens().await;
    let claims = app.access_claims(text(&tokens, "access_token"));
    let gid = claims["gid"].as_str().unwrap();
    assert_eq!(app.state.store.purge_expired_grants(app.clock.now()).await.unwrap(), 0);
    app.clock.advance(700);
    assert!(
        app.state.store.purge_expired_grants(app.clock.now()).await.unwrap() >= 2,
        "grant and its refresh token"
    );
    assert!(app.state.store.grant(gid).await.unwrap().is_none());
}
