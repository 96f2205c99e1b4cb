//! Pushed authorization requests (RFC 9126): `/par` authenticates the client
//! as `/token` does and checks the request as `/authorize` would; its
//! `request_uri` lives 60 s, belongs to one client and works once.

use serde_json::json;

use crate::kit::{
    Browser, CARE_APP, CLINICIAN, Client, PASSWORD, PATIENT, PORTAL, PORTAL_SECRET, REQUEST_URI_PREFIX,
    TestApp, error_page, join_all,
};

const OTHER: Client =
    Client::confidential("other", "https://other.example/cb", "other-secret-0123456789-abcdefghijk");

async fn add_other(app: &TestApp) {
    app.add_client(json!({
        "id": OTHER.id, "name": "Other", "secret": OTHER.secret, "first_party": true,
        "redirect_uris": [OTHER.redirect_uri]
    }))
    .await;
}

#[tokio::test]
async fn a_pushed_request_completes_the_code_flow() {
    let app = TestApp::with_portal().await;
    let request =
        app.authorize(&PORTAL).params(&[("state", "s-1"), ("nonce", "n-1"), ("scope", "openid email")]);
    let response = app.post_form("/par", &request.query(), PORTAL.basic()).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["expires_in"], 60);
    let request_uri = body["request_uri"].as_str().unwrap();
    assert!(request_uri.starts_with(REQUEST_URI_PREFIX), "{request_uri}");

    let browser = Browser::new(&app);
    let params =
        browser.sign_in(&app.authorize_pushed(&PORTAL, request_uri), CLINICIAN, PASSWORD).await.params();
    assert_eq!(params["state"], "s-1");
    assert_eq!(params["iss"], app.base);
    let tokens = app.exchange(&PORTAL, &params["code"]).await;
    let id = app.id_claims(&tokens);
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["email"], CLINICIAN);
}

#[tokio::test]
async fn a_public_client_pushes_with_its_client_id_and_pkce() {
    let app = TestApp::with_portal().await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    let request_uri = app.request_uri(&CARE_APP, &app.authorize(&CARE_APP)).await;
    let params = Browser::new(&app)
        .sign_in(&app.authorize_pushed(&CARE_APP, &request_uri), PATIENT, PASSWORD)
        .await
        .params();
    let tokens = app.exchange(&CARE_APP, &params["code"]).await;
    assert!(tokens["id_token"].is_string());

    let without_pkce = app.authorize(&CARE_APP).remove("code_challenge").remove("code_challenge_method");
    let (status, body) = app.push_authorization(&CARE_APP, &without_pkce).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");
    assert!(body["error_description"].as_str().unwrap().contains("PKCE"));
}

#[tokio::test]
async fn a_request_uri_works_once() {
    let app = TestApp::with_portal().await;
    let url = app.authorize_pushed(&PORTAL, &app.request_uri(&PORTAL, &app.authorize(&PORTAL)).await);
    let browser = Browser::new(&app);
    assert!(browser.sign_in(&url, CLINICIAN, PASSWORD).await.params().contains_key("code"));
    assert_eq!(error_page(browser.visit(&url).await), (400, "invalid_request_uri".into()));
    assert_eq!(error_page(Browser::new(&app).visit(&url).await), (400, "invalid_request_uri".into()));
}

#[tokio::test]
async fn a_request_uri_expires_after_sixty_seconds() {
    let app = TestApp::with_portal().await;
    let fresh = app.authorize_pushed(&PORTAL, &app.request_uri(&PORTAL, &app.authorize(&PORTAL)).await);
    let stale = app.authorize_pushed(&PORTAL, &app.request_uri(&PORTAL, &app.authorize(&PORTAL)).await);
    // careid's clock is the system's plus the test's offset: the live one is
    // checked a second early, so a real second passing in between cannot expire it.
    app.clock.advance(58);
    let (status, at, body) = Browser::new(&app).visit(&fresh).await.page();
    assert_eq!(status, 200, "{at}: {body}");
    assert!(at.contains("/login?tx="), "{at}");
    app.clock.advance(2);
    assert_eq!(error_page(Browser::new(&app).visit(&stale).await), (400, "invalid_request_uri".into()));
}

