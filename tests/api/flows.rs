//! The clients, users and flows the journey tests share: the public Care App,
//! the confidential Clinician Portal, signing in, and posting forms to the
//! back-channel endpoints.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::browser::{Browser, Visit};
use crate::helpers::TestApp;

pub const PASSWORD: &str = "correct horse battery staple";
pub const APP_REDIRECT: &str = "com.example.careapp:/oauth/callback";
pub const PORTAL_REDIRECT: &str = "https://portal.example/cb";
pub const PORTAL_SECRET: &str = "portal-secret-0123456789-abcdefghijkl";
pub const PORTAL: Option<(&str, &str)> = Some(("portal", PORTAL_SECRET));
pub const PATIENT: &str = "pat@example.com";
pub const CLINICIAN: &str = "doc@example.com";

/// An HTTP client for the `openidconnect` crate.
pub fn http() -> openidconnect::reqwest::Client {
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The public Care App (auth method none, 5 s refresh grace); patients only.
pub async fn add_app_client(app: &TestApp) {
    app.add_client(json!({
        "id": "app", "name": "Care App", "public": true, "first_party": true,
        "redirect_uris": [APP_REDIRECT], "allowed_roles": ["patient"]
    }))
    .await;
}

/// The confidential Clinician Portal (client_secret_basic unless `extra` says
/// otherwise); clinicians only.
pub async fn add_portal_client(app: &TestApp, extra: Value) {
    let mut spec = json!({
        "id": "portal", "name": "Clinician Portal", "secret": PORTAL_SECRET, "first_party": true,
        "redirect_uris": [PORTAL_REDIRECT], "allowed_roles": ["clinician"]
    });
    spec.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    app.add_client(spec).await;
}

/// Signs `email` in by hand and returns the authorization response parameters.
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

/// POSTs `form` to `path`, with HTTP Basic client credentials if given.
pub async fn post_form(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).form(form);
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    request.send().await.unwrap()
}

pub async fn token_request(
    app: &TestApp,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> (u16, Value) {
    let response = post_form(app, "/token", form, basic).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

pub async fn introspect(app: &TestApp, token: &str, basic: Option<(&str, &str)>) -> (u16, Value) {
    let response = post_form(app, "/introspect", &[("token", token)], basic).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Whether the Portal's introspection calls `token` active.
pub async fn is_active(app: &TestApp, token: &str) -> bool {
    let (status, body) = introspect(app, token, PORTAL).await;
    assert_eq!(status, 200, "{body}");
    body["active"].as_bool().unwrap()
}

/// The code redeemed for tokens: `email` signs in to the App with PKCE.
pub async fn app_tokens(app: &TestApp, scope: &str, email: &str) -> Value {
    let verifier = "v".repeat(43);
    let challenge = careid::crypto::keys::b64(&Sha256::digest(verifier.as_bytes()));
    let query = [
        ("response_type", "code"),
        ("client_id", "app"),
        ("redirect_uri", APP_REDIRECT),
        ("scope", scope),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let params = authorize(app, &Browser::new(app), &query, email).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", params["code"].as_str()),
        ("redirect_uri", APP_REDIRECT),
        ("client_id", "app"),
        ("code_verifier", verifier.as_str()),
    ];
    let (status, body) = token_request(app, &form, None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The code redeemed for tokens: `email` signs in to the Portal.
pub async fn portal_tokens(app: &TestApp, scope: &str, email: &str) -> Value {
    let code = portal_code(app, scope, email).await;
    let form =
        [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", PORTAL_REDIRECT)];
    let (status, body) = token_request(app, &form, PORTAL).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// An authorization code for the Portal, not yet redeemed.
pub async fn portal_code(app: &TestApp, scope: &str, email: &str) -> String {
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", scope),
    ];
    authorize(app, &Browser::new(app), &query, email).await["code"].clone()
}

/// The claims of an access token careid issued (signature checked, expiry not).
pub fn access_claims(app: &TestApp, token: &str) -> Value {
    app.state.keyring.verify(token, &app.base, None).unwrap()
}

/// `field` of a JSON body as a string, for forms.
pub fn text<'a>(body: &'a Value, field: &str) -> &'a str {
    body[field].as_str().unwrap_or_else(|| panic!("no {field} in {body}"))
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
