//! The reference API (`examples/resource_server.rs`) as the real consumer of
//! careid's tokens: it accepts a token for it on a route its scope opens,
//! refuses it on another, refuses tokens for other APIs, and follows key
//! rotation and revocation.

use careid::crypto::{Alg, KeyMaterial};
use reqwest::Method;
use serde_json::json;

use crate::kit::apis::{LAB, MESSAGES, RECORDS, RECORDS_SECRET};
use crate::kit::{Browser, CLINICIAN, PORTAL, TestApp, text};

#[tokio::test]
async fn a_records_read_token_opens_the_read_route_and_not_the_write_route() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let api = app.reference_api(RECORDS).await;
    let token = app.api_token(&LAB, RECORDS, "records.read").await;

    let read = api.read(&token).await;
    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!((read.body["sub"].as_str(), read.body["client_id"].as_str()), (Some("lab"), Some("lab")));

    let write = api.write(&token).await;
    assert_eq!((write.status, write.body["error"].as_str()), (403, Some("insufficient_scope")), "{write:?}");
    assert!(write.challenge.contains("error=\"insufficient_scope\", scope=\"records.write\""), "{write:?}");

    let both = app.api_token(&LAB, RECORDS, "records.read records.write").await;
    assert_eq!(api.write(&both).await.status, 201);
}

#[tokio::test]
async fn a_token_for_another_api_or_for_careid_is_refused() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let api = app.reference_api(RECORDS).await;
    let messages = app.api_token(&LAB, MESSAGES, "messages.send").await;
    let refused = api.read(&messages).await;
    assert_eq!((refused.status, refused.body["error"].as_str()), (401, Some("invalid_token")), "{refused:?}");
    assert!(refused.challenge.contains("error=\"invalid_token\""), "{refused:?}");
    assert!(refused.body["error_description"].as_str().unwrap().contains("aud"), "{refused:?}");

    let (status, careid) = app.client_token(&LAB, &[("scope", "careid:invite")]).await;
    assert_eq!(status, 200, "{careid}");
    assert_eq!(api.read(text(&careid, "access_token")).await.status, 401);
}

#[tokio::test]
async fn no_token_gets_a_bare_challenge_and_garbage_an_invalid_token() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let api = app.reference_api(RECORDS).await;
    for authorization in [None, Some("Basic bGFiOnNlY3JldA=="), Some("Bearer ")] {
        let answer = api.call(reqwest::Method::GET, authorization).await;
        assert_eq!(
            (answer.status, answer.challenge.as_str()),
            (401, "Bearer realm=\"api\""),
            "{authorization:?}"
        );
    }
    let token = app.api_token(&LAB, RECORDS, "records.read").await;
    let tampered = format!("{}x", &token[..token.len() - 1]);
    for bad in ["nonsense", "a.b.c", &tampered, &"x".repeat(10_000)] {
        let answer = api.read(bad).await;
        assert_eq!(
            (answer.status, answer.body["error"].as_str()),
            (401, Some("invalid_token")),
            "{answer:?}"
        );
    }
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let api = app.reference_api(RECORDS).await;
    let token = app.api_token(&LAB, RECORDS, "records.read").await;
    api.advance(600 + 25);
    assert_eq!(api.read(&token).await.status, 200, "within the leeway");
    api.advance(10);
    let answer = api.read(&token).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.body["error_description"], "the token has expired");
}

#[tokio::test]
async fn a_persons_token_for_the_api_works_and_their_id_token_does_not() {
    let app = TestApp::with_apis_and_portal(json!({})).await;
    let api = app.reference_api(RECORDS).await;
    let tokens =
        app.sign_in(&PORTAL, CLINICIAN).with("resource", RECORDS).scope("openid records.read").tokens().await;
    let read = api.read(text(&tokens, "access_token")).await;
    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!(read.body["sub"], json!(app.user(CLINICIAN).await.id));
    assert_eq!(read.body["client_id"], "portal");
    let id_token = api.read(text(&tokens, "id_token")).await;
    assert_eq!(id_token.status, 401);
    assert!(id_token.body["error_description"].as_str().unwrap().contains("typ"), "{id_token:?}");
}

#[tokio::test]
async fn a_key_rotated_at_careid_is_fetched_when_a_token_names_it() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let api = app.reference_api(RECORDS).await;
    let slow =
        app.reference_api_with(RECORDS, |s| s.refetch_after = std::time::Duration::from_secs(3600)).await;
    let before = app.api_token(&LAB, RECORDS, "records.read").await;
    assert_eq!(api.read(&before).await.status, 200);
    assert_eq!(slow.read(&before).await.status, 200);

    app.state.keyring.add_next(&KeyMaterial::generate(Alg::ES256), true).await.unwrap();
    let after = app.api_token(&LAB, RECORDS, "records.read").await;
    let kid = |t: &str| jsonwebtoken::decode_header(t).unwrap().kid.unwrap();
    assert_ne!(kid(&before), kid(&after));
    assert_eq!(api.read(&after).await.status, 200, "an unknown kid fetches the JWKS again");
    assert_eq!(api.read(&before).await.status, 200, "the retired key stays published");
    let answer = slow.read(&after).await;
    assert_eq!(answer.status, 401, "JWKS fetched too recently to fetch again: {answer:?}");
}

