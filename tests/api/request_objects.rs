//! Signed request objects (RFC 9101, OIDC Core §6.1) at `/authorize` and
//! `/par`: verified against the client's registered keys, addressed to
//! careid, short-lived, used once, and the only source of the parameters.

use serde_json::{Value, json};

use crate::kit::oauth::urlencoded;
use crate::kit::par::unsigned;
use crate::kit::{Browser, CARE_APP, CLINICIAN, ClientKey, PASSWORD, PORTAL, TestApp, error_page, join_all};

/// careid with the Portal holding `key`, and the claims of the Portal's usual request.
async fn portal_with(key: &ClientKey) -> (TestApp, Value) {
    let app = TestApp::with_portal().await;
    app.add_portal_with_keys(&[key]).await;
    let claims = app.request_object_claims(&PORTAL, &app.authorize(&PORTAL).set("nonce", "inner"));
    (app, claims)
}

/// `/authorize` with `client_id`, `request` and `extra` outside.
fn authorize_with(app: &TestApp, request: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![("client_id", PORTAL.id), ("request", request)];
    pairs.extend_from_slice(extra);
    format!("{}/authorize?{}", app.base, urlencoded(&pairs))
}

fn with_nonce(claims: &Value, nonce: &str) -> Value {
    let mut claims = claims.clone();
    claims["nonce"] = json!(nonce);
    claims
}

async fn push_object(app: &TestApp, request: &str) -> (u16, Value) {
    app.push_form(&PORTAL, &[("request", request)]).await
}

#[tokio::test]
async fn a_signed_request_object_completes_the_code_flow_with_its_own_parameters() {
    let key = ClientKey::es256("k1");
    let (app, mut claims) = portal_with(&key).await;
    claims["state"] = json!("inner-state");
    claims["scope"] = json!("openid email");
    // Outside: OIDC's response_type and scope, and values the object overrides.
    let outside =
        [("response_type", "code"), ("scope", "openid"), ("state", "outer-state"), ("nonce", "outer")];
    let url = authorize_with(&app, &key.sign(&claims), &outside);
    let params = Browser::new(&app).sign_in(&url, CLINICIAN, PASSWORD).await.params();
    assert_eq!(params["state"], "inner-state");
    let id = app.id_claims(&app.exchange(&PORTAL, &params["code"]).await);
    assert_eq!((id["nonce"].as_str(), id["email"].as_str()), (Some("inner"), Some(CLINICIAN)));
}

#[tokio::test]
async fn a_signed_request_object_can_be_pushed_with_every_accepted_algorithm() {
    let keys = [
        ClientKey::es256("es"),
        ClientKey::ed25519("ed", "EdDSA"),
        ClientKey::ed25519("ed-9864", "Ed25519"),
        ClientKey::rsa("rs", "RS256"),
        ClientKey::rsa("ps", "PS256"),
    ];
    let app = TestApp::with_portal().await;
    app.add_portal_with_keys(&keys.iter().collect::<Vec<_>>()).await;
    for key in &keys {
        let claims = app.request_object_claims(&PORTAL, &app.authorize(&PORTAL).set("nonce", key.alg));
        let (status, body) = push_object(&app, &key.sign(&claims)).await;
        assert_eq!(status, 201, "{}: {body}", key.alg);
        let url = app.authorize_pushed(&PORTAL, body["request_uri"].as_str().unwrap());
        let params = Browser::new(&app).sign_in(&url, CLINICIAN, PASSWORD).await.params();
        let id = app.id_claims(&app.exchange(&PORTAL, &params["code"]).await);
        assert_eq!(id["nonce"], key.alg);
    }
    let doc = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(
        doc["request_object_signing_alg_values_supported"],
        json!(["RS256", "PS256", "ES256", "EdDSA", "Ed25519"])
    );
}

#[tokio::test]
async fn bad_request_objects_are_invalid_request_object_never_a_500() {
    let key = ClientKey::es256("k1");
    let (app, claims) = portal_with(&key).await;
    let now = app.clock.now();
    let with = |name: &str, value: Value| {
        let mut c = claims.clone();
        c[name] = value;
        c["jti"] = json!(uuid::Uuid::new_v4().to_string());
        key.sign(&c)
    };
    let without = |name: &str| {
        let mut c = claims.clone();
        c.as_object_mut().unwrap().remove(name);
        key.sign(&c)
    };
    let stranger = ClientKey::es256("k1");
    let header = |alg: &str, kid: &str, typ: &str| json!({"alg": alg, "kid": kid, "typ": typ});
    let signed = key.sign(&claims);
    let parts: Vec<&str> = signed.split('.').collect();
    let forged = careid::crypto::keys::b64(with_nonce(&claims, "forged").to_string().as_bytes());
    let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
    let cases: Vec<(&str, String)> = vec![
        ("bad signature", stranger.sign(&claims)),
        ("tampered", tampered),
        ("unsigned", unsigned(&claims)),
        ("HS256", key.sign_with_header(&header("HS256", "k1", "JWT"), &claims)),
        ("unknown kid", key.sign_with_header(&header("ES256", "nope", "JWT"), &claims)),
        ("another typ", key.sign_with_header(&header("ES256", "k1", "at+jwt"), &claims)),
        ("crit", key.sign_with_header(&json!({"alg": "ES256", "kid": "k1", "crit": ["x"]}), &claims)),
        ("wrong audience", with("aud", json!("https://other.example"))),
        ("no audience", without("aud")),
        ("wrong issuer", with("iss", json!("other"))),
        ("expired", with("exp", json!(now - 31))),
        ("no exp", without("exp")),
        ("exp too far ahead", with("exp", json!(now + 3600))),
        ("exp not a number", with("exp", json!("soon"))),
        ("nbf in the future", with("nbf", json!(now + 120))),
        ("iat in the future", with("iat", json!(now + 120))),
        ("no jti", without("jti")),
        ("another client_id", with("client_id", json!("other"))),
        ("nested request_uri", with("request_uri", json!("urn:x"))),
        ("repeated parameter", with("scope", json!(["openid", "email"]))),
        ("not a JWT", "not-a-jwt".into()),
        ("bad base64", "a.b.c".into()),
        ("encrypted", "a.b.c.d.e".into()),
        ("oversized", key.sign(&json!({"pad": "x".repeat(20_000)}))),
    ];
    for (case, request) in &cases {
        let (status, body) = push_object(&app, request).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request_object")), "{case}: {body}");
    }
    let browser = Browser::new(&app);
    for (case, request) in &cases {
        let page = error_page(browser.visit(&authorize_with(&app, request, &[])).await);
        assert_eq!(page, (400, "invalid_request_object".into()), "{case}");
    }
    // With a registered redirect URI outside, the client hears it there.
    let outside = [("redirect_uri", PORTAL.redirect_uri), ("state", "st")];
    let params = browser.visit(&authorize_with(&app, &cases[0].1, &outside)).await.params();
    assert_eq!((params["error"].as_str(), params["state"].as_str()), ("invalid_request_object", "st"));
}

