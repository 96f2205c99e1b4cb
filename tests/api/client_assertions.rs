//! private_key_jwt as relying-party libraries written elsewhere send it
//! (RFC 7523, OIDC Core §9): authlib names the token endpoint as audience
//! wherever it calls, openid-client names the issuer and signs Ed25519 keys
//! with `alg: "Ed25519"` (RFC 9864). Every endpoint that authenticates
//! clients accepts the same audiences and algorithms, and refuses the rest
//! with a clean `invalid_client`.

use careid::crypto::Alg;
use serde_json::{Value, json};

use crate::kit::TestApp;
use crate::kit::assertions::{KeyClient, b64_json};

/// The endpoints that authenticate clients, each with a request the Lab may make there.
const ENDPOINTS: [&str; 3] = ["/token", "/introspect", "/revoke"];

/// A request to `path` authenticated by `assertion`: a client_credentials
/// grant at /token, the Lab's own fresh access token at /introspect and /revoke.
async fn call(app: &TestApp, lab: &KeyClient, path: &str, assertion: &str) -> (u16, Value) {
    if path == "/token" {
        return app.post_with_assertion(path, &[("grant_type", "client_credentials")], assertion).await;
    }
    let (status, tokens) = app
        .post_with_assertion(
            "/token",
            &[("grant_type", "client_credentials")],
            &lab.assertion(lab.alg(), json!(app.base)),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
    let token = tokens["access_token"].as_str().unwrap();
    app.post_with_assertion(path, &[("token", token)], assertion).await
}

fn assert_accepted(path: &str, (status, body): (u16, Value)) {
    assert_eq!(status, 200, "{path}: {body}");
    match path {
        "/token" => assert_eq!(body["token_type"], "Bearer", "{body}"),
        "/introspect" => assert_eq!(body["active"], true, "{body}"),
        _ => assert_eq!(body, Value::Null),
    }
}

fn assert_refused(path: &str, (status, body): (u16, Value), why: &str) {
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{path}: {body}");
    let description = body["error_description"].as_str().unwrap();
    assert!(description.starts_with("client_assertion rejected: "), "{path}: {description}");
    assert!(description.contains(why), "{path}: {description}");
}

#[tokio::test]
async fn an_assertion_naming_the_token_endpoint_authenticates_at_every_endpoint() {
    // authlib's PrivateKeyJWT(token_endpoint), used for introspection and revocation too.
    let app = TestApp::spawn().await;
    let lab = app.add_key_client(Alg::ES256).await;
    for path in ENDPOINTS {
        let assertion = lab.assertion("ES256", json!(app.url("/token")));
        assert_accepted(path, call(&app, &lab, path, &assertion).await);
    }
}

#[tokio::test]
async fn an_assertion_naming_the_issuer_or_the_endpoint_called_is_accepted_alone_or_in_an_array() {
    let app = TestApp::spawn().await;
    let lab = app.add_key_client(Alg::ES256).await;
    for path in ENDPOINTS {
        for aud in [
            json!(app.base),
            json!(app.url(path)),
            json!(["https://other.example", app.url("/token")]),
            json!([app.base]),
        ] {
            let assertion = lab.assertion("ES256", aud.clone());
            let answer = call(&app, &lab, path, &assertion).await;
            assert_eq!(answer.0, 200, "{path} with aud {aud}: {}", answer.1);
        }
    }
}

#[tokio::test]
async fn an_assertion_for_another_audience_is_refused_at_every_endpoint() {
    let app = TestApp::spawn().await;
    let lab = app.add_key_client(Alg::ES256).await;
    let elsewhere = [
        json!("https://other.example/token"),
        json!(app.url("/userinfo")),
        json!(format!("{}/", app.base)),
        json!([]),
        json!(["https://other.example"]),
    ];
    for path in ENDPOINTS {
        for aud in &elsewhere {
            let answer = call(&app, &lab, path, &lab.assertion("ES256", aud.clone())).await;
            assert_refused(path, answer, "aud must name the issuer, the token endpoint or");
        }
    }
}

#[tokio::test]
async fn an_ed25519_named_assertion_authenticates_at_every_endpoint() {
    // openid-client v6 signs with an Ed25519 key as `alg: "Ed25519"` and names the issuer.
    let app = TestApp::spawn().await;
    let lab = app.add_key_client(Alg::EdDSA).await;
    for path in ENDPOINTS {
        for alg in ["Ed25519", "EdDSA"] {
            let assertion = lab.assertion(alg, json!(app.base));
            assert_accepted(path, call(&app, &lab, path, &assertion).await);
        }
    }
}

#[tokio::test]
async fn an_ed25519_named_assertion_needs_an_ed25519_key() {
    let app = TestApp::spawn().await;
    let lab = app.add_key_client(Alg::ES256).await;
    // The header says Ed25519, the Lab's only key is P-256: nothing can verify it.
    let assertion = lab.assertion("Ed25519", json!(app.base));
    assert_refused("/token", call(&app, &lab, "/token", &assertion).await, "no key fits its alg and kid");
}

#[tokio::test]
async fn an_unaccepted_algorithm_is_a_clean_invalid_client_never_a_parser_message() {
    let app = TestApp::spawn().await;
    let lab = app.add_key_client(Alg::ES256).await;
    let now = app.clock.now();
    let claims = json!({ "iss": "lab", "sub": "lab", "aud": app.base, "exp": now + 60, "jti": "j" });
    for path in ENDPOINTS {
        for alg in ["HS256", "none", "ES512", "Ed448", "RSA-OAEP", "eddsa"] {
            // Signed or not, the name alone decides.
            let unsigned = format!("{}.{}.c2lnbmF0dXJl", b64_json(&json!({ "alg": alg })), b64_json(&claims));
            let (status, body) = call(&app, &lab, path, &unsigned).await;
            let expected = format!(r#"client_assertion rejected: algorithm "{alg}" is not accepted"#);
            assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{alg}: {body}");
            assert_eq!(body["error_description"], expected, "{path}");
        }
        // RFC 7519 §6.1's unsecured JWT: an empty signature.
        let unsecured = format!("{}.{}.", b64_json(&json!({ "alg": "none" })), b64_json(&claims));
        let (_, body) = call(&app, &lab, path, &unsecured).await;
        assert_eq!(
            body["error_description"],
            r#"client_assertion rejected: algorithm "none" is not accepted"#
        );
        for (header, why) in [
            (json!({ "kid": "k1" }), "its header has no alg"),
            (json!({ "alg": 256 }), "its header has an alg that is not a string"),
            (json!({ "alg": "ES256", "crit": ["exp"] }), "critical extensions"),
        ] {
            let assertion = format!("{}.{}.c2lnbmF0dXJl", b64_json(&header), b64_json(&claims));
            assert_refused(path, call(&app, &lab, path, &assertion).await, why);
        }
    }
}

#[tokio::test]
async fn a_malformed_assertion_is_named_for_what_is_wrong() {
    let app = TestApp::spawn().await;
    let lab = app.add_key_client(Alg::EdDSA).await;
    let now = app.clock.now();
    let header = json!({ "alg": "Ed25519", "kid": "k1" });
    let cases = [
        (json!({ "iss": "lab", "sub": "lab", "exp": now + 60, "jti": "a" }), "missing field `aud`"),
        (
            json!({ "iss": "lab", "sub": "lab", "aud": 7, "exp": now + 60, "jti": "b" }),
            "aud must be a string",
        ),
        (
            json!({ "iss": "lab", "sub": "lab", "aud": app.base, "exp": "soon", "jti": "b" }),
            "claims are malformed",
        ),
        (
            json!({ "iss": "lab", "sub": "other", "aud": app.base, "exp": now + 60, "jti": "c" }),
            "iss and sub",
        ),
        (json!({ "iss": "lab", "sub": "lab", "aud": app.base, "exp": now + 60 }), "jti is required"),
    ];
    for (claims, why) in cases {
        assert_refused("/token", call(&app, &lab, "/token", &lab.sign(&header, &claims)).await, why);
    }
    let mut forged = lab.assertion("Ed25519", json!(app.base));
    forged.replace_range(forged.len() - 4.., "AAAA");
    assert_refused("/token", call(&app, &lab, "/token", &forged).await, "the signature does not verify");
}

#[tokio::test]
async fn discovery_advertises_ed25519_beside_eddsa_for_client_assertions() {
    let app = TestApp::spawn().await;
    let discovery = app.get_json("/.well-known/openid-configuration").await;
    let expected = json!(["RS256", "PS256", "ES256", "EdDSA", "Ed25519"]);
    for field in [
        "token_endpoint_auth_signing_alg_values_supported",
        "introspection_endpoint_auth_signing_alg_values_supported",
        "revocation_endpoint_auth_signing_alg_values_supported",
    ] {
        assert_eq!(discovery[field], expected, "{field}");
    }
    // careid signs with EdDSA and never names it otherwise.
    let signing = discovery["id_token_signing_alg_values_supported"].as_array().unwrap();
    assert!(!signing.contains(&json!("Ed25519")), "{signing:?}");
}
