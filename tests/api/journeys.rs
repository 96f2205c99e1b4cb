//! Journeys that end where people expect (issue 14, item 3): an invitation
//! names the client it leads to (or the deployment's default), and the whole
//! sign-up ends signed in there, with no second terms page.

use careid::people::Role;
use serde_json::json;

use crate::kit::{Browser, CLINICIAN, PASSWORD, PORTAL, PORTAL_REDIRECT, TestApp, Visit};

const NEW_DOC: &str = "new.doc@example.com";
const PORTAL_LOGIN: &str = "https://portal.example/login";

/// careid where clinicians need two steps, the deployment has terms and a
/// disclaimer the Portal requires, and the Portal is where staff go.
async fn portal_for_staff(portal: serde_json::Value) -> TestApp {
    let app = TestApp::two_step(|_| {}).await;
    let mut spec = json!({ "require_terms": true });
    spec.as_object_mut().unwrap().extend(portal.as_object().unwrap().clone());
    app.add_portal(spec).await;
    app.change_default_deployment(json!({
        "terms_version": "3", "terms_url": "https://care.example/terms",
        "disclaimer_text": "Not for emergencies.", "disclaimer_version": "1",
        "staff_client": "portal"
    }))
    .await;
    app
}

fn sign_up_fields() -> Vec<(&'static str, &'static str)> {
    vec![("given_name", "Grace"), ("family_name", "Hopper"), ("password", PASSWORD), ("accept_terms", "yes")]
}

#[tokio::test]
async fn an_invited_clinician_ends_signed_in_at_the_portal_with_a_code() {
    let app = portal_for_staff(json!({})).await;
    let link = app.invite(Role::Clinician, Some(NEW_DOC)).await;
    let invitation = app.emails().await.into_iter().find(|e| e.recipient == NEW_DOC).unwrap();
    assert!(invitation.text_body.contains("signed in to Clinician Portal"), "{}", invitation.text_body);
    let page = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("continue to Clinician Portal"), "{page}");

    let (browser, response) = app.sign_up(&link, &sign_up_fields()).await;
    // The number, the code, the recovery codes: then no terms page, straight to the Portal.
    let left = browser.set_up_two_steps(response).await.left();
    assert!(left.starts_with(&format!("{PORTAL_REDIRECT}?")), "{left}");
    let params = Visit::Left(left).params();
    assert_eq!(params["iss"], app.base);
    assert!(!params["state"].is_empty(), "careid's request carries a state");
    let tokens = app.exchange(&PORTAL, &params["code"]).await;
    let claims = app.id_claims(&tokens);
    assert_eq!(claims["sub"], app.user(NEW_DOC).await.id.as_str());
    assert_eq!(claims["acr"], crate::kit::MFA);
    // Later sign-ins at the Portal ask nothing more either.
    let again = app.sign_in(&PORTAL, NEW_DOC).in_session(&browser).params().await;
    assert!(again.contains_key("code"), "{again:?}");
}

#[tokio::test]
async fn a_portal_with_an_initiate_login_uri_is_sent_the_person_to_sign_in() {
    let app = portal_for_staff(json!({ "initiate_login_uri": PORTAL_LOGIN })).await;
    let link = app.invite(Role::Clinician, Some(NEW_DOC)).await;
    let (browser, response) = app.sign_up(&link, &sign_up_fields()).await;
    let left = browser.set_up_two_steps(response).await.left();
    assert!(left.starts_with(&format!("{PORTAL_LOGIN}?")), "{left}");
    let params = Visit::Left(left).params();
    assert_eq!((params["iss"].as_str(), params["login_hint"].as_str()), (app.base.as_str(), NEW_DOC));
    // The Portal starts its own request (its state): signed in, no terms page, a code.
    let url = app.authorize_url(&PORTAL, &[("state", "portal-state")]);
    let params = browser.visit(&url).await.params();
    assert_eq!(params["state"], "portal-state");
    app.exchange(&PORTAL, &params["code"]).await;
}

