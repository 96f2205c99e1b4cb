//! The authorization code flow as a certified relying-party library drives it
//! (the `openidconnect` crate), plus the rejections around it.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use serde_json::json;

use crate::kit::oauth::http;
use crate::kit::{
    APP_REDIRECT, Browser, CARE_APP, CLINICIAN, PASSWORD, PATIENT, PKCE_VERIFIER, PORTAL, PORTAL_REDIRECT,
    PORTAL_SECRET, TestApp, text,
};

#[tokio::test]
async fn public_app_completes_code_flow_with_pkce_and_verifies_the_id_token() {
    let app = TestApp::spawn().await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    let http = http();
    let provider =
        CoreProviderMetadata::discover_async(IssuerUrl::new(app.base.clone()).unwrap(), &http).await.unwrap();
    let client = CoreClient::from_provider_metadata(provider, ClientId::new("app".into()), None)
        .set_redirect_uri(RedirectUrl::new(APP_REDIRECT.into()).unwrap());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();

    let browser = Browser::new(&app);
    let params = browser.sign_in(url.as_str(), PATIENT, PASSWORD).await.params();
    assert_eq!(params["state"], *state.secret());
    assert_eq!(params["iss"], app.base);

    let tokens = client
        .exchange_code(AuthorizationCode::new(params["code"].clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let id_token = tokens.id_token().expect("an ID token");
    let verifier = client.id_token_verifier();
    let claims = id_token.claims(&verifier, &nonce).expect("the library accepts the ID token");
    assert_eq!(claims.email().map(|e| e.as_str()), Some(PATIENT));
    assert_eq!(claims.email_verified(), Some(true));
    assert!(claims.auth_time().is_some());
    let expected = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&expected));
    assert!(tokens.refresh_token().is_some());
    let scopes: Vec<String> = tokens.scopes().unwrap().iter().map(|s| s.to_string()).collect();
    assert_eq!(scopes, ["openid", "email", "profile"]);
}

/// The Portal's request for `openid email` with state `s-1` and nonce `n-1`, and `extra`.
fn portal_url(app: &TestApp, extra: &[(&str, &str)]) -> String {
    let request =
        app.authorize(&PORTAL).params(&[("scope", "openid email"), ("state", "s-1"), ("nonce", "n-1")]);
    request.params(extra).url()
}

