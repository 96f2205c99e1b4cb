//! Discovery, JWKS, health, metrics and the edges every request crosses.

use careid::crypto::Alg;
use jsonwebtoken::{DecodingKey, Validation, jwk::JwkSet};
use serde_json::{Value, json};

use crate::kit::{CLINICIAN, PORTAL, TestApp};

#[tokio::test]
async fn discovery_names_the_configured_issuer_and_jwks() {
    let app = TestApp::spawn().await;
    let doc = app.get_json("/.well-known/openid-configuration").await;
    let issuer = format!("http://localhost:{}", app.addr.port());
    assert_eq!(doc["issuer"], json!(issuer));
    assert_eq!(doc["jwks_uri"], json!(format!("{issuer}/jwks.json")));
    assert_eq!(doc["subject_types_supported"], json!(["public"]));
    assert_eq!(doc["authorization_endpoint"], json!(format!("{issuer}/authorize")));
    assert_eq!(doc["token_endpoint"], json!(format!("{issuer}/token")));
    assert_eq!(doc["userinfo_endpoint"], json!(format!("{issuer}/userinfo")));
    assert_eq!(doc["introspection_endpoint"], json!(format!("{issuer}/introspect")));
    assert_eq!(doc["revocation_endpoint"], json!(format!("{issuer}/revoke")));
    assert_eq!(
        doc["introspection_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "private_key_jwt"])
    );
    assert_eq!(
        doc["revocation_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "private_key_jwt", "none"])
    );
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(doc["authorization_response_iss_parameter_supported"], json!(true));
    assert_eq!(doc["id_token_signing_alg_values_supported"], json!(["RS256", "PS256", "ES256", "EdDSA"]));
    assert_eq!(doc["end_session_endpoint"], json!(format!("{issuer}/end_session")));
    assert_eq!(doc["backchannel_logout_supported"], json!(true));
    assert_eq!(doc["backchannel_logout_session_supported"], json!(true));
    assert!(doc.get("frontchannel_logout_supported").is_none());
    assert_eq!(doc["pushed_authorization_request_endpoint"], json!(format!("{issuer}/par")));
    assert_eq!(doc["require_pushed_authorization_requests"], json!(false));
    assert_eq!(doc["request_parameter_supported"], json!(true));
    assert_eq!(doc["request_uri_parameter_supported"], json!(false));
    assert_eq!(
        doc["request_object_signing_alg_values_supported"],
        json!(["RS256", "PS256", "ES256", "EdDSA", "Ed25519"])
    );
    assert!(doc.get("require_request_uri_registration").is_none());
}

#[tokio::test]
async fn discovery_ignores_forged_host_headers() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .client
        .get(app.url("/.well-known/openid-configuration"))
        .header("Host", "evil.example")
        .header("X-Forwarded-Host", "evil.example")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!doc.to_string().contains("evil.example"), "{doc}");
}

#[tokio::test]
async fn jwks_publishes_one_key_per_algorithm_with_kid_alg_use_and_cache_headers() {
    let app = TestApp::spawn().await;
    let response = app.get("/jwks.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=300");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let set: JwkSet = response.json().await.unwrap();
    let mut algs: Vec<String> = set
        .keys
        .iter()
        .map(|k| {
            assert!(k.common.key_id.as_ref().is_some_and(|kid| kid.len() == 43));
            assert_eq!(k.common.public_key_use, Some(jsonwebtoken::jwk::PublicKeyUse::Signature));
            format!("{:?}", k.common.key_algorithm.expect("alg"))
        })
        .collect();
    algs.sort();
    assert_eq!(algs, ["ES256", "EdDSA", "PS256", "RS256"]);
}

#[tokio::test]
async fn tokens_signed_by_the_keyring_verify_against_the_published_jwks() {
    let app = TestApp::spawn().await;
    let set: JwkSet = app.get("/jwks.json").await.json().await.unwrap();
    for alg in Alg::ALL {
        let claims = json!({ "sub": "someone", "exp": app.clock.now() + 60, "aud": "x" });
        let token = app.state.keyring.sign(alg, Some("JWT"), &claims).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        let jwk = set.find(header.kid.as_deref().unwrap()).expect("kid is published");
        let key = DecodingKey::from_jwk(jwk).unwrap();
        let mut validation = Validation::new(alg.as_str().parse().unwrap());
        validation.set_audience(&["x"]);
        let decoded = jsonwebtoken::decode::<Value>(&token, &key, &validation).expect("verifies");
        assert_eq!(decoded.claims["sub"], "someone");
    }
}

#[tokio::test]
async fn health_and_readiness_report_both_stores() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get_json("/healthz").await, json!({ "status": "ok" }));
    assert_eq!(
        app.get_json("/readyz").await,
        json!({ "status": "ready", "durable": "ok", "ephemeral": "ok" })
    );
}

#[tokio::test]
async fn readiness_is_503_when_the_durable_store_is_gone() {
    let app = TestApp::spawn().await;
    app.state.store.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "status": "not_ready", "durable": "unavailable", "ephemeral": "ok" }));
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn unknown_paths_get_a_json_404() {
    let app = TestApp::spawn().await;
    for path in ["/nope", "/.well-known/nope", "/%00", "/a/../../etc/passwd", &"x/".repeat(2000)] {
        let response = app.get(&format!("/{path}")).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "not_found");
    }
}

#[tokio::test]
async fn wrong_method_on_discovery_is_405() {
    let app = TestApp::spawn().await;
    let response = app.client.post(app.url("/.well-known/openid-configuration")).send().await.unwrap();
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert!(!response.headers()["x-request-id"].is_empty());
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    assert_eq!(response.headers()["referrer-policy"], "same-origin");
    let given = app.client.get(app.url("/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(given.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_and_status() {
    let app = TestApp::spawn().await;
    app.get("/jwks.json").await;
    app.get("/no-such-page-xyz").await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(text.contains(r#"http_requests_total{method="GET",route="/jwks.json",status="200"}"#), "{text}");
    assert!(text.contains(r#"route="unmatched",status="404""#), "{text}");
    assert!(!text.contains("no-such-page-xyz"), "raw paths must not become labels");
    assert!(text.contains("http_request_duration_seconds_bucket"), "{text}");
}

#[tokio::test]
async fn metrics_count_sign_ins_and_issued_tokens() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    app.add_clinician(CLINICIAN).await;
    app.sign_in(&PORTAL, CLINICIAN).tokens().await;
    let (status, _) = app.token_request(&[("grant_type", "password")], PORTAL.basic()).await;
    assert_eq!(status, 400);
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(text.contains(r#"careid_events_total{kind="login.success"}"#), "{text}");
    assert!(text.contains(r#"careid_tokens_issued_total{grant_type="authorization_code"}"#), "{text}");
    assert!(text.contains(r#"careid_token_errors_total{error="unsupported_grant_type"}"#), "{text}");
}