#[tokio::test]
async fn a_sign_up_that_needs_no_factor_goes_straight_to_the_client() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({ "allowed_roles": ["admin", "clinician"] })).await;
    let link = app.invite_to(Role::Clinician, NEW_DOC, Some("portal")).await;
    let (browser, response) = app.sign_up(&link, &sign_up_fields()).await;
    let params = browser.follow(response).await.params();
    app.exchange(&PORTAL, &params["code"]).await;
}

#[tokio::test]
async fn a_public_client_without_initiate_login_uri_ends_on_careids_pages() {
    let app = TestApp::spawn().await;
    app.add_care_app().await;
    app.change_default_deployment(json!({ "patient_client": "app" })).await;
    let link = app.invite_to(Role::Patient, "pat.new@example.com", None).await;
    let (browser, response) = app.sign_up(&link, &sign_up_fields()).await;
    let (status, at, page) = browser.follow(response).await.page();
    assert_eq!((status.as_u16(), at.ends_with("/account")), (200, true), "{at}: {page}");
}

#[tokio::test]
async fn an_invitation_names_its_client_in_the_cli_and_the_apis() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    let out = app.operator(&["invite", "--role", "clinician", "--email", NEW_DOC, "--client", "portal"]);
    assert!(out.contains("/invite/"), "{out}");
    let stored = app
        .state
        .store
        .page_invitations(None, None, None, 0, &careid::store::Keyset { after: None, limit: 10 })
        .await;
    assert_eq!(stored.unwrap()[0].client_id.as_deref(), Some("portal"));
    let refused =
        app.operator_refused(&["invite", "--role", "clinician", "--email", NEW_DOC, "--client", "nope"]);
    assert!(refused.contains("no client \"nope\""), "{refused}");
    let refused = app.operator_refused(&["invite", "--role", "patient", "--client", "portal"]);
    assert!(refused.contains("for patients"), "the Portal admits clinicians only: {refused}");
}

#[tokio::test]
async fn a_deployments_default_clients_must_exist_and_admit_the_role() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    let shown = app.operator(&["deployments", "update", "default", "--staff-client", "portal"]);
    assert!(shown.contains("\"staff_client\": \"portal\""), "{shown}");
    let refused = app.operator_refused(&["deployments", "update", "default", "--patient-client", "portal"]);
    assert!(refused.contains("patient_client"), "{refused}");
    let refused = app.operator_refused(&["deployments", "update", "default", "--staff-client", "nope"]);
    assert!(refused.contains("no client \"nope\""), "{refused}");
    let cleared = app.operator(&["deployments", "update", "default", "--staff-client", ""]);
    assert!(cleared.contains("\"staff_client\": null"), "{cleared}");
}

#[tokio::test]
async fn initiate_login_uri_must_be_https_or_loopback() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    for bad in ["http://portal.example/login", "https://portal.example/#start", "portal"] {
        let refused = app.operator_refused(&["clients", "update", "portal", "--initiate-login-uri", bad]);
        assert!(refused.contains("initiate_login_uri"), "{bad}: {refused}");
    }
    app.operator(&["clients", "update", "portal", "--initiate-login-uri", "http://127.0.0.1:9/login"]);
    let client = app.state.store.client("portal").await.unwrap().unwrap();
    assert_eq!(client.initiate_login_uri.as_deref(), Some("http://127.0.0.1:9/login"));
    app.operator(&["clients", "update", "portal", "--clear-initiate-login-uri"]);
    assert_eq!(app.state.store.client("portal").await.unwrap().unwrap().initiate_login_uri, None);
}

#[tokio::test]
async fn the_start_link_brings_a_person_to_their_client() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    // Not signed in: the Portal's sign-in, ending there.
    let (_, at, page) = browser.visit("/start/portal").await.page();
    assert!(at.contains("/login"), "{at}");
    let params = browser.login(&page, CLINICIAN, PASSWORD).await.params();
    app.exchange(&PORTAL, &params["code"]).await;
    for (path, status) in
        [("/start/nope", 404), (&*format!("/start/{}", "p".repeat(300)), 404), ("/start/careid-account", 404)]
    {
        let (got, _, page) = browser.visit(path).await.page();
        assert_eq!(got.as_u16(), status, "{path}: {page}");
        assert!(page.contains("Application not found"), "{page}");
    }
}

