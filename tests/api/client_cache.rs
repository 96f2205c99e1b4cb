//! Clients and APIs reused for `client_cache_secs` on each node
//! (`store::read_cache`): a change made elsewhere (the command line, another
//! node) takes effect within the window, one made through this node at once,
//! and unknown ids are never kept.

use careid::audit::Origin;
use serde_json::json;

use crate::kit::apis::{LAB, MESSAGES};
use crate::kit::{PORTAL, TestApp, text};

const WINDOW: i64 = 5;

async fn cached_app() -> TestApp {
    let app = TestApp::spawn_with(|c| c.client_cache_secs = WINDOW).await;
    app.add_portal(json!({})).await;
    app
}

async fn client_credentials(app: &TestApp, basic: (&str, &str)) -> (u16, Option<String>) {
    let (status, body) = app.token_request(&[("grant_type", "client_credentials")], Some(basic)).await;
    (status, body["error"].as_str().map(String::from))
}

#[tokio::test]
async fn a_secret_rotated_at_the_command_line_stops_working_when_the_window_closes() {
    let app = cached_app().await;
    assert_eq!(client_credentials(&app, PORTAL.basic().unwrap()).await, (200, None));
    let printed = app.operator(&["clients", "rotate-secret", "portal"]);
    let new_secret = printed.split_whitespace().last().unwrap().to_string();
    // Another process changed the store: this node still has the client it
    // read. (The clock is real time plus what the test adds, and a real
    // second may pass meanwhile: two short of the window stays inside it.)
    app.clock.advance(WINDOW - 2);
    assert_eq!(client_credentials(&app, PORTAL.basic().unwrap()).await, (200, None));
    app.clock.advance(2);
    let refused = client_credentials(&app, PORTAL.basic().unwrap()).await;
    assert_eq!(refused, (401, Some("invalid_client".into())));
    assert_eq!(client_credentials(&app, ("portal", &new_secret)).await, (200, None));
}

#[tokio::test]
async fn a_change_made_through_this_node_takes_effect_at_once() {
    let app = cached_app().await;
    assert_eq!(client_credentials(&app, PORTAL.basic().unwrap()).await, (200, None));
    // What the Admin API's rotate-secret and DELETE call.
    careid::clients::administration::rotate_secret(&app.state, "portal", None, None, &Origin::default())
        .await
        .unwrap();
    let refused = client_credentials(&app, PORTAL.basic().unwrap()).await;
    assert_eq!(refused, (401, Some("invalid_client".into())), "the old secret, at once");
    careid::clients::administration::remove(&app.state, "portal", None, &Origin::default()).await.unwrap();
    let cached = app.state.client("portal").await.unwrap();
    assert!(cached.is_none(), "a removed client is gone at once");
}

#[tokio::test]
async fn an_unknown_client_is_not_remembered_as_unknown() {
    let app = TestApp::spawn_with(|c| c.client_cache_secs = WINDOW).await;
    let unknown = client_credentials(&app, PORTAL.basic().unwrap()).await;
    assert_eq!(unknown, (401, Some("invalid_client".into())));
    app.add_portal(json!({})).await;
    assert_eq!(client_credentials(&app, PORTAL.basic().unwrap()).await, (200, None), "usable at once");
}

#[tokio::test]
async fn an_api_changed_at_the_command_line_is_seen_when_the_window_closes() {
    let app = TestApp::spawn_with(|c| c.client_cache_secs = WINDOW).await;
    app.with_lab(json!({})).await;
    let alg = |body: serde_json::Value| jsonwebtoken::decode_header(text(&body, "access_token")).unwrap().alg;
    let (status, body) = app.client_token(&LAB, &[("resource", MESSAGES)]).await;
    assert_eq!((status, alg(body)), (200, jsonwebtoken::Algorithm::ES256));
    app.operator(&["apis", "update", MESSAGES, "--alg", "EdDSA"]);
    app.clock.advance(WINDOW - 2); // a real second may pass too, as above
    let (_, body) = app.client_token(&LAB, &[("resource", MESSAGES)]).await;
    assert_eq!(alg(body), jsonwebtoken::Algorithm::ES256, "the API as this node read it");
    app.clock.advance(2);
    let (_, body) = app.client_token(&LAB, &[("resource", MESSAGES)]).await;
    assert_eq!(alg(body), jsonwebtoken::Algorithm::EdDSA, "read again when the window closed");
}