#[tokio::test]
async fn another_clients_request_uri_is_refused_and_stays_usable_by_its_own() {
    let app = TestApp::with_portal().await;
    add_other(&app).await;
    let request_uri = app.request_uri(&PORTAL, &app.authorize(&PORTAL)).await;
    let browser = Browser::new(&app);
    let stolen = app.authorize_pushed(&OTHER, &request_uri);
    assert_eq!(error_page(browser.visit(&stolen).await), (400, "invalid_request_uri".into()));
    // Named beside the other client's registered redirect URI, the error goes there.
    let with_redirect = format!("{stolen}&redirect_uri=https%3A%2F%2Fother.example%2Fcb&state=st");
    let params = browser.visit(&with_redirect).await.params();
    assert_eq!((params["error"].as_str(), params["state"].as_str()), ("invalid_request_uri", "st"));
    let params =
        browser.sign_in(&app.authorize_pushed(&PORTAL, &request_uri), CLINICIAN, PASSWORD).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn unknown_malformed_and_remote_request_uris_are_refused_never_fetched() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let oversized = format!("{REQUEST_URI_PREFIX}{}", "a".repeat(5000));
    for (request_uri, error) in [
        (format!("{REQUEST_URI_PREFIX}never-issued"), "invalid_request_uri"),
        (REQUEST_URI_PREFIX.to_string(), "invalid_request_uri"),
        (oversized, "invalid_request_uri"),
        ("https://portal.example/request.jwt".to_string(), "request_uri_not_supported"),
        ("urn:example:other".to_string(), "request_uri_not_supported"),
    ] {
        let url = app.authorize_pushed(&PORTAL, &request_uri);
        assert_eq!(error_page(browser.visit(&url).await), (400, error.to_string()), "{request_uri}");
        let at_client = format!("{url}&redirect_uri=https%3A%2F%2Fportal.example%2Fcb");
        assert_eq!(browser.visit(&at_client).await.params()["error"], error, "{request_uri}");
    }
    let repeated = format!("{}&request_uri=x", app.authorize_pushed(&PORTAL, "urn:x"));
    assert_eq!(error_page(browser.visit(&repeated).await).0, 400);
    let both = format!(
        "{}&request=a.b.c&redirect_uri=https%3A%2F%2Fportal.example%2Fcb",
        app.authorize_pushed(&PORTAL, "urn:x")
    );
    assert_eq!(browser.visit(&both).await.params()["error"], "invalid_request");
}