#[tokio::test]
async fn confidential_client_with_each_id_token_alg_is_verified_by_the_library() {
    for alg in ["RS256", "PS256", "ES256", "EdDSA"] {
        let app = TestApp::spawn().await;
        app.add_portal(json!({ "id_token_alg": alg })).await;
        app.add_clinician(CLINICIAN).await;
        let http = http();
        let provider = CoreProviderMetadata::discover_async(IssuerUrl::new(app.base.clone()).unwrap(), &http)
            .await
            .unwrap();
        let client = CoreClient::from_provider_metadata(
            provider,
            ClientId::new("portal".into()),
            Some(ClientSecret::new(PORTAL_SECRET.into())),
        )
        .set_redirect_uri(RedirectUrl::new(PORTAL_REDIRECT.into()).unwrap());
        let (url, _, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .url();
        let params = Browser::new(&app).sign_in(url.as_str(), CLINICIAN, PASSWORD).await.params();
        let tokens = client
            .exchange_code(AuthorizationCode::new(params["code"].clone()))
            .unwrap()
            .request_async(&http)
            .await
            .unwrap_or_else(|e| panic!("{alg}: {e:?}"));
        let id_token = tokens.id_token().unwrap();
        let verifier =
            client.id_token_verifier().set_allowed_algs(vec![id_token.signing_alg().unwrap().clone()]);
        id_token.claims(&verifier, &nonce).unwrap_or_else(|e| panic!("{alg}: {e:?}"));
        let used = serde_json::to_value(id_token.signing_alg().unwrap()).unwrap();
        assert_eq!(used, json!(alg));
    }
}

#[tokio::test]
async fn a_replayed_code_fails_and_revokes_what_it_produced() {
    let app = TestApp::with_portal().await;
    let code = app.sign_in(&PORTAL, CLINICIAN).scope("openid email").code().await;
    let first = app.exchange(&PORTAL, &code).await;
    let form =
        [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", PORTAL_REDIRECT)];
    let (status, again) = app.token_request(&form, PORTAL.basic()).await;
    assert_eq!(status, 400);
    assert_eq!(again["error"], "invalid_grant");
    let claims = app.access_claims(text(&first, "access_token"));
    let grant = app.state.store.grant(claims["gid"].as_str().unwrap()).await.unwrap().unwrap();
    assert_eq!(grant.revoked_reason.as_deref(), Some("authorization code replayed"));
    let (status, refused) = app.refresh(&PORTAL, text(&first, "refresh_token")).await;
    assert_eq!((status, refused["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn pkce_verifier_mismatch_and_redirect_uri_mismatch_are_invalid_grant() {
    let app = TestApp::spawn().await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    let verifier = PKCE_VERIFIER;
    let browser = Browser::new(&app);
    let params = app.sign_in(&CARE_APP, PATIENT).in_browser(&browser).params().await;
    let wrong = "b".repeat(43);
    let form = [
        ("grant_type", "authorization_code"),
        ("code", params["code"].as_str()),
        ("redirect_uri", APP_REDIRECT),
        ("client_id", "app"),
        ("code_verifier", wrong.as_str()),
    ];
    let (status, body) = app.token_request(&form, None).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");

    // The browser still has its session: the next code comes without a login page.
    let params = browser.visit(&app.authorize_url(&CARE_APP, &[])).await.params();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", params["code"].as_str()),
        ("redirect_uri", "com.example.careapp:/oauth/other"),
        ("client_id", "app"),
        ("code_verifier", verifier),
    ];
    let (status, body) = app.token_request(&form, None).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
}

#[tokio::test]
async fn prompt_none_without_a_session_returns_login_required_to_the_client() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    let url = portal_url(&app, &[("prompt", "none")]);
    let params = Browser::new(&app).visit(&url).await.params();
    assert_eq!(params["error"], "login_required");
    assert_eq!(params["state"], "s-1");
    assert_eq!(params["iss"], app.base);
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn redirect_uris_that_are_not_registered_exactly_get_an_error_page_and_no_redirect() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    for uri in [
        "https://portal.example/cb/",
        "https://PORTAL.example/cb",
        "https://portal.example/CB",
        "https://portal.example/cb?extra=1",
        "https://evil.example/cb",
    ] {
        let url = app.authorize_url(&PORTAL, &[("redirect_uri", uri)]);
        let (status, _, body) = Browser::new(&app).visit(&url).await.page();
        assert_eq!(status, 400, "{uri}");
        assert!(body.contains("not registered"), "{uri}: {body}");
    }
    let url = app.authorize(&PORTAL).set("client_id", "nobody").remove("scope").url();
    let (status, _, body) = Browser::new(&app).visit(&url).await.page();
    assert_eq!(status, 400);
    assert!(body.contains("not known"), "{body}");
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&portal_url(&app, &[])).await.page();
    let (s1, _, wrong) = browser.login(&page, CLINICIAN, "not the password").await.page();
    let (s2, _, unknown) = browser.login(&page, "nobody@example.com", "not the password").await.page();
    assert_eq!((s1.as_u16(), s2.as_u16()), (401, 401));
    let message =
        |body: &str| body.split("id=\"login-error\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(message(&wrong), message(&unknown));
    assert_eq!(app.user(CLINICIAN).await.failed_logins, 1);
}

#[tokio::test]
async fn third_party_clients_ask_for_consent_once_and_a_denial_is_access_denied() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({ "first_party": false })).await;
    app.add_clinician(CLINICIAN).await;
    let url = portal_url(&app, &[]);

    let denier = Browser::new(&app);
    let (_, consent_url, page) = denier.sign_in(&url, CLINICIAN, PASSWORD).await.page();
    assert!(consent_url.contains("/consent?tx="), "{consent_url}");
    assert!(page.contains("See your email address"), "{page}");
    let params = denier.consent(&page, false).await.params();
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], "s-1");

    let browser = Browser::new(&app);
    let (_, _, page) = browser.sign_in(&url, CLINICIAN, PASSWORD).await.page();
    assert!(browser.consent(&page, true).await.params().contains_key("code"));
    // Remembered: the next authorization goes straight back with a code.
    assert!(browser.visit(&url).await.params().contains_key("code"));
    // prompt=consent asks again.
    let again = portal_url(&app, &[("prompt", "consent")]);
    let (_, consent_url, _) = browser.visit(&again).await.page();
    assert!(consent_url.contains("/consent?tx="));
}

#[tokio::test]
async fn a_role_the_client_does_not_admit_gets_access_denied_and_no_code() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    app.add_patient(PATIENT).await;
    let params = Browser::new(&app).sign_in(&portal_url(&app, &[]), PATIENT, PASSWORD).await.params();
    assert_eq!(params["error"], "access_denied");
    assert!(!params.contains_key("code"));
}
