//! Resource indicators (RFC 8707): `resource` at `/authorize` and `/token`
//! names the API an access token is for; one audience per token, the API's
//! scopes only, `invalid_target` for what cannot be a target.

use serde_json::{Value, json};

use crate::kit::apis::{LAB, MESSAGES, RECORDS};
use crate::kit::oauth::Client;
use crate::kit::{Browser, CLINICIAN, PASSWORD, PORTAL, TestApp, join_all, text};

fn header(token: &str) -> jsonwebtoken::Header {
    jsonwebtoken::decode_header(token).unwrap()
}

/// Status, `error` and `error_description` of a refused token request.
fn refusal((status, body): (u16, Value)) -> (u16, String, String) {
    (status, text(&body, "error").to_string(), text(&body, "error_description").to_string())
}

#[tokio::test]
async fn client_credentials_with_a_resource_gets_an_at_jwt_for_that_api() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let (status, body) = app.client_token(&LAB, &[("resource", RECORDS), ("scope", "records.read")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["token_type"].as_str(), body["expires_in"].as_i64()), (Some("Bearer"), Some(600)));
    assert_eq!(body["scope"], "records.read");
    let token = text(&body, "access_token");
    let header = header(token);
    assert_eq!((header.typ.as_deref(), header.alg), (Some("at+jwt"), jsonwebtoken::Algorithm::ES256));
    let claims = app.access_claims(token);
    assert_eq!(claims["aud"], RECORDS);
    assert_eq!((claims["scope"].as_str(), claims["client_id"].as_str()), (Some("records.read"), Some("lab")));
    assert_eq!(claims["sub"], "lab");

    let (_, all) = app.client_token(&LAB, &[("resource", RECORDS)]).await;
    assert_eq!(
        all["scope"], "records.read records.write",
        "without scope: all of the API's the client may have"
    );
}

#[tokio::test]
async fn without_a_resource_tokens_are_careids_as_before() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let (status, body) = app.client_token(&LAB, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "careid:invite");
    assert_eq!(app.access_claims(text(&body, "access_token"))["aud"], json!(app.base));
    let (status, description) = {
        let (status, _, description) = refusal(app.client_token(&LAB, &[("scope", "records.read")]).await);
        (status, description)
    };
    assert_eq!(status, 400);
    assert!(description.contains("resource"), "{description}");
    let (_, careid) = app.client_token(&LAB, &[("resource", &app.base), ("scope", "careid:invite")]).await;
    assert_eq!(
        app.access_claims(text(&careid, "access_token"))["aud"],
        json!(app.base),
        "the issuer names careid"
    );
}

#[tokio::test]
async fn unknown_malformed_repeated_and_unallowed_resources_are_invalid_target() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    app.add_client(json!({
        "id": "reader", "name": "Reader", "secret": "reader-secret-0123456789-abcdefghijk",
        "grant_types": ["client_credentials"], "allowed_scopes": ["records.read"]
    }))
    .await;
    let long = format!("https://api.example/{}", "x".repeat(300));
    let reader =
        Client::confidential("reader", "https://reader.example/cb", "reader-secret-0123456789-abcdefghijk");
    let cases: [(Client, &[&str], &str); 8] = [
        (LAB, &["https://api.example/unknown"], "not known"),
        (LAB, &["records"], "absolute URI"),
        (LAB, &["https://api.example/records#x"], "fragment"),
        (LAB, &["https://api.example/records?x=1"], "query"),
        (LAB, &[&long], "255"),
        (LAB, &[RECORDS, MESSAGES], "one resource"),
        (LAB, &[RECORDS, RECORDS], "one resource"),
        (reader, &[MESSAGES], "may not use"),
    ];
    for (client, resources, needle) in cases {
        let form: Vec<(&str, &str)> = resources.iter().map(|r| ("resource", *r)).collect();
        let (status, error, description) = refusal(app.client_token(&client, &form).await);
        assert_eq!((status, error.as_str()), (400, "invalid_target"), "{resources:?}: {description}");
        assert!(description.contains(needle), "{resources:?}: {description}");
    }
}

#[tokio::test]
async fn a_scope_of_another_target_is_invalid_scope() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    for scope in ["messages.send", "careid:invite", "records.read messages.send", "records.delete"] {
        let (status, error, description) =
            refusal(app.client_token(&LAB, &[("resource", RECORDS), ("scope", scope)]).await);
        assert_eq!((status, error.as_str()), (400, "invalid_scope"), "{scope}: {description}");
    }
}