#[tokio::test]
async fn concurrent_uses_of_one_request_uri_let_exactly_one_through() {
    let app = TestApp::with_portal().await;
    let url = app.authorize_pushed(&PORTAL, &app.request_uri(&PORTAL, &app.authorize(&PORTAL)).await);
    let tasks = (0..8).map(|_| {
        let (browser, url) = (Browser::new(&app), url.clone());
        tokio::spawn(async move { browser.visit(&url).await.page() })
    });
    let pages = join_all(tasks).await;
    let signing_in =
        pages.iter().filter(|(status, at, _)| *status == 200 && at.contains("/login?tx=")).count();
    let refused = pages
        .iter()
        .filter(|(status, _, body)| *status == 400 && body.contains(">invalid_request_uri<"))
        .count();
    assert_eq!((signing_in, refused), (1, 7), "{:?}", pages.iter().map(|p| p.0).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_request_uri_is_taken_once_across_two_nodes() {
    let app = TestApp::with_portal().await;
    // Two nodes share an ephemeral store on the production tier; the embedded
    // tier is one process, and races on itself.
    let node_b = app.another_node().await;
    let node_b = node_b.as_ref().unwrap_or(&app);
    let request_uri = app.request_uri(&PORTAL, &app.authorize(&PORTAL)).await;
    let tasks = (0..8).map(|i| {
        let node = if i % 2 == 0 { &app } else { node_b };
        let url = node.authorize_pushed(&PORTAL, &request_uri);
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        tokio::spawn(async move {
            let response = http.get(url).send().await.unwrap();
            let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_string());
            (response.status().as_u16(), location)
        })
    });
    let answers = join_all(tasks).await;
    let signing_in = answers
        .iter()
        .filter(|(s, l)| *s == 303 && l.as_deref().is_some_and(|l| l.contains("/login?tx=")))
        .count();
    let refused = answers.iter().filter(|(s, _)| *s == 400).count();
    assert_eq!((signing_in, refused), (1, 7), "{answers:?}");
}

#[tokio::test]
async fn par_authenticates_the_client_as_the_token_endpoint_does() {
    let app = TestApp::with_portal().await;
    let request = app.authorize(&PORTAL);
    let form = request.query();
    let response = app.post_form("/par", &form, Some(("portal", "wrong-secret"))).await;
    assert_eq!(response.status(), 401);
    assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Basic"));
    let without_id: Vec<_> = form.iter().copied().filter(|(n, _)| *n != "client_id").collect();
    let with_secret: Vec<_> = form.iter().copied().chain([("client_secret", PORTAL_SECRET)]).collect();
    for (basic, form) in [(None, &form), (Some(("nobody", PORTAL_SECRET)), &without_id), (None, &with_secret)]
    {
        let response = app.post_form("/par", form, basic).await;
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{basic:?} {body}");
    }
    let mismatched: Vec<_> =
        form.iter().map(|(n, v)| if *n == "client_id" { (*n, "other") } else { (*n, *v) }).collect();
    let (status, body) = app.push_form(&PORTAL, &mismatched).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");
    let get = app.get("/par").await;
    assert_eq!(get.status(), 405);
}

#[tokio::test]
async fn par_checks_the_request_as_authorize_does_with_json_errors() {
    let app = TestApp::with_portal().await;
    let base = app.authorize(&PORTAL);
    let long = "n".repeat(5000);
    let cases = [
        (base.clone().remove("redirect_uri"), "invalid_request"),
        (base.clone().set("redirect_uri", "https://evil.example/cb"), "invalid_request"),
        (base.clone().remove("response_type"), "invalid_request"),
        (base.clone().set("response_type", "token"), "unsupported_response_type"),
        (base.clone().set("prompt", "none login"), "invalid_request"),
        (base.clone().set("code_challenge", "short").set("code_challenge_method", "S256"), "invalid_request"),
        (base.clone().set("nonce", &long), "invalid_request"),
        (base.clone().set("id_token_hint", "not.a.jwt"), "invalid_request"),
        (base.clone().set("request_uri", &format!("{REQUEST_URI_PREFIX}x")), "invalid_request"),
    ];
    for (request, error) in cases {
        let (status, body) = app.push_authorization(&PORTAL, &request).await;
        assert_eq!((status, body["error"].as_str()), (400, Some(error)), "{request:?}: {body}");
        assert!(body["error_description"].is_string());
    }
    let raw = |body: &'static str| {
        app.client
            .post(app.url("/par"))
            .basic_auth("portal", Some(PORTAL_SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    for body in ["response_type=code&response_type=code", "redirect_uri=%zz", "scope=%FF"] {
        let response = raw(body).await.unwrap();
        let status = response.status().as_u16();
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!((status, json["error"].as_str()), (400, Some("invalid_request")), "{body}: {json}");
    }
    let huge = format!("state={}", "s".repeat(70 * 1024));
    let response = app.post_form("/par", &[("state", &huge)], PORTAL.basic()).await;
    assert_eq!(response.status(), 413);
    let json = app
        .client
        .post(app.url("/par"))
        .basic_auth("portal", Some(PORTAL_SECRET))
        .json(&base.claims())
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 400);
}

#[tokio::test]
async fn a_client_that_must_push_is_refused_a_plain_request() {
    let app = TestApp::with_portal().await;
    app.add_portal(json!({ "require_pushed_authorization_requests": true })).await;
    let browser = Browser::new(&app);
    let params = browser.visit(&app.authorize(&PORTAL).set("state", "st").url()).await.params();
    assert_eq!((params["error"].as_str(), params["state"].as_str()), ("invalid_request", "st"));
    assert!(params["error_description"].contains("push"), "{params:?}");
    let without_redirect = app.authorize(&PORTAL).remove("redirect_uri").url();
    assert_eq!(error_page(browser.visit(&without_redirect).await), (400, "invalid_request".into()));
    let url = app.authorize_pushed(&PORTAL, &app.request_uri(&PORTAL, &app.authorize(&PORTAL)).await);
    assert!(browser.sign_in(&url, CLINICIAN, PASSWORD).await.params().contains_key("code"));
    // Other clients are not affected (and the session signs in to them at once).
    add_other(&app).await;
    assert!(browser.visit(&app.authorize(&OTHER).url()).await.params().contains_key("code"));
}

#[tokio::test]
async fn par_required_by_configuration_holds_for_every_client_but_careids_own() {
    let app = TestApp::with_portal_and(|c| c.par.required = true).await;
    let doc = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(doc["require_pushed_authorization_requests"], true);
    let browser = Browser::new(&app);
    let params = browser.visit(&app.authorize(&PORTAL).url()).await.params();
    assert_eq!(params["error"], "invalid_request");
    let url = app.authorize_pushed(&PORTAL, &app.request_uri(&PORTAL, &app.authorize(&PORTAL)).await);
    assert!(browser.sign_in(&url, CLINICIAN, PASSWORD).await.params().contains_key("code"));
    // The account pages sign in through careid's own request, which is not pushed.
    Browser::new(&app).open_account(&app, CLINICIAN).await;
}

#[tokio::test]
async fn the_cli_and_the_configuration_file_set_a_client_to_require_pushed_requests() {
    let app = TestApp::with_portal().await;
    let flag = "--require-pushed-authorization-requests";
    app.operator(&["clients", "update", "portal", flag]);
    let shown: serde_json::Value =
        serde_json::from_str(&app.operator(&["clients", "show", "portal"])).unwrap();
    assert_eq!(shown["require_pushed_authorization_requests"], true);
    let params = Browser::new(&app).visit(&app.authorize(&PORTAL).url()).await.params();
    assert_eq!(params["error"], "invalid_request");
    app.operator(&["clients", "update", "portal", "--no-require-pushed-authorization-requests"]);
    let (status, _, _) = Browser::new(&app).visit(&app.authorize(&PORTAL).url()).await.page();
    assert_eq!(status, 200);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("careid.toml");
    std::fs::write(
        &file,
        "[par]\nrequired = true\n\n[[clients]]\nid = \"portal\"\nname = \"Portal\"\npublic = true\n\
         redirect_uris = [\"com.example.portal:/cb\"]\nrequire_pushed_authorization_requests = true\n",
    )
    .unwrap();
    let config = careid::config::Config::load(Some(&file)).unwrap();
    assert!(config.par.required);
    assert!(config.clients[0].require_pushed_authorization_requests);
}
