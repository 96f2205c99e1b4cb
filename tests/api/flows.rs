//! What journeys share: the test clients and password, and the code flow
//! driven by hand (sign in, exchange at the token endpoint).

use serde_json::{Value, json};

use crate::browser::{Browser, Visit};
use crate::helpers::TestApp;

pub const PASSWORD: &str = "correct horse battery staple";
pub const APP_REDIRECT: &str = "com.example.careapp:/oauth/callback";
pub const PORTAL_REDIRECT: &str = "https://portal.example/cb";
pub const PORTAL_SECRET: &str = "portal-secret-0123456789-abcdefghijkl";

pub async fn add_app_client(app: &TestApp) {
    app.add_client(json!({
        "id": "app", "name": "Care App", "public": true, "first_party": true,
        "redirect_uris": [APP_REDIRECT], "allowed_roles": ["patient"]
    }))
    .await;
}

pub async fn add_portal_client(app: &TestApp, extra: Value) {
    let mut spec = json!({
        "id": "portal", "name": "Clinician Portal", "secret": PORTAL_SECRET, "first_party": true,
        "redirect_uris": [PORTAL_REDIRECT], "allowed_roles": ["clinician"]
    });
    spec.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    app.add_client(spec).await;
}

/// Signs `email` in to `client_id` by hand and returns the authorization response parameters.
pub async fn authorize(
    app: &TestApp,
    browser: &Browser,
    query: &[(&str, &str)],
    email: &str,
) -> std::collections::HashMap<String, String> {
    let url = format!("{}/authorize?{}", app.base, serde_urlencoded(query));
    browser.sign_in(&url, email, PASSWORD).await.params()
}

pub fn serde_urlencoded(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

pub async fn token_request(
    app: &TestApp,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> (u16, Value) {
    let mut request = app.client.post(app.url("/token")).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The authorization response for `query` in `browser`, signing `email` in
/// first when careid asks (the browser may already have a session).
pub async fn authorize_in_session(
    app: &TestApp,
    browser: &Browser,
    query: &[(&str, &str)],
    email: &str,
) -> std::collections::HashMap<String, String> {
    let url = format!("{}/authorize?{}", app.base, serde_urlencoded(query));
    match browser.visit(&url).await {
        Visit::Page { body, url, .. } if url.contains("/login?tx=") => {
            browser.login(&body, email, PASSWORD).await.params()
        }
        visit => visit.params(),
    }
}

/// Redeems `code` for a confidential client; panics unless the token endpoint answers 200.
pub async fn exchange(app: &TestApp, code: &str, redirect_uri: &str, client: (&str, &str)) -> Value {
    let form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect_uri)];
    let (status, tokens) = token_request(app, &form, Some(client)).await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}
