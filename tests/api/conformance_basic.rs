//! careid's own conformance runner: the modules of the OpenID conformance
//! suite's Basic OP plan (oidcc-basic-certification-test-plan), each checked
//! over HTTP the way the suite checks it, with the `openidconnect` crate as the
//! relying party. One test per module, named after it. The official suite
//! needs Docker (see conformance/README.md); this runs in CI instead.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, RedirectUrl,
    Scope, TokenResponse,
};
use serde_json::json;

use crate::kit::oauth::{http, urlencoded};
use crate::kit::{Browser, Client, PASSWORD, Params, TestApp};

const CALLBACK: &str = "https://localhost.emobix.co.uk:8443/test/a/careid/callback";
const SECRET: &str = "conformance-client-secret-0123456789abcdef";
const SECRET2: &str = "conformance-client2-secret-0123456789abcdef";
const USER: &str = "conformance@example.com";
const CLIENT: Client = Client::confidential("client", CALLBACK, SECRET);
const CLIENT_SECRET_POST: Client = Client::confidential("client_secret_post", CALLBACK, SECRET);

/// The suite's setup: `client` (basic), `client_secret_post`, `client2`, one user.
async fn suite() -> TestApp {
    let app = TestApp::spawn().await;
    let scopes = json!(["openid", "profile", "email", "phone", "offline_access"]);
    for (id, secret, method) in [
        ("client", SECRET, "client_secret_basic"),
        ("client_secret_post", SECRET, "client_secret_post"),
        ("client2", SECRET2, "client_secret_basic"),
    ] {
        app.add_client(json!({
            "id": id, "name": id, "secret": secret, "auth_method": method, "first_party": true,
            "redirect_uris": [CALLBACK], "allowed_scopes": scopes
        }))
        .await;
    }
    app.add_patient(USER).await;
    app
}

struct Rp {
    client: CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    http: openidconnect::reqwest::Client,
}

async fn rp(app: &TestApp, id: &str, secret: &str) -> Rp {
    let http = http();
    let provider =
        CoreProviderMetadata::discover_async(IssuerUrl::new(app.base.clone()).unwrap(), &http).await.unwrap();
    let client = CoreClient::from_provider_metadata(
        provider,
        ClientId::new(id.into()),
        Some(ClientSecret::new(secret.into())),
    )
    .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).unwrap());
    Rp { client, http }
}

/// The authorization request of `client` for `scope`, state `st`, nonce `no` and `extra`.
fn query(app: &TestApp, client: &Client, scope: &str, extra: &[(&str, &str)]) -> String {
    let request = app.authorize(client).params(&[("scope", scope), ("state", "st"), ("nonce", "no")]);
    request.params(extra).url()
}

impl Rp {
    /// Exchanges `code` and verifies the ID token (nonce `no`), as the suite does.
    async fn exchange(&self, code: &str) -> (CoreIdTokenClaims, openidconnect::core::CoreTokenResponse) {
        let tokens = self
            .client
            .exchange_code(AuthorizationCode::new(code.into()))
            .unwrap()
            .request_async(&self.http)
            .await
            .expect("token exchange");
        let claims = tokens
            .id_token()
            .expect("ID token")
            .claims(&self.client.id_token_verifier(), &Nonce::new("no".into()))
            .expect("ID token verifies")
            .clone();
        (claims, tokens)
    }
}

async fn sign_in(browser: &Browser, url: &str) -> Params {
    browser.sign_in(url, USER, PASSWORD).await.params()
}

async fn silent(browser: &Browser, url: &str) -> Params {
    browser.visit(url).await.params()
}

#[tokio::test]
async fn oidcc_server() {
    let app = suite().await;
    let rp = rp(&app, "client", SECRET).await;
    let params = sign_in(&Browser::new(&app), &query(&app, &CLIENT, "openid", &[])).await;
    assert_eq!(params["state"], "st");
    assert_eq!(params["iss"], app.base);
    let (claims, _) = rp.exchange(&params["code"]).await;
    assert!(claims.auth_time().is_some());
    assert!(claims.access_token_hash().is_some());
}