#[tokio::test]
async fn an_api_with_its_own_alg_gets_tokens_signed_with_it() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let scopes = ["records.read", "records.write"];
    app.add_api(json!({"id": RECORDS, "name": "Records API", "scopes": scopes, "alg": "EdDSA"})).await;
    let api = app.reference_api(RECORDS).await;
    let token = app.api_token(&LAB, RECORDS, "records.read").await;
    assert_eq!(jsonwebtoken::decode_header(&token).unwrap().alg, jsonwebtoken::Algorithm::EdDSA);
    assert_eq!(api.read(&token).await.status, 200);
}

#[tokio::test]
async fn with_introspection_revocation_and_sign_out_are_refused_at_once() {
    let app = TestApp::with_apis_and_portal(json!({})).await;
    let offline = app.reference_api(RECORDS).await;
    let online = app.reference_api_with(RECORDS, |s| s.secret = Some(RECORDS_SECRET.into())).await;

    let token = app.api_token(&LAB, RECORDS, "records.read").await;
    assert_eq!(online.read(&token).await.status, 200);
    let response = app.revoke(&[("token", &token)], LAB.basic()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(online.read(&token).await.status, 401, "introspection sees the revocation");
    assert_eq!(offline.read(&token).await.status, 200, "offline, a token stands until it expires");

    let browser = Browser::new(&app);
    let tokens = app
        .sign_in(&PORTAL, CLINICIAN)
        .with("resource", RECORDS)
        .scope("openid records.read")
        .in_browser(&browser)
        .tokens()
        .await;
    let access = text(&tokens, "access_token");
    assert_eq!(online.read(access).await.status, 200);
    let hint = format!("/end_session?id_token_hint={}", text(&tokens, "id_token"));
    browser.visit(&hint).await;
    let answer = online.read(access).await;
    assert_eq!(answer.status, 401, "{answer:?}");
    assert_eq!(answer.body["error_description"], "the token is no longer active");
}

#[tokio::test]
async fn a_sender_constrained_token_is_not_taken_as_a_bearer_token() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let api = app.reference_api(RECORDS).await;
    let now = app.clock.now();
    let claims = json!({
        "iss": app.base, "sub": "lab", "aud": RECORDS, "client_id": "lab", "scope": "records.read",
        "exp": now + 60, "iat": now, "jti": "j", "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}
    });
    let bound = app.state.keyring.sign(Alg::ES256, Some("at+jwt"), &claims).unwrap();
    let answer = api.read(&bound).await;
    assert_eq!((answer.status, answer.body["error"].as_str()), (401, Some("invalid_token")), "{answer:?}");
}

#[tokio::test]
async fn a_dpop_bound_token_is_accepted_with_a_fresh_proof_by_its_key_only() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let api = app.reference_api(RECORDS).await;
    let key = app.dpop_key(Alg::ES256);
    let form = [("grant_type", "client_credentials"), ("resource", RECORDS), ("scope", "records.read")];
    let answer = app.token_request_with_proof(&LAB, &form, Some(&key.proof("POST", "/token"))).await;
    let token = text(&answer.body, "access_token");
    let url = api.records_url();
    let dpop = format!("DPoP {token}");
    let proof = key.proof_for_url("GET", &url, token);
    let read = api.call_with_proof(Method::GET, Some(&dpop), Some(&proof)).await;
    assert_eq!((read.status, read.body["sub"].as_str()), (200, Some("lab")), "{read:?}");

    let other = app.dpop_key(Alg::ES256);
    let cases = [
        ("as a bearer token", format!("Bearer {token}"), None, "invalid_token"),
        ("no proof", dpop.clone(), None, "invalid_dpop_proof"),
        ("a replayed proof", dpop.clone(), Some(proof), "invalid_dpop_proof"),
        ("another key", dpop.clone(), Some(other.proof_for_url("GET", &url, token)), "invalid_token"),
        ("for POST", dpop.clone(), Some(key.proof_for_url("POST", &url, token)), "invalid_dpop_proof"),
        ("for careid", dpop.clone(), Some(key.proof_for("GET", "/records", token)), "invalid_dpop_proof"),
        ("another token", dpop.clone(), Some(key.proof_for_url("GET", &url, "x")), "invalid_dpop_proof"),
    ];
    for (why, authorization, proof, error) in cases {
        let answer = api.call_with_proof(Method::GET, Some(&authorization), proof.as_deref()).await;
        assert_eq!((answer.status, answer.body["error"].as_str()), (401, Some(error)), "{why}: {answer:?}");
        assert!(answer.challenge.starts_with("DPoP "), "{why}: {}", answer.challenge);
    }
    // A token careid did not bind is refused under the DPoP scheme.
    let bearer = app.api_token(&LAB, RECORDS, "records.read").await;
    let proof = key.proof_for_url("GET", &url, &bearer);
    let answer = api.call_with_proof(Method::GET, Some(&format!("DPoP {bearer}")), Some(&proof)).await;
    assert_eq!(answer.status, 401, "{answer:?}");
}
