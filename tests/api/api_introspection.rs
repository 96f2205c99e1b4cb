//! Introspection for APIs (RFC 7662 with RFC 8707 audiences): an API
//! authenticates with its own credentials and learns only about tokens for
//! it; revocation, sign-out, a disabled account and a password reset show at
//! once; `Accept: application/token-introspection+jwt` gets a signed JWT (RFC 9701).

use jsonwebtoken::{EncodingKey, Header};
use p256::ecdsa::SigningKey;
use p256::elliptic_curve::Generate;
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use serde_json::{Value, json};

use crate::kit::apis::{LAB, MESSAGES, RECORDS, RECORDS_SECRET};
use crate::kit::{Browser, CLINICIAN, PORTAL, PORTAL_SECRET, TestApp, text};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const JWT_ANSWER: &str = "application/token-introspection+jwt";

#[tokio::test]
async fn an_api_learns_about_its_own_tokens() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let token = app.api_token(&LAB, RECORDS, "records.read").await;
    let response = app.introspect_as_api(RECORDS, RECORDS_SECRET, &token, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!((body["active"].as_bool(), body["token_type"].as_str()), (Some(true), Some("Bearer")));
    assert_eq!((body["aud"].as_str(), body["scope"].as_str()), (Some(RECORDS), Some("records.read")));
    assert_eq!((body["client_id"].as_str(), body["sub"].as_str()), (Some("lab"), Some("lab")));
    let claims = app.access_claims(&token);
    for field in ["iss", "exp", "iat", "nbf", "jti"] {
        assert_eq!(body[field], claims[field], "{field}");
    }
}

#[tokio::test]
async fn tokens_for_others_and_anything_else_are_inactive() {
    let app = TestApp::with_apis_and_portal(json!({})).await;
    let messages = app.api_token(&LAB, MESSAGES, "messages.send").await;
    let (_, careid) = app.client_token(&LAB, &[]).await;
    let tokens =
        app.sign_in(&PORTAL, CLINICIAN).with("resource", RECORDS).scope("openid records.read").tokens().await;
    let long = "x".repeat(5000);
    for token in [
        messages.as_str(),
        text(&careid, "access_token"),
        text(&tokens, "refresh_token"),
        text(&tokens, "id_token"),
        "nonsense",
        "a.b.c",
        &long,
    ] {
        assert_eq!(app.records_api_sees(token).await, json!({"active": false}), "{token}");
    }
    assert_eq!(app.records_api_sees(text(&tokens, "access_token")).await["active"], true);
    // The client the token was issued to still sees it, as before.
    let (status, own) = app.introspect(text(&tokens, "access_token"), PORTAL.basic()).await;
    assert_eq!((status, own["aud"].as_str()), (200, Some(RECORDS)), "{own}");
}