#[tokio::test]
async fn a_client_without_keys_or_another_clients_object_is_refused() {
    let key = ClientKey::es256("k1");
    let (app, claims) = portal_with(&key).await;
    app.add_care_app().await;
    let mut theirs = claims.clone();
    theirs["iss"] = json!("app");
    theirs["client_id"] = json!("app");
    let request = key.sign(&theirs);
    let url = format!(
        "{}/authorize?{}",
        app.base,
        urlencoded(&[("client_id", CARE_APP.id), ("request", &request)])
    );
    assert_eq!(error_page(Browser::new(&app).visit(&url).await), (400, "invalid_request_object".into()));
    // The Portal's own object named by another client_id outside.
    let url = format!(
        "{}/authorize?{}",
        app.base,
        urlencoded(&[("client_id", "app"), ("request", &key.sign(&claims))])
    );
    assert_eq!(error_page(Browser::new(&app).visit(&url).await), (400, "invalid_request_object".into()));
    // OIDC Core §6.1: response_type outside must match the object's.
    let outside = [("response_type", "token"), ("redirect_uri", PORTAL.redirect_uri)];
    let params = Browser::new(&app).visit(&authorize_with(&app, &key.sign(&claims), &outside)).await.params();
    assert_eq!(params["error"], "invalid_request");
}

#[tokio::test]
async fn a_replayed_request_object_is_refused_at_authorize_and_at_par() {
    let key = ClientKey::es256("k1");
    let (app, claims) = portal_with(&key).await;
    let request = key.sign(&claims);
    let browser = Browser::new(&app);
    let (status, at, _) = browser.visit(&authorize_with(&app, &request, &[])).await.page();
    assert_eq!(status, 200, "{at}");
    assert_eq!(
        error_page(browser.visit(&authorize_with(&app, &request, &[])).await),
        (400, "invalid_request_object".into())
    );
    let (status, body) = push_object(&app, &request).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request_object")), "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("already used"), "{body}");
}

#[tokio::test]
async fn concurrent_pushes_of_one_request_object_let_exactly_one_through() {
    let key = ClientKey::es256("k1");
    let (app, claims) = portal_with(&key).await;
    let request = key.sign(&claims);
    let tasks = (0..6).map(|_| {
        let (http, url, request) = (app.client.clone(), app.url("/par"), request.clone());
        tokio::spawn(async move {
            let form = [("request", request.as_str())];
            let response =
                http.post(url).basic_auth("portal", PORTAL.secret).form(&form).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap()["error"].clone())
        })
    });
    let mut answers = join_all(tasks).await;
    answers.sort_by_key(|(status, _)| *status);
    assert_eq!(answers[0].0, 201, "{answers:?}");
    assert!(answers[1..].iter().all(|(s, e)| *s == 400 && e == "invalid_request_object"), "{answers:?}");
}

#[tokio::test]
async fn a_repeated_or_oversized_request_parameter_is_refused() {
    let key = ClientKey::es256("k1");
    let (app, claims) = portal_with(&key).await;
    let request = key.sign(&claims);
    let (status, body) = app.push_form(&PORTAL, &[("request", &request), ("request", &request)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");
    let browser = Browser::new(&app);
    let twice = format!("{}&{}", authorize_with(&app, &request, &[]), urlencoded(&[("request", &request)]));
    assert_eq!(error_page(browser.visit(&twice).await), (400, "invalid_request".into()));
    // Past 16 KiB, in the query or posted as a form.
    let oversized = key.sign(&json!({"pad": "x".repeat(20_000)}));
    let page = error_page(browser.visit(&authorize_with(&app, &oversized, &[])).await);
    assert_eq!(page, (400, "invalid_request_object".into()));
    let visit = browser.post_form("/authorize", &[("client_id", PORTAL.id), ("request", &oversized)]).await;
    assert_eq!(error_page(visit), (400, "invalid_request_object".into()));
    // The object was never spent: it still works once.
    let (status, at, _) = browser.visit(&authorize_with(&app, &request, &[])).await.page();
    assert_eq!(status, 200, "{at}");
}
