//! CORS for browser apps: discovery and the JWKS are readable from any page;
//! the token, userinfo and revocation endpoints answer the web origins of
//! public clients (their redirect URIs' origins, or `allowed_origins`) and
//! their preflights; no other origin, and no other endpoint, gets a CORS header.

use careid::oidc::cors::ORIGINS_CACHE_SECS;
use reqwest::{Method, Response};
use serde_json::json;

use crate::kit::{Client, PATIENT, PORTAL, TestApp, text};

/// A single-page app: a public client whose code runs at `SPA_ORIGIN`.
const SPA: Client = Client::public("spa", "https://spa.example/callback");
const SPA_ORIGIN: &str = "https://spa.example";

async fn with_spa(extra: serde_json::Value) -> TestApp {
    let app = TestApp::spawn().await;
    let mut spec = json!({
        "id": SPA.id, "name": "Web App", "public": true, "first_party": true,
        "redirect_uris": [SPA.redirect_uri, "com.example.spa:/cb"], "allowed_roles": ["patient"],
        "require_dpop": false
    });
    spec.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    app.add_client(spec).await;
    app.add_patient(PATIENT).await;
    app
}

/// The browser's preflight for `method` at `path` from `origin`.
async fn preflight(app: &TestApp, path: &str, origin: &str, method: &str) -> Response {
    app.client
        .request(Method::OPTIONS, app.url(path))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", "authorization,content-type,dpop")
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

fn allow_origin(response: &Response) -> Option<&str> {
    header(response, "access-control-allow-origin")
}

fn varies_by_origin(response: &Response) -> bool {
    response
        .headers()
        .get_all("vary")
        .iter()
        .any(|v| v.to_str().unwrap().to_ascii_lowercase().contains("origin"))
}

fn assert_no_cors(response: &Response, what: &str) {
    let cors: Vec<_> =
        response.headers().keys().filter(|k| k.as_str().starts_with("access-control-")).collect();
    assert!(cors.is_empty(), "{what}: {cors:?}");
}

#[tokio::test]
async fn discovery_and_jwks_are_public_documents_any_page_may_read() {
    let app = TestApp::spawn().await;
    for path in ["/.well-known/openid-configuration", "/jwks.json"] {
        for origin in [Some("https://anyone.example"), Some("null"), None] {
            let mut request = app.client.get(app.url(path));
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(allow_origin(&response), Some("*"), "{path} from {origin:?}");
            assert!(!varies_by_origin(&response), "the same answer for everyone: {path}");
        }
        let response = preflight(&app, path, "https://anyone.example", "GET").await;
        assert_eq!(response.status(), 204, "{path}");
        assert_eq!(allow_origin(&response), Some("*"));
        assert_eq!(header(&response, "access-control-allow-methods"), Some("GET, HEAD"));
    }
}

#[tokio::test]
async fn a_browser_app_exchanges_its_code_reads_userinfo_and_revokes_from_its_origin() {
    let app = with_spa(json!({})).await;
    for (path, method, methods) in
        [("/token", "POST", "POST"), ("/userinfo", "GET", "GET, POST"), ("/revoke", "POST", "POST")]
    {
        let response = preflight(&app, path, SPA_ORIGIN, method).await;
        assert_eq!(response.status(), 204, "{path}");
        assert_eq!(allow_origin(&response), Some(SPA_ORIGIN), "{path}");
        assert_eq!(header(&response, "access-control-allow-methods"), Some(methods), "{path}");
        assert_eq!(
            header(&response, "access-control-allow-headers"),
            Some("Authorization, Content-Type, DPoP")
        );
        assert!(header(&response, "access-control-max-age").is_some(), "{path}");
        assert!(header(&response, "access-control-allow-credentials").is_none(), "no cookies: {path}");
        assert!(varies_by_origin(&response), "{path}");
    }

    let code = app.sign_in(&SPA, PATIENT).scope("openid email").code().await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", SPA.redirect_uri),
        ("client_id", SPA.id),
        ("code_verifier", crate::kit::PKCE_VERIFIER),
    ];
    let response =
        app.client.post(app.url("/token")).header("origin", SPA_ORIGIN).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(allow_origin(&response), Some(SPA_ORIGIN));
    assert!(varies_by_origin(&response));
    let tokens: serde_json::Value = response.json().await.unwrap();

    let userinfo = app.client.get(app.url("/userinfo")).header("origin", SPA_ORIGIN);
    let response = userinfo.bearer_auth(text(&tokens, "access_token")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(allow_origin(&response), Some(SPA_ORIGIN));
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["email"], PATIENT);

    // A refused call is readable too: the page learns why from the error and WWW-Authenticate.
    let response = app.client.get(app.url("/userinfo")).header("origin", SPA_ORIGIN).bearer_auth("nonsense");
    let response = response.send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(allow_origin(&response), Some(SPA_ORIGIN));
    let exposed = header(&response, "access-control-expose-headers").unwrap();
    assert!(exposed.contains("WWW-Authenticate"), "{exposed}");

    let form = [("token", text(&tokens, "refresh_token")), ("client_id", SPA.id)];
    let response =
        app.client.post(app.url("/revoke")).header("origin", SPA_ORIGIN).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(allow_origin(&response), Some(SPA_ORIGIN));
}

