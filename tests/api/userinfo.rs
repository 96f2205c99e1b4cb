//! UserInfo (OIDC Core §5.3) and its bearer-token rules (RFC 6750).

use openidconnect::core::{CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{AccessToken, ClientId, IssuerUrl};
use serde_json::{Value, json};

use crate::kit::oauth::http;
use crate::kit::{CARE_APP, PATIENT, PORTAL, TestApp, text};

async fn app_with_patient() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    app.add_care_app().await;
    let user = app.add_patient(PATIENT).await;
    (app, user.id)
}

async fn get_userinfo(app: &TestApp, token: &str) -> reqwest::Response {
    app.client.get(app.url("/userinfo")).bearer_auth(token).send().await.unwrap()
}

fn challenge(response: &reqwest::Response) -> String {
    response.headers()["www-authenticate"].to_str().unwrap().to_string()
}

/// Status, `WWW-Authenticate` and the JSON `error` of a refused request.
async fn refusal(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let challenge = challenge(&response);
    let body: Value = response.json().await.unwrap();
    (status, challenge, body["error"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn the_relying_party_library_reads_userinfo_for_the_tokens_subject() {
    let (app, user_id) = app_with_patient().await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid email profile").tokens().await;
    let http = http();
    let provider =
        CoreProviderMetadata::discover_async(IssuerUrl::new(app.base.clone()).unwrap(), &http).await.unwrap();
    let client = CoreClient::from_provider_metadata(provider, ClientId::new("app".into()), None);
    let info: CoreUserInfoClaims = client
        .user_info(AccessToken::new(text(&tokens, "access_token").into()), None)
        .unwrap()
        .request_async(&http)
        .await
        .unwrap();
    assert_eq!(info.subject().as_str(), user_id);
    assert_eq!(info.email().map(|e| e.as_str()), Some(PATIENT));
    assert_eq!(info.email_verified(), Some(true));
    assert_eq!(info.name().and_then(|n| n.get(None)).map(|n| n.as_str()), Some("Test patient"));
}

#[tokio::test]
async fn the_token_is_accepted_in_a_get_header_a_post_header_and_a_post_body() {
    let (app, user_id) = app_with_patient().await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid email").tokens().await;
    let token = text(&tokens, "access_token");
    let responses = [
        get_userinfo(&app, token).await,
        app.client.post(app.url("/userinfo")).bearer_auth(token).send().await.unwrap(),
        app.client.post(app.url("/userinfo")).form(&[("access_token", token)]).send().await.unwrap(),
    ];
    for response in responses {
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, json!({ "sub": user_id, "email": PATIENT, "email_verified": true }));
    }
}

#[tokio::test]
async fn each_scope_releases_its_own_claims() {
    let (app, user_id) = app_with_patient().await;
    let cases: [(&str, &[&str]); 4] = [
        ("openid", &["sub"]),
        ("openid email", &["email", "email_verified", "sub"]),
        ("openid profile", &["family_name", "given_name", "name", "sub", "updated_at"]),
        ("openid careid", &["deployment", "role", "sub"]),
    ];
    for (scope, expected) in cases {
        let tokens = app.sign_in(&CARE_APP, PATIENT).scope(scope).tokens().await;
        let body: Value = get_userinfo(&app, text(&tokens, "access_token")).await.json().await.unwrap();
        let mut names: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
        names.sort();
        assert_eq!(names, expected, "{scope}: {body}");
        assert_eq!(body["sub"], json!(user_id));
        if scope == "openid careid" {
            assert_eq!(body["role"], "patient");
            assert_eq!(body["deployment"], "default");
        }
    }
}

#[tokio::test]
async fn a_request_without_a_token_gets_the_bare_bearer_challenge() {
    let (app, _) = app_with_patient().await;
    for response in [
        app.client.get(app.url("/userinfo")).send().await.unwrap(),
        app.client.post(app.url("/userinfo")).send().await.unwrap(),
        // Only the Bearer scheme carries a token here.
        app.client.get(app.url("/userinfo")).basic_auth("app", Some("x")).send().await.unwrap(),
    ] {
        assert_eq!(response.status(), 401);
        assert_eq!(challenge(&response), "Bearer");
    }
}

#[tokio::test]
async fn garbage_an_id_token_and_an_expired_token_are_invalid_token() {
    let (app, _) = app_with_patient().await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    for token in ["garbage", "a.b.c", text(&tokens, "id_token")] {
        let (status, challenge, error) = refusal(get_userinfo(&app, token).await).await;
        assert_eq!((status, error.as_str()), (401, "invalid_token"), "{token}");
        assert!(challenge.starts_with("Bearer error=\"invalid_token\", error_description=\""), "{challenge}");
    }
    app.clock.advance(601);
    let (status, challenge, error) = refusal(get_userinfo(&app, text(&tokens, "access_token")).await).await;
    assert_eq!((status, error.as_str()), (401, "invalid_token"));
    assert!(challenge.contains("expired"), "{challenge}");
}

#[tokio::test]
async fn a_revoked_access_token_is_invalid_token() {
    let (app, _) = app_with_patient().await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    let claims = app.access_claims(text(&tokens, "access_token"));
    let (jti, exp) = (claims["jti"].as_str().unwrap(), claims["exp"].as_i64().unwrap());
    app.state.store.revoke_access_token(jti, exp).await.unwrap();
    let (status, challenge, error) = refusal(get_userinfo(&app, text(&tokens, "access_token")).await).await;
    assert_eq!((status, error.as_str()), (401, "invalid_token"));
    assert!(challenge.contains("revoked"), "{challenge}");
}

#[tokio::test]
async fn the_tokens_of_a_revoked_grant_are_invalid_token() {
    let (app, _) = app_with_patient().await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    let claims = app.access_claims(text(&tokens, "access_token"));
    app.state.store.revoke_grant(claims["gid"].as_str().unwrap(), "test", app.clock.now()).await.unwrap();
    let (status, _, error) = refusal(get_userinfo(&app, text(&tokens, "access_token")).await).await;
    assert_eq!((status, error.as_str()), (401, "invalid_token"));
}

#[tokio::test]
async fn a_client_credentials_token_has_no_user_and_gets_insufficient_scope() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    let (status, tokens) = app.token_request(&[("grant_type", "client_credentials")], PORTAL.basic()).await;
    assert_eq!(status, 200, "{tokens}");
    let (status, challenge, error) = refusal(get_userinfo(&app, text(&tokens, "access_token")).await).await;
    assert_eq!((status, error.as_str()), (403, "insufficient_scope"));
    assert!(challenge.starts_with("Bearer error=\"insufficient_scope\""), "{challenge}");
}

#[tokio::test]
async fn a_token_in_both_header_and_body_is_invalid_request() {
    let (app, _) = app_with_patient().await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    let token = text(&tokens, "access_token");
    let response = app
        .client
        .post(app.url("/userinfo"))
        .bearer_auth(token)
        .form(&[("access_token", token)])
        .send()
        .await
        .unwrap();
    let (status, challenge, error) = refusal(response).await;
    assert_eq!((status, error.as_str()), (400, "invalid_request"));
    assert!(challenge.starts_with("Bearer error=\"invalid_request\""), "{challenge}");
}

#[tokio::test]
async fn a_disabled_account_can_no_longer_read_its_claims() {
    let (app, user_id) = app_with_patient().await;
    let tokens = app.sign_in(&CARE_APP, PATIENT).scope("openid").tokens().await;
    app.state
        .store
        .set_user_status(&user_id, careid::people::Status::Disabled, app.clock.now())
        .await
        .unwrap();
    let (status, _, error) = refusal(get_userinfo(&app, text(&tokens, "access_token")).await).await;
    assert_eq!((status, error.as_str()), (401, "invalid_token"));
}
