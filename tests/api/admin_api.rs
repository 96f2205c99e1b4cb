//! `/api/admin`: an administrator's `careid:admin` token from a two-factor
//! sign-in changes their deployment's sign-in policy and resets members'
//! second factors; a password-only token is sent to step up (RFC 9470), and
//! everyone and everything else is refused with the exact error.

use careid::accounts::{Email, NewUser, Role};
use careid::onboarding::deployments::DeploymentSpec;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::browser::Browser;
use crate::flows::{
    CLINICIAN, PASSWORD, PATIENT, PORTAL, PORTAL_REDIRECT, add_app_client, add_portal_client, exchange,
    portal_tokens, serde_urlencoded,
};
use crate::helpers::TestApp;
use crate::invitations::operator;
use crate::sms_signin::{app_url, last_code, submit_code, to_code_page};

const ADMIN: &str = "admin@example.com";

/// careid with a second deployment, an admin, a clinician and a patient, and a
/// Portal that may grant `careid:admin`.
async fn spawn() -> TestApp {
    let other: DeploymentSpec = serde_json::from_value(json!({"id": "other", "name": "Other"})).unwrap();
    let default: DeploymentSpec =
        serde_json::from_value(json!({"id": "default", "name": "Default"})).unwrap();
    let app = TestApp::spawn_with(|c| c.deployments = vec![default, other]).await;
    add_portal_client(
        &app,
        json!({ "allowed_roles": ["admin", "clinician"], "allowed_scopes": ["openid", "careid:admin"] }),
    )
    .await;
    add_app_client(&app).await;
    app.add_user(ADMIN, PASSWORD, Role::Admin).await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    app
}

/// An access token from a password-only sign-in to the Portal.
async fn token(app: &TestApp, email: &str, scope: &str) -> String {
    portal_tokens(app, scope, email).await["access_token"].as_str().unwrap().to_string()
}

/// The administrator's `careid:admin` token from a two-factor sign-in (a
/// number enrolled and a code entered), as the Admin Portal would get it.
async fn admin_token(app: &TestApp) -> String {
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid careid:admin"),
        ("acr_values", "urn:careid:acr:mfa"),
    ];
    let url = format!("{}/authorize?{}", app.base, serde_urlencoded(&query));
    let browser = Browser::new(app);
    let page = to_code_page(app, &browser, &url, ADMIN).await;
    let params = submit_code(&browser, &page, &last_code(app)).await.params();
    let tokens = exchange(app, &params["code"], PORTAL_REDIRECT, PORTAL.unwrap()).await;
    tokens["access_token"].as_str().unwrap().to_string()
}

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn user_id(app: &TestApp, email: &str) -> String {
    app.state.store.user_by_email(email).await.unwrap().unwrap().id
}

#[tokio::test]
async fn an_admin_requires_mfa_for_the_deployment_and_it_is_audited() {
    let app = spawn().await;
    let admin = admin_token(&app).await;
    let (status, body) = call(&app, reqwest::Method::GET, "/api/admin/deployment", Some(&admin), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["id"].as_str(), body["mfa_required"].as_bool()), (Some("default"), Some(false)));

    let patch = r#"{"mfa_required": true}"#;
    let (status, body) =
        call(&app, reqwest::Method::PATCH, "/api/admin/deployment", Some(&admin), Some(patch)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["mfa_required"].as_bool(), body["passkey_required"].as_bool()),
        (Some(true), Some(false))
    );
    let events = app.state.store.audit_events(None, 50).await.unwrap();
    let changed = events.iter().find(|e| e.kind == "deployment.policy_changed").expect("audited");
    assert_eq!(changed.actor.as_deref(), Some(user_id(&app, ADMIN).await.as_str()));
    assert_eq!(changed.deployment_id.as_deref(), Some("default"));

    let patch = r#"{"passkey_required": true}"#;
    let (status, body) =
        call(&app, reqwest::Method::PATCH, "/api/admin/deployment", Some(&admin), Some(patch)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["mfa_required"].as_bool(), body["passkey_required"].as_bool()),
        (Some(true), Some(true))
    );
    let patch = r#"{"passkey_required": false}"#;
    call(&app, reqwest::Method::PATCH, "/api/admin/deployment", Some(&admin), Some(patch)).await;

    // The policy is in force at the next sign-in: a patient must add a phone.
    let (_, at, page) = Browser::new(&app).sign_in(&app_url(&app, &[]), PATIENT, PASSWORD).await.page();
    assert!(at.contains("/login/sms") && page.contains("Add your mobile number"), "{at}");
}

