//! The token endpoint's edges (RFC 6749 §3.2, §5.2): client authentication by
//! each method, the client_credentials grant, and malformed requests that must
//! get JSON errors, never a 500.

use jsonwebtoken::{EncodingKey, Header};
use p256::ecdsa::SigningKey;
use p256::elliptic_curve::Generate;
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use serde_json::{Value, json};

use crate::kit::{CLINICIAN, PORTAL, PORTAL_REDIRECT, PORTAL_SECRET, TestApp};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

async fn raw_token_request(
    app: &TestApp,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/token"))
        .basic_auth("portal", Some(PORTAL_SECRET))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_wrong_basic_secret_is_401_with_a_basic_challenge() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    let response =
        app.post_form("/token", &[("grant_type", "client_credentials")], Some(("portal", "wrong"))).await;
    assert_eq!(response.status(), 401);
    assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn client_secret_post_works_for_its_client_and_basic_is_refused() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({ "auth_method": "client_secret_post" })).await;
    let form =
        [("grant_type", "client_credentials"), ("client_id", "portal"), ("client_secret", PORTAL_SECRET)];
    let (status, body) = app.token_request(&form, None).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.token_request(&[("grant_type", "client_credentials")], PORTAL.basic()).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");
}

/// A client registered with one ES256 key, and that key to sign assertions.
async fn add_key_client(app: &TestApp) -> EncodingKey {
    let key = SigningKey::generate_from_rng(&mut rand::rng());
    let point = key.verifying_key().to_sec1_point(false);
    let b64 = careid::crypto::keys::b64;
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": "k1", "alg": "ES256", "use": "sig",
        "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())
    });
    app.add_client(json!({
        "id": "lab", "name": "Lab", "auth_method": "private_key_jwt", "jwks": { "keys": [jwk] },
        "grant_types": ["client_credentials"], "allowed_scopes": ["careid:invite"]
    }))
    .await;
    let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap();
    EncodingKey::from_ec_pem(pem.as_bytes()).unwrap()
}

fn assertion(app: &TestApp, key: &EncodingKey, aud: &str, jti: &str) -> String {
    let claims = json!({ "iss": "lab", "sub": "lab", "aud": aud, "exp": app.clock.now() + 60, "jti": jti });
    signed(key, &claims)
}

fn signed(key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some("k1".into());
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

/// Claims for the token endpoint with the given times, relative to now.
fn timed(app: &TestApp, jti: &str, exp: i64, iat: Option<i64>, nbf: Option<i64>) -> Value {
    let now = app.clock.now();
    let mut claims =
        json!({ "iss": "lab", "sub": "lab", "aud": app.url("/token"), "exp": now + exp, "jti": jti });
    if let Some(iat) = iat {
        claims["iat"] = json!(now + iat);
    }
    if let Some(nbf) = nbf {
        claims["nbf"] = json!(now + nbf);
    }
    claims
}

async fn with_assertion(app: &TestApp, assertion: &str) -> (u16, Value) {
    let form = [
        ("grant_type", "client_credentials"),
        ("client_assertion_type", JWT_BEARER),
        ("client_assertion", assertion),
    ];
    app.token_request(&form, None).await
}

#[tokio::test]
async fn a_private_key_jwt_assertion_authenticates_once() {
    let app = TestApp::spawn().await;
    let key = add_key_client(&app).await;
    let signed = assertion(&app, &key, &app.url("/token"), "jti-1");
    let (status, body) = with_assertion(&app, &signed).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "careid:invite");
    let (status, body) = with_assertion(&app, &signed).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("already used"), "{body}");
}

#[tokio::test]
async fn a_private_key_jwt_assertion_for_another_audience_or_signer_is_refused() {
    let app = TestApp::spawn().await;
    let key = add_key_client(&app).await;
    let elsewhere = assertion(&app, &key, "https://other.example/token", "jti-2");
    let (status, body) = with_assertion(&app, &elsewhere).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");
    let stranger = EncodingKey::from_ec_pem(
        SigningKey::generate_from_rng(&mut rand::rng()).to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
    )
    .unwrap();
    let forged = assertion(&app, &stranger, &app.url("/token"), "jti-3");
    let (status, body) = with_assertion(&app, &forged).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");
}