#[tokio::test]
async fn an_origin_that_is_not_a_browser_apps_gets_no_cors_headers() {
    let app = with_spa(json!({})).await;
    app.add_portal(json!({})).await;
    for origin in [
        "https://evil.example",
        // The confidential Portal's origin: its secret never runs in a browser.
        "https://portal.example",
        "https://spa.example:8443",
        "http://spa.example",
        "null",
        "com.example.spa:",
    ] {
        for path in ["/token", "/userinfo", "/revoke"] {
            let response = preflight(&app, path, origin, "POST").await;
            assert_eq!(response.status(), 403, "{origin} {path}");
            assert_no_cors(&response, origin);
            let response = app
                .client
                .post(app.url(path))
                .header("origin", origin)
                .form(&[("grant_type", "client_credentials")])
                .basic_auth(PORTAL.id, PORTAL.secret)
                .send()
                .await
                .unwrap();
            assert_no_cors(&response, origin);
            assert!(varies_by_origin(&response), "{path}");
        }
    }
    // A registered origin asking for a method the endpoint does not take.
    let response = preflight(&app, "/token", SPA_ORIGIN, "DELETE").await;
    assert_eq!(response.status(), 403);
    assert_no_cors(&response, "DELETE");
}

#[tokio::test]
async fn the_authorization_endpoint_pages_and_apis_never_answer_cors() {
    let app = with_spa(json!({})).await;
    for path in [
        "/authorize",
        "/login",
        "/consent",
        "/account",
        "/end_session",
        "/introspect",
        "/api/invitations",
        "/api/admin/deployment",
        "/healthz",
    ] {
        let response = preflight(&app, path, SPA_ORIGIN, "POST").await;
        assert_no_cors(&response, path);
        for method in [Method::GET, Method::POST] {
            let response = app
                .client
                .request(method.clone(), app.url(path))
                .header("origin", SPA_ORIGIN)
                .send()
                .await
                .unwrap();
            assert_no_cors(&response, &format!("{method} {path}"));
        }
    }
    let response =
        app.client.get(app.authorize_url(&SPA, &[])).header("origin", SPA_ORIGIN).send().await.unwrap();
    assert_no_cors(&response, "an authorization request");
}

#[tokio::test]
async fn allowed_origins_replace_the_redirect_origins_and_an_update_counts_within_seconds() {
    let app =
        with_spa(json!({ "allowed_origins": ["http://localhost:5173", "https://Web.Example:443/"] })).await;
    assert_eq!(
        app.state.store.client(SPA.id).await.unwrap().unwrap().allowed_origins,
        ["http://localhost:5173", "https://web.example"]
    );
    for (origin, allowed) in
        [("http://localhost:5173", true), ("https://web.example", true), (SPA_ORIGIN, false)]
    {
        let response = preflight(&app, "/token", origin, "POST").await;
        assert_eq!(allow_origin(&response).is_some(), allowed, "{origin}");
    }

    // The operator changes the list on the running server's stores.
    app.operator(&["clients", "update", SPA.id, "--allowed-origin", "https://new.example"]);
    let response = preflight(&app, "/token", "https://new.example", "POST").await;
    assert_eq!(response.status(), 403, "cached for up to {ORIGINS_CACHE_SECS} s");
    app.clock.advance(ORIGINS_CACHE_SECS);
    let response = preflight(&app, "/token", "https://new.example", "POST").await;
    assert_eq!(allow_origin(&response), Some("https://new.example"));
    assert_no_cors(&preflight(&app, "/token", "http://localhost:5173", "POST").await, "the old origin");

    app.operator(&["clients", "update", SPA.id, "--clear-allowed-origins"]);
    app.clock.advance(ORIGINS_CACHE_SECS);
    assert_eq!(allow_origin(&preflight(&app, "/token", SPA_ORIGIN, "POST").await), Some(SPA_ORIGIN));
    let shown: serde_json::Value = serde_json::from_str(&app.operator(&["clients", "show", SPA.id])).unwrap();
    assert_eq!(shown["allowed_origins"], json!([]));
}

#[tokio::test]
async fn allowed_origins_are_for_public_clients_and_must_be_origins() {
    let app = TestApp::spawn().await;
    let output = app
        .careid(&[
            "clients",
            "add",
            "--id",
            "web",
            "--name",
            "Web",
            "--public",
            "--redirect-uri",
            "https://web.example/cb",
            "--allowed-origin",
            "https://web.example/app",
        ])
        .output()
        .unwrap();
    crate::kit::cli::assert_fails(&output, 1, "an origin is a scheme, a host and a port");
    let output = app
        .careid(&[
            "clients",
            "add",
            "--id",
            "portal2",
            "--name",
            "Portal",
            "--redirect-uri",
            "https://p.example/cb",
            "--allowed-origin",
            "https://p.example",
        ])
        .output()
        .unwrap();
    crate::kit::cli::assert_fails(&output, 1, "allowed_origins is for public (browser) clients");
    for bad in ["*", "http://web.example", "https://*.web.example"] {
        let output = app
            .careid(&[
                "clients",
                "add",
                "--id",
                "web",
                "--name",
                "Web",
                "--public",
                "--redirect-uri",
                "https://web.example/cb",
                "--allowed-origin",
                bad,
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{bad}");
    }
}