#[tokio::test]
async fn an_api_must_prove_who_it_is() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let token = app.api_token(&LAB, RECORDS, "records.read").await;
    for (api, secret) in [(RECORDS, "wrong-secret-0123456789-abcdefghijklm"), (MESSAGES, RECORDS_SECRET)] {
        let response = app.introspect_as_api(api, secret, &token, None).await;
        assert_eq!(response.status(), 401, "{api}");
        assert_eq!(response.headers()["www-authenticate"], "Basic realm=\"careid\"");
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_client");
    }
    let posted = [("client_id", RECORDS), ("client_secret", RECORDS_SECRET), ("token", &token)];
    let response = app.post_form("/introspect", &posted, None).await;
    assert_eq!(response.status(), 401, "an API does not post its secret");
    let bare = [("client_id", RECORDS), ("token", token.as_str())];
    assert_eq!(app.post_form("/introspect", &bare, None).await.status(), 401);
    let encoded = "https%3A%2F%2Fapi.example%2Frecords";
    let response = app.post_form("/introspect", &[], Some((encoded, RECORDS_SECRET))).await;
    assert_eq!(response.status(), 400, "authenticated, but no token");
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_request");
    // Sent as many libraries send it, the id unencoded, it is still found.
    let (status, body) = app.introspect(&token, Some((RECORDS, RECORDS_SECRET))).await;
    assert_eq!((status, body["active"].as_bool()), (200, Some(true)), "{body}");
    let (status, _) = app.introspect(&token, Some((RECORDS, "wrong-secret-0123456789-abcdefghijklm"))).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn revocation_sign_out_disabling_and_a_password_reset_show_at_once() {
    let app = TestApp::with_apis_and_portal(json!({})).await;
    let own = app.api_token(&LAB, RECORDS, "records.read").await;
    assert_eq!(app.revoke(&[("token", &own)], LAB.basic()).await.status(), 200);
    assert_eq!(app.records_api_sees(&own).await["active"], false, "revoked by its client");

    let browser = Browser::new(&app);
    let tokens = signed_in(&app, &browser).await;
    assert_eq!(app.records_api_sees(text(&tokens, "access_token")).await["active"], true);
    browser.visit(&format!("/end_session?id_token_hint={}", text(&tokens, "id_token"))).await;
    assert_eq!(app.records_api_sees(text(&tokens, "access_token")).await["active"], false, "signed out");

    let tokens = signed_in(&app, &browser).await;
    app.operator(&["users", "disable", CLINICIAN]);
    assert_eq!(app.records_api_sees(text(&tokens, "access_token")).await["active"], false, "disabled");
    app.operator(&["users", "enable", CLINICIAN]);

    let tokens = signed_in(&app, &browser).await;
    app.forgot_password(CLINICIAN).await;
    let link = app.link_mailed_to(CLINICIAN).await;
    assert_eq!(app.reset_password(&link, "a brand new passphrase").await.0, 200);
    assert_eq!(app.records_api_sees(text(&tokens, "access_token")).await["active"], false, "password reset");
}

/// The clinician's tokens for the Records API, signed in to the Portal in `browser`.
async fn signed_in(app: &TestApp, browser: &Browser) -> Value {
    let request = app.sign_in(&PORTAL, CLINICIAN).with("resource", RECORDS).scope("openid records.read");
    request.in_session(browser).tokens().await
}

#[tokio::test]
async fn an_expired_token_is_inactive() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let token = app.api_token(&LAB, RECORDS, "records.read").await;
    app.clock.advance(601);
    assert_eq!(app.records_api_sees(&token).await, json!({"active": false}));
}

/// The Records API with one ES256 key besides its secret, and that key.
async fn records_with_key(app: &TestApp) -> EncodingKey {
    let key = SigningKey::generate_from_rng(&mut rand::rng());
    let point = key.verifying_key().to_sec1_point(false);
    let b64 = careid::crypto::keys::b64;
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "kid": "rk1", "alg": "ES256", "use": "sig",
        "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap())
    });
    app.add_api(json!({
        "id": RECORDS, "name": "Records API", "scopes": ["records.read", "records.write"],
        "secret": RECORDS_SECRET, "jwks": {"keys": [jwk]}
    }))
    .await;
    EncodingKey::from_ec_pem(key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes()).unwrap()
}

fn assertion(app: &TestApp, key: &EncodingKey, aud: &str, exp: i64, jti: &str) -> String {
    let claims =
        json!({ "iss": RECORDS, "sub": RECORDS, "aud": aud, "exp": app.clock.now() + exp, "jti": jti });
    let mut header = Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some("rk1".into());
    jsonwebtoken::encode(&header, &claims, key).unwrap()
}