#[tokio::test]
async fn a_private_key_jwt_assertion_valid_too_long_or_only_in_the_future_is_refused() {
    let app = TestApp::spawn().await;
    let key = add_key_client(&app).await;
    let cases = [
        (timed(&app, "far-exp", 3600, Some(0), None), "exp is more than 5 minutes ahead"),
        (timed(&app, "future-iat", 120, Some(120), None), "iat is in the future"),
        (timed(&app, "future-nbf", 120, Some(0), Some(120)), "nbf is in the future"),
        (timed(&app, "expired", -60, Some(-120), None), "expired"),
    ];
    for (claims, why) in cases {
        let (status, body) = with_assertion(&app, &signed(&key, &claims)).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{claims}: {body}");
        assert!(body["error_description"].as_str().unwrap().contains(why), "{claims}: {body}");
    }
}

#[tokio::test]
async fn a_private_key_jwt_assertion_just_inside_the_time_window_is_accepted() {
    let app = TestApp::spawn().await;
    let key = add_key_client(&app).await;
    // Five minutes of life and a client clock 50 s ahead are both tolerated.
    let claims = timed(&app, "edge", 300, Some(50), Some(50));
    let (status, body) = with_assertion(&app, &signed(&key, &claims)).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = with_assertion(&app, &signed(&key, &claims)).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");
}

#[tokio::test]
async fn client_credentials_serve_the_portal_but_not_the_public_app() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    app.add_care_app().await;
    let (status, body) = app.token_request(&[("grant_type", "client_credentials")], PORTAL.basic()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none(), "{body}");
    let (status, body) =
        app.token_request(&[("grant_type", "client_credentials"), ("client_id", "app")], None).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")), "{body}");
    let form = [("grant_type", "client_credentials"), ("scope", "openid")];
    let (status, body) = app.token_request(&form, PORTAL.basic()).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")), "{body}");
}

#[tokio::test]
async fn an_unknown_grant_type_is_unsupported_grant_type() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    for grant_type in ["password", "urn:ietf:params:oauth:grant-type:device_code"] {
        let (status, body) = app.token_request(&[("grant_type", grant_type)], PORTAL.basic()).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("unsupported_grant_type")), "{body}");
    }
}

#[tokio::test]
async fn malformed_requests_get_json_errors_never_a_500() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    let form = "application/x-www-form-urlencoded";
    let cases: Vec<(&str, &str, Vec<u8>, u16)> = vec![
        ("missing grant_type", form, b"scope=openid".to_vec(), 400),
        ("repeated parameter", form, b"grant_type=authorization_code&code=a&code=b".to_vec(), 400),
        ("JSON body", "application/json", br#"{"grant_type":"client_credentials"}"#.to_vec(), 400),
        ("bad percent-encoding", form, b"grant_type=client%ZZcredentials".to_vec(), 400),
        ("truncated percent-encoding", form, b"grant_type=client_credentials%2".to_vec(), 400),
        ("invalid UTF-8", form, b"grant_type=%FF%FE".to_vec(), 400),
        (
            "over 64 KiB",
            form,
            format!("grant_type=client_credentials&x={}", "a".repeat(65 * 1024)).into(),
            413,
        ),
    ];
    for (what, content_type, body, expected) in cases {
        let (status, body) = raw_token_request(&app, content_type, body).await;
        assert_eq!(status, expected, "{what}: {body}");
        assert_eq!(body["error"], "invalid_request", "{what}: {body}");
    }
}

#[tokio::test]
async fn two_concurrent_redemptions_of_one_code_yield_exactly_one_token_response() {
    let app = TestApp::with_portal().await;
    let code = app.sign_in(&PORTAL, CLINICIAN).code().await;
    let form =
        [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", PORTAL_REDIRECT)];
    let (a, b) =
        tokio::join!(app.token_request(&form, PORTAL.basic()), app.token_request(&form, PORTAL.basic()));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 400], "{} {}", a.1, b.1);
    let loser = if a.0 == 400 { a.1 } else { b.1 };
    assert_eq!(loser["error"], "invalid_grant");
}