#[tokio::test]
async fn oidcc_response_type_missing() {
    let app = suite().await;
    let q = app.authorize(&CLIENT).set("state", "st").remove("response_type").url();
    let params = silent(&Browser::new(&app), &q).await;
    assert!(matches!(params["error"].as_str(), "invalid_request" | "unsupported_response_type"));
    assert_eq!(params["state"], "st");
}

#[tokio::test]
async fn oidcc_idtoken_signature_and_idtoken_unsigned_not_advertised() {
    let app = suite().await;
    let discovery = app.get_json("/.well-known/openid-configuration").await;
    assert!(!discovery["id_token_signing_alg_values_supported"].as_array().unwrap().contains(&json!("none")));
    let params = sign_in(&Browser::new(&app), &query(&app, &CLIENT, "openid", &[])).await;
    let form = [("grant_type", "authorization_code"), ("code", &params["code"]), ("redirect_uri", CALLBACK)];
    let (status, tokens) = app.token_request(&form, CLIENT.basic()).await;
    assert_eq!(status, 200);
    let header = jsonwebtoken::decode_header(tokens["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256, "RS256 is the default");
    let jwks = app.get_json("/jwks.json").await;
    assert!(jwks["keys"].as_array().unwrap().iter().any(|k| k["kid"] == json!(header.kid.clone().unwrap())));
}

#[tokio::test]
async fn oidcc_ensure_request_without_nonce_succeeds_for_code_flow() {
    let app = suite().await;
    let q = app.authorize(&CLIENT).set("state", "st").url();
    let params = sign_in(&Browser::new(&app), &q).await;
    let form = [("grant_type", "authorization_code"), ("code", &params["code"]), ("redirect_uri", CALLBACK)];
    let (status, tokens) = app.token_request(&form, CLIENT.basic()).await;
    assert_eq!(status, 200);
    let claims = app.id_claims(&tokens);
    assert!(claims.get("nonce").is_none());
}

#[tokio::test]
async fn oidcc_scope_profile_email_phone_all_and_address_not_advertised() {
    let app = suite().await;
    let discovery = app.get_json("/.well-known/openid-configuration").await;
    assert!(!discovery["scopes_supported"].as_array().unwrap().contains(&json!("address")));
    let rp = rp(&app, "client", SECRET).await;
    let browser = Browser::new(&app);
    let params = sign_in(&browser, &query(&app, &CLIENT, "openid profile email phone", &[])).await;
    let (claims, _) = rp.exchange(&params["code"]).await;
    assert!(claims.name().is_some(), "profile");
    assert!(claims.given_name().is_some() && claims.family_name().is_some());
    assert_eq!(claims.email().map(|e| e.as_str()), Some(USER), "email");
    assert!(claims.phone_number().is_none(), "no phone on file: nothing invented");
}

#[tokio::test]
async fn oidcc_alternate_happy_flow() {
    let app = suite().await;
    let rp = rp(&app, "client", SECRET).await;
    // The parameters in another order than the usual one.
    let q = urlencoded(&[
        ("nonce", "no"),
        ("state", "st"),
        ("scope", "email openid"),
        ("response_type", "code"),
        ("redirect_uri", CALLBACK),
        ("client_id", "client"),
    ]);
    let params = sign_in(&Browser::new(&app), &format!("{}/authorize?{q}", app.base)).await;
    let (claims, _) = rp.exchange(&params["code"]).await;
    assert!(claims.email().is_some());
}

#[tokio::test]
async fn oidcc_display_page_popup_login_hint_ui_locales_claims_locales_unknown_parameter() {
    let app = suite().await;
    for extra in [
        ("display", "page"),
        ("display", "popup"),
        ("login_hint", USER),
        ("ui_locales", "se"),
        ("claims_locales", "se"),
        ("extra", "foobar"),
    ] {
        let params = sign_in(&Browser::new(&app), &query(&app, &CLIENT, "openid", &[extra])).await;
        assert!(params.contains_key("code"), "{extra:?}");
    }
}

#[tokio::test]
async fn oidcc_prompt_login() {
    let app = suite().await;
    let rp = rp(&app, "client", SECRET).await;
    let browser = Browser::new(&app);
    let first = sign_in(&browser, &query(&app, &CLIENT, "openid", &[])).await;
    let (first, _) = rp.exchange(&first["code"]).await;
    app.clock.advance(2);
    let second = sign_in(&browser, &query(&app, &CLIENT, "openid", &[("prompt", "login")])).await;
    let (second, _) = rp.exchange(&second["code"]).await;
    assert!(second.auth_time().unwrap() > first.auth_time().unwrap());
}

#[tokio::test]
async fn oidcc_prompt_none_not_logged_in() {
    let app = suite().await;
    let params = silent(&Browser::new(&app), &query(&app, &CLIENT, "openid", &[("prompt", "none")])).await;
    assert_eq!(params["error"], "login_required");
    assert_eq!(params["state"], "st");
}

#[tokio::test]
async fn oidcc_prompt_none_logged_in() {
    let app = suite().await;
    let rp = rp(&app, "client", SECRET).await;
    let browser = Browser::new(&app);
    let first = sign_in(&browser, &query(&app, &CLIENT, "openid", &[])).await;
    let (first, _) = rp.exchange(&first["code"]).await;
    let second = silent(&browser, &query(&app, &CLIENT, "openid", &[("prompt", "none")])).await;
    let (second, _) = rp.exchange(&second["code"]).await;
    assert_eq!(first.subject(), second.subject());
    assert_eq!(first.auth_time(), second.auth_time());
}

#[tokio::test]
async fn oidcc_max_age_1_and_max_age_10000() {
    let app = suite().await;
    let rp = rp(&app, "client", SECRET).await;
    let browser = Browser::new(&app);
    let first = sign_in(&browser, &query(&app, &CLIENT, "openid", &[])).await;
    let (first, _) = rp.exchange(&first["code"]).await;
    let kept = silent(&browser, &query(&app, &CLIENT, "openid", &[("max_age", "10000")])).await;
    let (kept, _) = rp.exchange(&kept["code"]).await;
    assert_eq!(kept.auth_time(), first.auth_time());
    app.clock.advance(2);
    let again = sign_in(&browser, &query(&app, &CLIENT, "openid", &[("max_age", "1")])).await;
    let (again, _) = rp.exchange(&again["code"]).await;
    assert!(again.auth_time().unwrap() > first.auth_time().unwrap());
}

#[tokio::test]
async fn oidcc_id_token_hint() {
    let app = suite().await;
    let rp = rp(&app, "client", SECRET).await;
    let browser = Browser::new(&app);
    let first = sign_in(&browser, &query(&app, &CLIENT, "openid", &[])).await;
    let (first, tokens) = rp.exchange(&first["code"]).await;
    let hint = tokens.id_token().unwrap().to_string();
    let again =
        silent(&browser, &query(&app, &CLIENT, "openid", &[("prompt", "none"), ("id_token_hint", &hint)]))
            .await;
    let (again, _) = rp.exchange(&again["code"]).await;
    assert_eq!(again.subject(), first.subject());
}

#[tokio::test]
async fn oidcc_ensure_request_with_acr_values_succeeds() {
    let app = suite().await;
    let rp = rp(&app, "client", SECRET).await;
    let params =
        sign_in(&Browser::new(&app), &query(&app, &CLIENT, "openid", &[("acr_values", "1 2")])).await;
    let (claims, _) = rp.exchange(&params["code"]).await;
    assert!(claims.auth_context_ref().is_some(), "acr is returned");
}

#[tokio::test]
async fn oidcc_codereuse() {
    let app = suite().await;
    let params = sign_in(&Browser::new(&app), &query(&app, &CLIENT, "openid", &[])).await;
    let form =
        [("grant_type", "authorization_code"), ("code", params["code"].as_str()), ("redirect_uri", CALLBACK)];
    assert_eq!(app.token_request(&form, CLIENT.basic()).await.0, 200);
    let (status, body) = app.token_request(&form, CLIENT.basic()).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn oidcc_ensure_registered_redirect_uri() {
    let app = suite().await;
    let evil = "https://localhost.emobix.co.uk:8443/test/a/careid/callback/evil";
    let q = app.authorize(&CLIENT).set("redirect_uri", evil).url();
    let (status, _, body) = Browser::new(&app).visit(&q).await.page();
    assert_eq!(status, 400);
    assert!(body.contains("id=\"error-message\""));
}

#[tokio::test]
async fn oidcc_ensure_post_request_succeeds() {
    let app = suite().await;
    let browser = Browser::new(&app);
    let request = app.authorize(&CLIENT).params(&[("state", "st"), ("nonce", "no")]);
    let (_, _, page) = browser.post_form("/authorize", &request.query()).await.page();
    assert!(browser.login(&page, USER, PASSWORD).await.params().contains_key("code"));
}

#[tokio::test]
async fn oidcc_server_client_secret_post() {
    let app = suite().await;
    let params = sign_in(&Browser::new(&app), &query(&app, &CLIENT_SECRET_POST, "openid", &[])).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", params["code"].as_str()),
        ("redirect_uri", CALLBACK),
        ("client_id", "client_secret_post"),
        ("client_secret", SECRET),
    ];
    let (status, body) = app.token_request(&form, None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["id_token"].is_string());
}

#[tokio::test]
async fn oidcc_remote_request_uri_and_unsigned_request_object_are_refused() {
    let app = suite().await;
    let discovery = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(discovery["request_parameter_supported"], json!(true));
    // Only /par's request_uri works (RFC 9126 §5); careid fetches none.
    assert_eq!(discovery["request_uri_parameter_supported"], json!(false));
    let browser = Browser::new(&app);
    let params =
        silent(&browser, &query(&app, &CLIENT, "openid", &[("request_uri", "https://x.example/r")])).await;
    assert_eq!(params["error"], "request_uri_not_supported");
    let params =
        silent(&browser, &query(&app, &CLIENT, "openid", &[("request", "eyJhbGciOiJub25lIn0.e30.")])).await;
    assert_eq!(params["error"], "invalid_request_object");
}

#[tokio::test]
async fn oidcc_refresh_token_is_bound_to_its_client() {
    let app = suite().await;
    let url = query(&app, &CLIENT, "openid offline_access", &[("prompt", "consent")]);
    let params = sign_in(&Browser::new(&app), &url).await;
    let form =
        [("grant_type", "authorization_code"), ("code", params["code"].as_str()), ("redirect_uri", CALLBACK)];
    let (_, tokens) = app.token_request(&form, CLIENT.basic()).await;
    let refresh = tokens["refresh_token"].as_str().expect("a refresh token");
    let refresh_form = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
    let (status, body) = app.token_request(&refresh_form, Some(("client2", SECRET2))).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "another client's token");
    let (status, body) = app.token_request(&refresh_form, CLIENT.basic()).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["id_token"].is_string());
}

#[tokio::test]
async fn oidcc_ensure_request_with_valid_pkce_succeeds() {
    let app = suite().await;
    let rp = rp(&app, "client", SECRET).await;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, _, nonce) = rp
        .client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let params = Browser::new(&app).sign_in(url.as_str(), USER, PASSWORD).await.params();
    let tokens = rp
        .client
        .exchange_code(AuthorizationCode::new(params["code"].clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&rp.http)
        .await
        .unwrap();
    tokens.id_token().unwrap().claims(&rp.client.id_token_verifier(), &nonce).unwrap();
}
