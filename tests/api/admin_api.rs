//! `/api/admin/deployment` and `/api/admin/users/{id}/…`, the first admin
//! endpoints, as the Admin Portal already calls them: an administrator's
//! `careid:admin` token from a two-factor sign-in changes their deployment's
//! sign-in policy and resets members' second factors; a password-only token is
//! sent to step up (RFC 9470), and everyone and everything else is refused
//! with the exact problem.

use careid::people::Role;

use reqwest::Method;
use reqwest::StatusCode;

use crate::kit::admin::OTHER_ADMIN;
use crate::kit::{ADMIN, CARE_APP, CLINICIAN, PATIENT, TestApp};

#[tokio::test]
async fn an_admin_requires_mfa_for_the_deployment_and_it_is_audited() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let read = app.read(&admin, "/api/admin/deployment").await;
    assert_eq!(
        (read.body["id"].as_str(), read.body["mfa_required"].as_bool()),
        (Some("default"), Some(false))
    );

    let patch = r#"{"mfa_required": true}"#;
    let changed = app
        .call(Method::PATCH, "/api/admin/deployment")
        .token(&admin)
        .if_match(&read.etag())
        .body(patch)
        .send()
        .await;
    let body = changed.ok();
    assert_eq!(
        (body["mfa_required"].as_bool(), body["passkey_required"].as_bool()),
        (Some(true), Some(false))
    );
    assert_ne!(changed.etag(), read.etag(), "a change is a new ETag");
    let events = app.state.store.audit_events(None, 50).await.unwrap();
    let event = events.iter().find(|e| e.kind == "deployment.policy_changed").expect("audited");
    assert_eq!(event.actor.as_deref(), Some(app.user(ADMIN).await.id.as_str()));
    assert_eq!(event.deployment_id.as_deref(), Some("default"));
    let detail: serde_json::Value = serde_json::from_str(event.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["changes"], serde_json::json!({"mfa_required": {"before": false, "after": true}}));

    let patch = r#"{"passkey_required": true}"#;
    let again = app
        .call(Method::PATCH, "/api/admin/deployment")
        .token(&admin)
        .if_match(&changed.etag())
        .body(patch)
        .send()
        .await;
    assert_eq!(
        (again.ok()["mfa_required"].as_bool(), again.body["passkey_required"].as_bool()),
        (Some(true), Some(true))
    );
    let patch = r#"{"passkey_required": false}"#;
    app.call(Method::PATCH, "/api/admin/deployment")
        .token(&admin)
        .if_match(&again.etag())
        .body(patch)
        .send()
        .await
        .ok();

    // The policy is in force at the next sign-in: a patient must add a phone.
    let (_, at, page) = app.sign_in(&CARE_APP, PATIENT).visit().await.page();
    assert!(at.contains("/login/sms") && page.contains("Add your mobile number"), "{at}");
}