#[tokio::test]
async fn a_default_resource_is_used_when_none_is_named() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({"default_resource": RECORDS})).await;
    let (status, body) = app.client_token(&LAB, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.access_claims(text(&body, "access_token"))["aud"], RECORDS);
    assert_eq!(body["scope"], "records.read records.write");
    let (_, messages) = app.client_token(&LAB, &[("resource", MESSAGES)]).await;
    assert_eq!(app.access_claims(text(&messages, "access_token"))["aud"], MESSAGES);
    let (_, careid) = app.client_token(&LAB, &[("resource", &format!("{}/", app.base))]).await;
    assert_eq!(careid["scope"], "careid:invite");
}

#[tokio::test]
async fn an_apis_lifetime_and_alg_shape_its_tokens() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    app.add_api(json!({
        "id": RECORDS, "name": "Records API", "scopes": ["records.read", "records.write"],
        "access_token_ttl": 120, "alg": "PS256"
    }))
    .await;
    let (status, body) = app.client_token(&LAB, &[("resource", RECORDS)]).await;
    assert_eq!((status, body["expires_in"].as_i64()), (200, Some(120)), "{body}");
    let token = text(&body, "access_token");
    assert_eq!(header(token).alg, jsonwebtoken::Algorithm::PS256);
    let claims = app.access_claims(token);
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 120);
}

async fn userinfo(app: &TestApp, token: &str) -> u16 {
    app.client.get(app.url("/userinfo")).bearer_auth(token).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_refresh_token_mints_for_any_granted_resource_down_scoped_never_up() {
    let app = TestApp::with_apis_and_portal(json!({})).await;
    let tokens = app
        .sign_in(&PORTAL, CLINICIAN)
        .with("resource", RECORDS)
        .scope("openid profile offline_access records.read")
        .tokens()
        .await;
    assert!(tokens.get("id_token").is_some(), "{tokens}");
    let access = text(&tokens, "access_token");
    let claims = app.access_claims(access);
    assert_eq!(
        (claims["aud"].as_str(), claims["scope"].as_str()),
        (Some(RECORDS), Some("openid profile offline_access records.read"))
    );
    assert_eq!(userinfo(&app, access).await, 401, "a token for the API is not careid's");
    let refresh = text(&tokens, "refresh_token");

    let up = refusal(refresh_with(&app, refresh, &[("scope", "records.write")]).await);
    assert_eq!((up.0, up.1.as_str()), (400, "invalid_scope"), "{up:?}");
    let elsewhere = refusal(refresh_with(&app, refresh, &[("resource", MESSAGES)]).await);
    assert_eq!((elsewhere.0, elsewhere.1.as_str()), (400, "invalid_target"), "{elsewhere:?}");

    let (status, careid) = refresh_with(&app, refresh, &[("resource", &app.base)]).await;
    assert_eq!(status, 200, "refusals left the refresh token usable: {careid}");
    assert_eq!(careid["scope"], "openid profile offline_access");
    assert_eq!(app.access_claims(text(&careid, "access_token"))["aud"], json!(app.base));
    assert_eq!(userinfo(&app, text(&careid, "access_token")).await, 200);

    let (status, down) =
        refresh_with(&app, text(&careid, "refresh_token"), &[("scope", "records.read")]).await;
    assert_eq!(status, 200, "{down}");
    assert_eq!(down["scope"], "records.read");
    let aud = &app.access_claims(text(&down, "access_token"))["aud"];
    assert_eq!(aud, RECORDS, "the grant's only resource by default");
    let (status, body) = refresh_with(&app, text(&down, "refresh_token"), &[]).await;
    assert_eq!(status, 200, "{body}");
}

/// The refresh_token grant of the Portal with `form` added.
async fn refresh_with(app: &TestApp, refresh_token: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let mut all = vec![("grant_type", "refresh_token"), ("refresh_token", refresh_token)];
    all.extend_from_slice(form);
    app.token_request_as(&PORTAL, &all).await
}

#[tokio::test]
async fn a_code_for_several_resources_is_exchanged_for_one_of_them() {
    let app = TestApp::with_apis_and_portal(json!({})).await;
    let code = app
        .sign_in(&PORTAL, CLINICIAN)
        .with("resource", RECORDS)
        .and("resource", MESSAGES)
        .scope("openid records.read messages.send")
        .code()
        .await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", PORTAL.redirect_uri),
        ("resource", MESSAGES),
    ];
    let (status, messages) = app.token_request_as(&PORTAL, &form).await;
    assert_eq!(status, 200, "{messages}");
    assert_eq!(messages["scope"], "openid messages.send");
    assert_eq!(app.access_claims(text(&messages, "access_token"))["aud"], MESSAGES);
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", text(&messages, "refresh_token")),
        ("resource", RECORDS),
    ];
    let (status, records) = app.token_request_as(&PORTAL, &form).await;
    assert_eq!((status, records["scope"].as_str()), (200, Some("openid records.read")), "{records}");
    let form = [("grant_type", "refresh_token"), ("refresh_token", text(&records, "refresh_token"))];
    let (_, neither) = app.token_request_as(&PORTAL, &form).await;
    assert_eq!(neither["scope"], "openid", "two resources and no default: careid's own token");
}