async fn introspect_with_assertion(app: &TestApp, assertion: &str, token: &str) -> (u16, Value) {
    let form = [("client_assertion_type", JWT_BEARER), ("client_assertion", assertion), ("token", token)];
    let response = app.post_form("/introspect", &form, None).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn an_api_may_authenticate_with_private_key_jwt_once_per_assertion() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let key = records_with_key(&app).await;
    let token = app.api_token(&LAB, RECORDS, "records.read").await;
    let signed = assertion(&app, &key, &app.url("/introspect"), 60, "a-1");
    let (status, body) = introspect_with_assertion(&app, &signed, &token).await;
    assert_eq!((status, body["active"].as_bool()), (200, Some(true)), "{body}");
    let (status, body) = introspect_with_assertion(&app, &signed, &token).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "replayed: {body}");
    for (aud, exp, jti) in
        [("https://elsewhere.example/introspect", 60, "a-2"), (&*app.url("/introspect"), -120, "a-3")]
    {
        let (status, body) =
            introspect_with_assertion(&app, &assertion(&app, &key, aud, exp, jti), &token).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{aud} {exp}: {body}");
    }
    let issuer_aud = assertion(&app, &key, &app.base, 60, "a-4");
    assert_eq!(
        introspect_with_assertion(&app, &issuer_aud, &token).await.0,
        200,
        "the issuer is an audience too"
    );
}

#[tokio::test]
async fn the_jwt_answer_is_signed_for_the_api_that_asked() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    app.add_api(json!({
        "id": RECORDS, "name": "Records API", "scopes": ["records.read", "records.write"],
        "secret": RECORDS_SECRET, "alg": "EdDSA"
    }))
    .await;
    let token = app.api_token(&LAB, RECORDS, "records.read").await;
    let response = app.introspect_as_api(RECORDS, RECORDS_SECRET, &token, Some(JWT_ANSWER)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], JWT_ANSWER);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let jwt = response.text().await.unwrap();
    let header = jsonwebtoken::decode_header(&jwt).unwrap();
    assert_eq!(
        (header.typ.as_deref(), header.alg),
        (Some("token-introspection+jwt"), jsonwebtoken::Algorithm::EdDSA)
    );
    let answer: Value = app.state.keyring.verify(&jwt, &app.base, None).unwrap();
    assert_eq!((answer["iss"].as_str(), answer["aud"].as_str()), (Some(app.base.as_str()), Some(RECORDS)));
    assert!((app.clock.now() - 5..=app.clock.now()).contains(&answer["iat"].as_i64().unwrap()));
    assert!(answer.get("sub").is_none() && answer.get("exp").is_none(), "not usable as a token: {answer}");
    let inner = &answer["token_introspection"];
    assert_eq!(
        (inner["active"].as_bool(), inner["scope"].as_str()),
        (Some(true), Some("records.read")),
        "{answer}"
    );

    let other = app.api_token(&LAB, MESSAGES, "messages.send").await;
    let response = app.introspect_as_api(RECORDS, RECORDS_SECRET, &other, Some(JWT_ANSWER)).await;
    let answer: Value = app.state.keyring.verify(&response.text().await.unwrap(), &app.base, None).unwrap();
    assert_eq!(answer["token_introspection"], json!({"active": false}));
}

#[tokio::test]
async fn a_client_may_ask_for_the_jwt_answer_too() {
    let app = TestApp::with_portal().await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).tokens().await;
    let response = app
        .client
        .post(app.url("/introspect"))
        .basic_auth(PORTAL.id, Some(PORTAL_SECRET))
        .header("accept", "application/json;q=0.5, application/token-introspection+jwt")
        .form(&[("token", text(&tokens, "access_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], JWT_ANSWER);
    let jwt = response.text().await.unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(&jwt).unwrap().alg,
        jsonwebtoken::Algorithm::RS256,
        "RFC 9701 default"
    );
    let answer: Value = app.state.keyring.verify(&jwt, &app.base, None).unwrap();
    assert_eq!(
        (answer["aud"].as_str(), answer["token_introspection"]["active"].as_bool()),
        (Some("portal"), Some(true))
    );
}

#[tokio::test]
async fn discovery_advertises_the_signed_introspection_answer() {
    let app = TestApp::spawn().await;
    let doc = app.get_json("/.well-known/openid-configuration").await;
    let algs = doc["introspection_signing_alg_values_supported"].as_array().unwrap();
    for alg in ["ES256", "EdDSA", "PS256", "RS256"] {
        assert!(algs.contains(&json!(alg)), "{doc}");
    }
    assert_eq!(doc["introspection_endpoint"], json!(app.url("/introspect")));
    assert_eq!(doc["request_parameter_supported"], true, "signed request objects are supported");
}