#[tokio::test]
async fn the_operator_changes_policy_from_the_command_line_and_it_is_audited() {
    let app = TestApp::with_admins().await;
    let printed = app.operator(&["deployments", "update", "default", "--mfa-required"]);
    assert!(printed.contains(r#""mfa_required": true"#), "{printed}");
    let events = app.state.store.audit_events(None, 50).await.unwrap();
    let changed = events.iter().find(|e| e.kind == "deployment.policy_changed").expect("audited");
    assert_eq!(changed.actor, None);
    let count =
        |events: &[careid::store::AuditEvent], kind: &str| events.iter().filter(|e| e.kind == kind).count();
    app.operator(&["deployments", "update", "default", "--name", "Renamed"]);
    let after = app.state.store.audit_events(None, 50).await.unwrap();
    assert_eq!(
        count(&after, "deployment.policy_changed"),
        count(&events, "deployment.policy_changed"),
        "a rename is no policy change"
    );
    let renamed = after.iter().find(|e| e.kind == "deployment.changed").expect("but a change");
    assert!(renamed.detail.as_deref().unwrap().contains(r#""after":"Renamed""#), "{renamed:?}");
}

#[tokio::test]
async fn an_admin_resets_a_members_second_factors() {
    let app = TestApp::with_admins().await;
    let clinician = app.user(CLINICIAN).await.id;
    app.add_with_passkey("nurse@example.com", Role::Clinician).await;
    let nurse = app.user("nurse@example.com").await.id;
    app.state.store.set_verified_phone(&clinician, "+447400123456", 1).await.unwrap();
    app.state.store.record_sms_failure(&clinician, 1, i64::MAX).await.unwrap();
    let admin = app.admin_token(ADMIN).await;
    let path = format!("/api/admin/users/{clinician}/reset-mfa");
    let answer = app.call(Method::POST, &path).token(&admin).send().await;
    let body = answer.ok();
    assert_eq!((body["id"].as_str(), body["phone_number"].as_str()), (Some(clinician.as_str()), None));
    let user = app.user(CLINICIAN).await;
    assert_eq!((user.verified_phone(), user.sms_locked_until, user.sms_failures), (None, None, 0));
    let events = app.state.store.audit_events(Some(&clinician), 20).await.unwrap();
    let reset = events.iter().find(|e| e.kind == "mfa.reset").expect("audited");
    assert_eq!(reset.actor.as_deref(), Some(app.user(ADMIN).await.id.as_str()));

    assert_eq!(app.state.store.passkeys_of(&nurse).await.unwrap().len(), 1);
    let path = format!("/api/admin/users/{nurse}/reset-mfa");
    assert_eq!(app.call(Method::POST, &path).token(&admin).send().await.ok()["passkeys"], 0);
    assert!(app.state.store.passkeys_of(&nurse).await.unwrap().is_empty(), "passkeys are second factors too");

    let path = format!("/api/admin/users/{clinician}/unlock");
    let answer = app.call(Method::POST, &path).token(&admin).send().await;
    assert_eq!(
        (answer.ok()["locked"].as_bool(), answer.body["second_step_locked"].as_bool()),
        (Some(false), Some(false))
    );
}

#[tokio::test]
async fn members_of_other_deployments_and_unknown_ids_are_not_found() {
    let app = TestApp::with_admins().await;
    let elsewhere = app.user(OTHER_ADMIN).await;
    let admin = app.admin_token(ADMIN).await;
    for id in [elsewhere.id.as_str(), "no-such-user", "%2e%2e"] {
        let path = format!("/api/admin/users/{id}/reset-mfa");
        app.call(Method::POST, &path).token(&admin).send().await.problem(404, "not_found");
    }
}

#[tokio::test]
async fn tokens_without_the_scope_the_role_or_two_factors_are_refused() {
    let app = TestApp::with_admins().await;
    let path = "/api/admin/deployment";
    let answer = app.call(Method::GET, path).send().await;
    answer.problem(401, "invalid_request");
    assert_eq!(answer.headers["www-authenticate"], "Bearer");
    app.call(Method::GET, path).token("not.a.token").send().await.problem(401, "invalid_token");
    let without_scope = app.password_token(ADMIN, "openid").await;
    app.call(Method::GET, path).token(&without_scope).send().await.problem(403, "insufficient_scope");
    let password_only = app.password_token(ADMIN, "openid careid:admin").await;
    let answer = app.call(Method::GET, path).token(&password_only).send().await;
    answer.problem(401, "insufficient_user_authentication");
    let challenge = answer.headers["www-authenticate"].to_str().unwrap().to_string();
    assert!(challenge.starts_with(r#"Bearer error="insufficient_user_authentication""#), "{challenge}");
    assert!(
        challenge.contains(r#"acr_values="urn:careid:acr:mfa""#),
        "RFC 9470 says what to ask for: {challenge}"
    );
    let clinician = app.password_token(CLINICIAN, "openid careid:admin").await;
    let answer = app
        .call(Method::PATCH, path)
        .token(&clinician)
        .if_match("*")
        .body(r#"{"mfa_required":true}"#)
        .send()
        .await;
    answer.problem(403, "forbidden");
    let deployment = app.state.store.deployment("default").await.unwrap().unwrap();
    assert!(!deployment.mfa_required, "nothing changed");
}

#[tokio::test]
async fn malformed_policy_changes_are_refused_with_a_problem_naming_the_field() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let path = "/api/admin/deployment";
    let etag = app.read(&admin, path).await.etag();
    let cases = [
        ("", "body"),
        ("{", "body"),
        ("[]", "body"),
        ("null", "body"),
        (r#"{"mfa_required": "yes"}"#, "mfa_required"),
        (r#"{"colour": "blue"}"#, "colour"),
        (r#"{"invitation_days": 0}"#, "invitation_days"),
        (r#"{"terms_url": "http://terms.example/"}"#, "terms_url"),
        (r#"{"mfa_required": true} {}"#, "body"),
    ];
    for (body, field) in cases {
        let answer = app.call(Method::PATCH, path).token(&admin).if_match(&etag).body(body).send().await;
        assert_eq!(answer.problem(400, "invalid_request").field(), field, "{body}");
    }
    let huge = format!(r#"{{"mfa_required": true, "pad": "{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let answer = app.call(Method::PATCH, path).token(&admin).if_match(&etag).body(&huge).send().await;
    answer.problem(413, "too_large");
    let answer = app.call(Method::PATCH, path).token(&admin).if_match(&etag).send().await;
    answer.problem(415, "unsupported_media_type");
    let answer = app.call(Method::PATCH, path).token(&admin).if_match(&etag).body("{}").send().await;
    assert_eq!(answer.status, StatusCode::OK, "an empty change changes nothing: {answer:?}");
    assert_eq!(answer.etag(), etag, "and keeps the ETag");
    let events = app.state.store.audit_events(None, 50).await.unwrap();
    assert!(!events.iter().any(|e| e.kind.starts_with("deployment.")), "and audits nothing");
}
