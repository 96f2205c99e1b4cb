//! The deployments a client serves: a Portal bound to one deployment admits
//! only its members, at sign-in and at every grant after it, so a clinician of
//! one deployment cannot use another's portal; the operator binds clients
//! from the CLI and careid.toml.

use careid::clients::ClientSpec;
use careid::secret::Secret;
use careid::{Options, StartupError};
use serde_json::{Value, json};

use crate::kit::app::{shared_keys, test_config};
use crate::kit::{Browser, PORTAL, PORTAL_SECRET, TestApp, deployment, text};

const UK_CLINICIAN: &str = "uk.doc@example.com";
const DE_CLINICIAN: &str = "de.doc@example.com";
const REFUSED: &str = "this application does not serve this account's deployment";

/// careid with deployments `uk` and `de`, a clinician of each, and the Portal
/// serving `bound` (none: every deployment).
async fn portal_serving(bound: &[&str]) -> TestApp {
    let app = TestApp::spawn().await;
    app.add_deployment("uk").await;
    app.add_deployment("de").await;
    app.add_clinician_in(UK_CLINICIAN, "uk").await;
    app.add_clinician_in(DE_CLINICIAN, "de").await;
    app.add_portal(json!({ "deployments": bound })).await;
    app
}

fn served(app: &TestApp) -> Value {
    let shown: Value = serde_json::from_str(&app.operator(&["clients", "show", "portal"])).unwrap();
    shown["deployments"].clone()
}

async fn refresh(app: &TestApp, token: &str) -> (u16, Value) {
    app.token_request_as(&PORTAL, &[("grant_type", "refresh_token"), ("refresh_token", token)]).await
}

fn assert_no_longer_admitted((status, body): (u16, Value)) {
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "{body}");
    assert_eq!(body["error_description"], "this application no longer admits the account");
}

#[tokio::test]
async fn a_clinician_of_another_deployment_is_refused_at_a_portal_bound_to_one() {
    let app = portal_serving(&["uk"]).await;
    let params = app.sign_in(&PORTAL, DE_CLINICIAN).params().await;
    assert_eq!((params["error"].as_str(), params["error_description"].as_str()), ("access_denied", REFUSED));
    assert!(!params.contains_key("code"));
    assert!(app.sign_in(&PORTAL, UK_CLINICIAN).params().await.contains_key("code"));
}

#[tokio::test]
async fn the_refusal_comes_after_the_second_factor_as_for_roles() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_deployment("uk").await;
    app.add_deployment("de").await;
    app.add_clinician_in(DE_CLINICIAN, "de").await;
    app.add_portal(json!({ "deployments": ["uk"] })).await;
    let params = app.sign_in(&PORTAL, DE_CLINICIAN).with_sms_code().params().await;
    assert_eq!((params["error"].as_str(), params["error_description"].as_str()), ("access_denied", REFUSED));
}

#[tokio::test]
async fn a_client_bound_to_no_deployment_serves_every_deployment() {
    let app = portal_serving(&[]).await;
    for clinician in [UK_CLINICIAN, DE_CLINICIAN] {
        assert!(app.sign_in(&PORTAL, clinician).params().await.contains_key("code"), "{clinician}");
    }
    assert_eq!(served(&app), json!([]));
}