#[tokio::test]
async fn declared_deployments_may_send_staff_to_a_declared_client() {
    use careid::clients::ClientSpec;
    use careid::secret::Secret;
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::kit::app::test_config(dir.path()).await;
    // The client is declared after the deployment that names it: checked once both are stored.
    config.deployments =
        vec![crate::kit::deployment(json!({ "id": "uk", "name": "UK", "staff_client": "portal" }))];
    config.clients = vec![ClientSpec {
        id: "portal".into(),
        name: "Clinician Portal".into(),
        secret: Some(Secret::new(crate::kit::PORTAL_SECRET)),
        redirect_uris: vec![PORTAL_REDIRECT.into()],
        allowed_roles: vec![Role::Clinician],
        initiate_login_uri: Some(PORTAL_LOGIN.into()),
        ..ClientSpec::default()
    }];
    let options =
        || careid::Options { initial_keys: Some(crate::kit::app::shared_keys()), ..Default::default() };
    let started = careid::build(config.clone(), options()).await.unwrap();
    let uk = started.state.store.deployment("uk").await.unwrap().unwrap();
    assert_eq!(uk.staff_client.as_deref(), Some("portal"));
    let portal = started.state.store.client("portal").await.unwrap().unwrap();
    assert_eq!(portal.initiate_login_uri.as_deref(), Some(PORTAL_LOGIN));
    drop(started);

    config.deployments[0].patient_client = Some("portal".into());
    match careid::build(config, options()).await {
        Err(careid::StartupError::Config(message)) => {
            assert!(message.contains("patient_client"), "{message}")
        }
        Err(other) => panic!("expected a configuration error, got {other}"),
        Ok(_) => panic!("started with a patient client that admits no patients"),
    }
}

#[tokio::test]
async fn the_admin_and_portal_apis_name_the_client_an_invitation_leads_to() {
    use crate::kit::ADMIN;
    use reqwest::Method;
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    // The deployment's default for staff, through the admin API.
    let read = app.read(&admin, "/api/admin/deployment").await;
    let patch = |body: &'static str, etag: String| {
        app.call(Method::PATCH, "/api/admin/deployment").token(&admin).if_match(&etag).body(body).send()
    };
    let refused = patch(r#"{"staff_client": "nope"}"#, read.etag()).await;
    assert_eq!(refused.problem(400, "invalid_request").field(), "staff_client");
    let changed = patch(r#"{"staff_client": "portal"}"#, read.etag()).await;
    assert_eq!(changed.ok()["staff_client"], "portal");
    // An invitation naming none leads there; naming an unknown client is refused.
    let path = "/api/admin/invitations";
    let body = r#"{"role": "clinician", "email": "a@example.com"}"#;
    let created = app.call(Method::POST, path).token(&admin).body(body).send().await;
    assert_eq!(created.ok()["invitation"]["client"], "portal");
    let body = r#"{"role": "clinician", "email": "b@example.com", "client": "nope"}"#;
    let refused = app.call(Method::POST, path).token(&admin).body(body).send().await;
    assert_eq!(refused.problem(400, "invalid_request").field(), "client");
    // The portals' invitation API takes one too.
    let token = app.password_token(ADMIN, "openid careid:invite").await;
    let (status, issued) = app
        .invite_by_api(&token, json!({ "role": "clinician", "email": "c@example.com", "client": "portal" }))
        .await;
    assert_eq!(status, 201, "{issued}");
    assert_eq!(issued["invitation"]["client"], "portal");
    let (status, refused) = app
        .invite_by_api(&token, json!({ "role": "clinician", "email": "d@example.com", "client": "portal-x" }))
        .await;
    assert_eq!((status.as_u16(), refused["error"].as_str()), (400, Some("invalid_request")), "{refused}");
}