#[tokio::test]
async fn api_scopes_asked_for_without_their_resource_are_not_granted() {
    let app = TestApp::with_apis_and_portal(json!({})).await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid records.read").tokens().await;
    assert_eq!(tokens["scope"], "openid");
    assert_eq!(app.access_claims(text(&tokens, "access_token"))["aud"], json!(app.base));
}

#[tokio::test]
async fn a_bad_resource_at_authorize_goes_back_to_the_client_as_invalid_target() {
    let app = TestApp::with_apis_and_portal(json!({})).await;
    let eleven: Vec<String> = (0..11).map(|i| format!("https://api.example/{i}")).collect();
    let mut too_many = app.authorize(&PORTAL).set("state", "s1");
    for resource in &eleven {
        too_many = too_many.add("resource", resource);
    }
    for request in [
        app.authorize(&PORTAL).set("state", "s1").set("resource", "https://api.example/unknown"),
        app.authorize(&PORTAL).set("state", "s1").set("resource", "not a uri"),
        too_many,
    ] {
        let params = Browser::new(&app).visit(&request.url()).await.params();
        assert_eq!(params["error"], "invalid_target", "{params:?}");
        assert_eq!((params["state"].as_str(), params["iss"].as_str()), ("s1", app.base.as_str()));
    }
}

#[tokio::test]
async fn the_consent_page_shows_what_an_apis_scope_lets_the_client_do() {
    let app = TestApp::with_apis_and_portal(json!({"first_party": false})).await;
    let url = app.authorize(&PORTAL).set("resource", RECORDS).set("scope", "openid records.read").url();
    let (_, at, page) = Browser::new(&app).sign_in(&url, CLINICIAN, PASSWORD).await.page();
    assert!(at.contains("/consent?tx="), "{at}");
    assert!(page.contains("Read your health records (Records API)"), "{page}");
}

#[tokio::test]
async fn concurrent_token_requests_for_apis_each_get_their_own_token() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let tasks = (0..16).map(|i| {
        let (http, url) = (app.client.clone(), app.url("/token"));
        let resource = if i % 2 == 0 { RECORDS } else { MESSAGES };
        tokio::spawn(async move {
            let form = [("grant_type", "client_credentials"), ("resource", resource)];
            let response = http.post(url).basic_auth(LAB.id, LAB.secret).form(&form).send().await.unwrap();
            (resource, response.status().as_u16(), response.json::<Value>().await.unwrap())
        })
    });
    for (resource, status, body) in join_all(tasks).await {
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.access_claims(text(&body, "access_token"))["aud"], resource);
    }
}

#[tokio::test]
async fn a_resource_named_in_a_pushed_request_shapes_the_token_as_at_authorize() {
    let app = TestApp::with_apis_and_portal(json!({})).await;
    let request = app.authorize(&PORTAL).params(&[("scope", "openid records.read"), ("resource", RECORDS)]);
    let request_uri = app.request_uri(&PORTAL, &request).await;
    let params = Browser::new(&app)
        .sign_in(&app.authorize_pushed(&PORTAL, &request_uri), CLINICIAN, PASSWORD)
        .await
        .params();
    let tokens = app.exchange(&PORTAL, &params["code"]).await;
    assert_eq!(tokens["scope"], "openid records.read");
    assert_eq!(app.access_claims(text(&tokens, "access_token"))["aud"], RECORDS);
    // An unknown resource pushed is refused when the request is used, as at /authorize.
    let request = app.authorize(&PORTAL).params(&[("resource", "https://unknown.example/")]);
    let request_uri = app.request_uri(&PORTAL, &request).await;
    let params = Browser::new(&app).visit(&app.authorize_pushed(&PORTAL, &request_uri)).await.params();
    assert_eq!(params["error"], "invalid_target");
}