#[tokio::test]
async fn the_operator_changes_policy_from_the_command_line_and_it_is_audited() {
    let app = spawn().await;
    let printed = operator(&app, &["deployments", "update", "default", "--mfa-required"]);
    assert!(printed.contains(r#""mfa_required": true"#), "{printed}");
    let events = app.state.store.audit_events(None, 50).await.unwrap();
    let changed = events.iter().find(|e| e.kind == "deployment.policy_changed").expect("audited");
    assert_eq!(changed.actor, None);
    let count = |events: &[careid::store::AuditEvent]| {
        events.iter().filter(|e| e.kind == "deployment.policy_changed").count()
    };
    operator(&app, &["deployments", "update", "default", "--name", "Renamed"]);
    let after = app.state.store.audit_events(None, 50).await.unwrap();
    assert_eq!(count(&after), count(&events), "a rename is no policy change");
}

#[tokio::test]
async fn an_admin_resets_a_members_second_factors() {
    let app = spawn().await;
    let clinician = user_id(&app, CLINICIAN).await;
    crate::passkey_flows::user_with_passkey(&app, "nurse@example.com", Role::Clinician).await;
    let nurse = user_id(&app, "nurse@example.com").await;
    app.state.store.set_verified_phone(&clinician, "+447400123456", 1).await.unwrap();
    app.state.store.record_sms_failure(&clinician, 1, i64::MAX).await.unwrap();
    let admin = admin_token(&app).await;
    let path = format!("/api/admin/users/{clinician}/reset-mfa");
    let (status, body) = call(&app, reqwest::Method::POST, &path, Some(&admin), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "id": clinician, "second_factors": "reset" }));
    let user = app.state.store.user_by_email(CLINICIAN).await.unwrap().unwrap();
    assert_eq!((user.verified_phone(), user.sms_locked_until, user.sms_failures), (None, None, 0));
    let events = app.state.store.audit_events(Some(&clinician), 20).await.unwrap();
    let reset = events.iter().find(|e| e.kind == "mfa.reset").expect("audited");
    assert_eq!(reset.actor.as_deref(), Some(user_id(&app, ADMIN).await.as_str()));

    assert_eq!(app.state.store.passkeys_of(&nurse).await.unwrap().len(), 1);
    let path = format!("/api/admin/users/{nurse}/reset-mfa");
    assert_eq!(call(&app, reqwest::Method::POST, &path, Some(&admin), None).await.0, 200);
    assert!(app.state.store.passkeys_of(&nurse).await.unwrap().is_empty(), "passkeys are second factors too");

    let path = format!("/api/admin/users/{clinician}/unlock");
    let (status, body) = call(&app, reqwest::Method::POST, &path, Some(&admin), None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "id": clinician, "locked": false })));
}

#[tokio::test]
async fn members_of_other_deployments_and_unknown_ids_are_not_found() {
    let app = spawn().await;
    let new = NewUser {
        email: Email::parse("elsewhere@example.com").unwrap(),
        name: "Elsewhere".into(),
        given_name: None,
        family_name: None,
        role: Role::Clinician,
        deployment_id: "other".into(),
        password_hash: None,
        email_verified: true,
    };
    let elsewhere = app.state.store.insert_user(&new, app.clock.now()).await.unwrap().unwrap();
    let admin = admin_token(&app).await;
    for id in [elsewhere.id.as_str(), "no-such-user", "%2e%2e"] {
        let path = format!("/api/admin/users/{id}/reset-mfa");
        let (status, body) = call(&app, reqwest::Method::POST, &path, Some(&admin), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}: {body}");
        assert_eq!(body["error"], "not_found");
    }
}

#[tokio::test]
async fn tokens_without_the_scope_the_role_or_two_factors_are_refused() {
    let app = spawn().await;
    let path = "/api/admin/deployment";
    let (status, body) = call(&app, reqwest::Method::GET, path, None, None).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_request")));
    let (status, body) = call(&app, reqwest::Method::GET, path, Some("not.a.token"), None).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
    let without_scope = token(&app, ADMIN, "openid").await;
    let (status, body) = call(&app, reqwest::Method::GET, path, Some(&without_scope), None).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("insufficient_scope")));
    let password_only = token(&app, ADMIN, "openid careid:admin").await;
    let response = app.client.get(app.url(path)).bearer_auth(&password_only).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_string();
    assert!(challenge.starts_with(r#"Bearer error="insufficient_user_authentication""#), "{challenge}");
    assert!(
        challenge.contains(r#"acr_values="urn:careid:acr:mfa""#),
        "RFC 9470 says what to ask for: {challenge}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_user_authentication");
    let clinician = token(&app, CLINICIAN, "openid careid:admin").await;
    let (status, body) =
        call(&app, reqwest::Method::PATCH, path, Some(&clinician), Some(r#"{"mfa_required":true}"#)).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let deployment = app.state.store.deployment("default").await.unwrap().unwrap();
    assert!(!deployment.mfa_required, "nothing changed");
}

#[tokio::test]
async fn malformed_policy_changes_are_refused_with_400() {
    let app = spawn().await;
    let admin = admin_token(&app).await;
    let path = "/api/admin/deployment";
    for body in ["", "{", "[]", r#"{"mfa_required": "yes"}"#, r#"{"name": "Renamed"}"#, "null"] {
        let (status, answer) = call(&app, reqwest::Method::PATCH, path, Some(&admin), Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["error"], "invalid_request", "{body}");
    }
    let huge = format!(r#"{{"mfa_required": true, "pad": "{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let (status, _) = call(&app, reqwest::Method::PATCH, path, Some(&admin), Some(&huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, body) = call(&app, reqwest::Method::PATCH, path, Some(&admin), Some("{}")).await;
    assert_eq!(status, 200, "an empty change changes nothing: {body}");
    let events = app.state.store.audit_events(None, 50).await.unwrap();
    assert!(!events.iter().any(|e| e.kind == "deployment.policy_changed"), "and audits nothing");
}