#[tokio::test]
async fn a_session_from_before_the_binding_gets_access_denied_even_with_prompt_none() {
    let app = portal_serving(&[]).await;
    let browser = Browser::new(&app);
    assert!(app.sign_in(&PORTAL, DE_CLINICIAN).in_browser(&browser).params().await.contains_key("code"));
    app.operator(&["clients", "update", "portal", "--deployment", "uk"]);
    let url = app.authorize(&PORTAL).set("prompt", "none").url();
    let params = browser.visit(&url).await.params();
    assert_eq!((params["error"].as_str(), params["error_description"].as_str()), ("access_denied", REFUSED));
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn a_refresh_token_stops_working_when_its_deployment_is_unbound() {
    let app = portal_serving(&["de", "uk"]).await;
    let de = app.sign_in(&PORTAL, DE_CLINICIAN).tokens().await;
    let uk = app.sign_in(&PORTAL, UK_CLINICIAN).tokens().await;
    app.operator(&["clients", "update", "portal", "--deployment", "uk"]);

    assert_no_longer_admitted(refresh(&app, text(&de, "refresh_token")).await);
    // Asked again, the same answer: the refusal is not a reuse that revokes anything.
    assert_no_longer_admitted(refresh(&app, text(&de, "refresh_token")).await);
    let (status, body) = refresh(&app, text(&uk, "refresh_token")).await;
    assert_eq!(status, 200, "a member of a served deployment keeps refreshing: {body}");

    // Refused before rotation: bound again, the very same token works (once).
    app.operator(&["clients", "update", "portal", "--clear-deployments"]);
    let (status, body) = refresh(&app, text(&de, "refresh_token")).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_code_issued_before_the_binding_changed_is_refused_at_the_token_endpoint() {
    let app = portal_serving(&[]).await;
    let code = app.sign_in(&PORTAL, DE_CLINICIAN).code().await;
    app.operator(&["clients", "update", "portal", "--deployment", "uk"]);
    let form = [("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", PORTAL.redirect_uri)];
    assert_no_longer_admitted(app.token_request_as(&PORTAL, &form).await);
}

#[tokio::test]
async fn bindings_are_set_replaced_listed_and_cleared_from_the_cli() {
    let app = portal_serving(&[]).await;
    fn update<'a>(more: &[&'a str]) -> Vec<&'a str> {
        [&["clients", "update", "portal"][..], more].concat()
    }
    // Repeated and padded ids are one binding each, sorted.
    let both = update(&["--deployment", "uk", "--deployment", " de ", "--deployment", "uk"]);
    app.operator(&both);
    assert_eq!(served(&app), json!(["de", "uk"]));
    let listed = app.operator(&["clients", "list"]);
    assert!(listed.lines().next().unwrap().trim_end().ends_with("DEPLOYMENTS"), "{listed}");
    assert!(listed.lines().any(|l| l.starts_with("portal ") && l.trim_end().ends_with(" de,uk")), "{listed}");

    // A repeated flag replaces the list.
    app.operator(&update(&["--deployment", "de"]));
    assert_eq!(served(&app), json!(["de"]));

    // Unknown, empty and oversized ids are refused with the reason, and change nothing.
    let oversized = "x".repeat(10_000);
    let cases = [
        ("mars", "client portal: no deployment \"mars\"".to_string()),
        ("", "empty deployment id".to_string()),
        (oversized.as_str(), format!("client portal: no deployment \"{oversized}\"")),
    ];
    for (id, reason) in &cases {
        let refused = app.operator_refused(&update(&["--deployment", "uk", "--deployment", id]));
        assert!(refused.contains(reason.as_str()), "{refused}");
    }
    assert_eq!(served(&app), json!(["de"]));
    let add = ["clients", "add", "--id", "other", "--name", "Other", "--public"];
    let refused = app.operator_refused(
        &[&add[..], &["--redirect-uri", "com.example.other:/cb", "--deployment", "mars"]].concat(),
    );
    assert!(refused.contains("client other: no deployment \"mars\""), "{refused}");
    assert!(app.state.store.client("other").await.unwrap().is_none(), "nothing half-added");

    // Clearing and naming in one command is a bad command line.
    let output = app.careid(&update(&["--clear-deployments", "--deployment", "uk"])).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    app.operator(&update(&["--clear-deployments"]));
    assert_eq!(served(&app), json!([]));
    assert!(
        app.operator(&["clients", "list"]).lines().any(|l| l.starts_with("portal ") && l.ends_with(" all"))
    );

    // A new client is bound from the start; removing it takes its bindings along.
    app.operator(&[&add[..], &["--redirect-uri", "com.example.other:/cb", "--deployment", "uk"]].concat());
    assert_eq!(app.state.store.client("other").await.unwrap().unwrap().deployments, ["uk"]);
    app.operator(&["clients", "remove", "other"]);
    app.operator(&[&add[..], &["--redirect-uri", "com.example.other:/cb"]].concat());
    assert!(app.state.store.client("other").await.unwrap().unwrap().deployments.is_empty());
}

#[tokio::test]
async fn concurrent_saves_leave_one_saves_bindings_never_a_mix() {
    let app = portal_serving(&[]).await;
    app.add_deployment("us").await;
    for round in 0..8 {
        let europe = app.add_portal(json!({ "deployments": ["uk", "de"] }));
        let america = app.add_portal(json!({ "deployments": ["us"] }));
        tokio::join!(europe, america);
        let stored = app.state.store.client("portal").await.unwrap().unwrap().deployments;
        assert!(stored == ["de", "uk"] || stored == ["us"], "round {round}: {stored:?}");
    }
}

#[tokio::test]
async fn clients_declared_in_configuration_serve_the_deployments_they_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path()).await;
    // The deployment is declared too: deployments are saved before clients.
    config.deployments = vec![deployment(json!({ "id": "uk", "name": "United Kingdom" }))];
    config.clients = vec![ClientSpec {
        id: "portal".into(),
        name: "Portal".into(),
        secret: Some(Secret::new(PORTAL_SECRET)),
        redirect_uris: vec![PORTAL.redirect_uri.into()],
        deployments: vec!["uk".into()],
        ..ClientSpec::default()
    }];
    let options = || Options { initial_keys: Some(shared_keys()), ..Options::default() };
    let started = careid::build(config.clone(), options()).await.unwrap();
    assert_eq!(started.state.store.client("portal").await.unwrap().unwrap().deployments, ["uk"]);
    drop(started);

    config.clients[0].deployments = vec!["uk".into(), "mars".into()];
    match careid::build(config, options()).await {
        Err(StartupError::Config(message)) => {
            assert_eq!(message, "clients: client portal: no deployment \"mars\"");
        }
        Err(other) => panic!("expected a configuration error, got {other}"),
        Ok(_) => panic!("started with an unknown deployment"),
    }
}
