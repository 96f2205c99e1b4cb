//! Who may call the admin API: an administrator on their own deployment, an
//! operator on every deployment (a right given from the CLI alone), and
//! nobody else — each refusal with its exact status and problem, on every
//! endpoint.

use careid::people::Role;
use careid::store::Keyset;
use reqwest::Method;

use crate::kit::admin::OTHER_ADMIN;
use crate::kit::{ADMIN, CLINICIAN, PATIENT, PORTAL, TestApp};

/// Every admin endpoint on a member or deployment of `default`, with a body
/// where it takes one.
fn endpoints(member: &str, invitation: &str) -> Vec<(Method, String, Option<&'static str>)> {
    let m = |method: Method, path: &str| (method, format!("/api/admin/{path}"), None);
    let with = |method: Method, path: &str, body| (method, format!("/api/admin/{path}"), Some(body));
    vec![
        m(Method::GET, "deployment"),
        with(Method::PATCH, "deployment", r#"{"mfa_required": true}"#),
        m(Method::GET, "deployments"),
        with(Method::POST, "deployments", r#"{"id": "third", "name": "Third"}"#),
        m(Method::GET, "deployments/default"),
        with(Method::PATCH, "deployments/default", r#"{"mfa_required": true}"#),
        m(Method::GET, "members"),
        m(Method::GET, &format!("members/{member}")),
        with(Method::PATCH, &format!("members/{member}"), r#"{"role": "admin"}"#),
        m(Method::POST, &format!("members/{member}/disable")),
        m(Method::POST, &format!("members/{member}/enable")),
        m(Method::POST, &format!("members/{member}/reset-second-factors")),
        m(Method::POST, &format!("members/{member}/unlock")),
        m(Method::POST, &format!("members/{member}/resend-verification")),
        m(Method::GET, &format!("members/{member}/sessions")),
        m(Method::DELETE, &format!("members/{member}/sessions")),
        m(Method::DELETE, &format!("members/{member}/sessions/some-sid")),
        m(Method::GET, "invitations"),
        with(Method::POST, "invitations", r#"{"role": "clinician", "email": "m@example.com"}"#),
        m(Method::GET, &format!("invitations/{invitation}")),
        m(Method::POST, &format!("invitations/{invitation}/resend")),
        m(Method::POST, &format!("invitations/{invitation}/revoke")),
        m(Method::GET, "audit"),
        m(Method::GET, "audit/export"),
        m(Method::GET, "clients"),
        with(
            Method::POST,
            "clients",
            r#"{"id": "x", "name": "X", "redirect_uris": ["https://x.example/cb"]}"#,
        ),
        m(Method::GET, "clients/portal"),
        with(Method::PATCH, "clients/portal", r#"{"deployments": ["default"]}"#),
        m(Method::DELETE, "clients/portal"),
        m(Method::POST, "clients/portal/rotate-secret"),
        m(Method::GET, &format!("policy/explain?member={member}&client=portal")),
        m(Method::POST, &format!("users/{member}/reset-mfa")),
        m(Method::POST, &format!("users/{member}/unlock")),
    ]
}

#[tokio::test]
async fn every_endpoint_refuses_everyone_but_administrators_and_operators() {
    let app = TestApp::with_admins().await;
    let member = app.user(CLINICIAN).await.id;
    app.invite(Role::Clinician, Some("invited@example.com")).await;
    let everything = Keyset { after: None, limit: 10 };
    let invited = app.state.store.page_invitations(None, None, None, 0, &everything).await.unwrap();
    let invitation = invited[0].id.clone();
    let revoked = app.admin_token(ADMIN).await;
    let response = app.revoke(&[("token", &revoked)], PORTAL.basic()).await;
    assert_eq!(response.status(), 200);
    let refusals = [
        (None, 401, "invalid_request"),
        (Some("not.a.token".to_string()), 401, "invalid_token"),
        (Some(revoked), 401, "invalid_token"),
        (Some(app.other_api_token().await), 401, "invalid_token"),
        (Some(app.password_token(ADMIN, "openid").await), 403, "insufficient_scope"),
        (Some(app.password_token(CLINICIAN, "openid careid:admin").await), 403, "forbidden"),
        (Some(app.password_token(PATIENT, "openid careid:admin").await), 403, "forbidden"),
        (
            Some(app.password_token(ADMIN, "openid careid:admin").await),
            401,
            "insufficient_user_authentication",
        ),
    ];
    let other_admin = app.admin_token(OTHER_ADMIN).await;
    for (method, path, body) in endpoints(&member, &invitation) {
        for (token, status, code) in &refusals {
            let mut call = app.call(method.clone(), &path).if_match("*");
            if let Some(token) = token {
                call = call.token(token);
            }
            if let Some(body) = body {
                call = call.body(body);
            }
            let answer = call.send().await;
            assert_eq!(answer.body["code"], *code, "{method} {path} with {token:?}: {answer:?}");
            answer.problem(*status, code);
        }
        // Another deployment's administrator finds nothing of this one.
        let mut call = app.call(method.clone(), &path).if_match("*").token(&other_admin);
        if let Some(body) = body {
            call = call.body(body);
        }
        let answer = call.send().await;
        match (method.as_str(), path.as_str()) {
            ("GET", "/api/admin/deployment") => assert_eq!(answer.ok()["id"], "other"),
            ("PATCH", "/api/admin/deployment") => assert_eq!(answer.ok()["id"], "other"),
            ("GET", "/api/admin/deployments") => {
                assert_eq!(answer.ok()["items"].as_array().unwrap().len(), 1)
            }
            ("POST", "/api/admin/invitations") => {
                assert_eq!(answer.status, 201, "into their own deployment: {answer:?}");
                assert_eq!(answer.body["invitation"]["deployment"], "other");
            }
            ("GET", "/api/admin/clients") => {
                let items = answer.ok()["items"].as_array().unwrap().clone();
                assert!(items.iter().all(|c| c["deployments"] != "default"), "{items:?}");
            }
            ("POST", "/api/admin/clients")
            | ("DELETE", "/api/admin/clients/portal")
            | ("POST", "/api/admin/clients/portal/rotate-secret") => {
                answer.problem(403, "forbidden");
            }
            ("GET", "/api/admin/clients/portal") => {
                assert_eq!(answer.ok()["id"], "portal", "the Portal serves every deployment");
            }
            ("PATCH", "/api/admin/clients/portal") => {
                answer.problem(403, "forbidden");
            }
            ("GET", "/api/admin/audit") => {
                let items = answer.ok()["items"].as_array().unwrap().clone();
                assert!(items.iter().all(|e| e["deployment_id"] != "default"), "{items:?}");
            }
            ("GET", "/api/admin/audit/export") => {
                assert_eq!(answer.status, 200, "{answer:?}");
            }
            ("GET", "/api/admin/members" | "/api/admin/invitations") => {
                let items = answer.ok()["items"].as_array().unwrap().clone();
                assert!(items.iter().all(|m| m["deployment"] == "other"), "{items:?}");
            }
            ("POST", "/api/admin/deployments") => {
                answer.problem(403, "forbidden");
            }
            _ => {
                answer.problem(404, "not_found");
            }
        }
    }
    let default = app.state.store.deployment("default").await.unwrap().unwrap();
    assert!(!default.mfa_required, "no refused call changed anything");
    assert_eq!(app.user(CLINICIAN).await.role, "clinician");
    assert!(app.state.store.deployment("third").await.unwrap().is_none());
    let portal = app.state.store.client("portal").await.unwrap().unwrap();
    assert!(portal.deployments.is_empty(), "nor any client");
    assert!(app.state.store.client("x").await.unwrap().is_none());
    let still = app.state.store.invitation(&invitation).await.unwrap().unwrap();
    assert!(still.revoked_at.is_none() && still.sent_at == invited[0].sent_at, "nor any invitation");

    // A token past its lifetime is refused everywhere.
    let admin = app.admin_token(ADMIN).await;
    app.clock.advance(24 * 3600);
    for (method, path, _) in endpoints(&member, &invitation) {
        let answer = app.call(method.clone(), &path).token(&admin).if_match("*").send().await;
        answer.problem(401, "invalid_token");
    }
}

#[tokio::test]
async fn the_operator_right_is_given_and_taken_from_the_command_line_and_audited() {
    let app = TestApp::with_admins().await;
    let elsewhere = app.add_member("nurse@other.example", Role::Clinician, "other").await;
    let token = app.admin_token(ADMIN).await;
    let path = format!("/api/admin/members/{}", elsewhere.id);
    app.call(Method::GET, &path).token(&token).send().await.problem(404, "not_found");
    app.call(Method::GET, "/api/admin/deployments/other")
        .token(&token)
        .send()
        .await
        .problem(404, "not_found");

    let printed = app.operator(&["users", "grant-operator", ADMIN]);
    assert_eq!(printed.trim(), format!("{ADMIN}: a platform operator"));
    assert_eq!(app.read(&token, &path).await.body["email"], "nurse@other.example");
    assert_eq!(app.read(&token, "/api/admin/deployments/other").await.body["id"], "other");
    let listed = app.read(&token, "/api/admin/deployments").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);
    let shown = app.operator(&["users", "show", ADMIN]);
    assert!(shown.contains(r#""operator": true"#), "{shown}");

    app.operator(&["users", "revoke-operator", ADMIN]);
    app.call(Method::GET, &path).token(&token).send().await.problem(404, "not_found");
    let admin = app.user(ADMIN).await.id;
    let events = app.state.store.audit_events(Some(&admin), 20).await.unwrap();
    let kinds: Vec<_> =
        events.iter().rev().map(|e| e.kind.as_str()).filter(|k| k.starts_with("account.")).collect();
    assert_eq!(kinds, ["account.operator_granted", "account.operator_revoked"]);
    let granted = events.iter().find(|e| e.kind == "account.operator_granted").unwrap();
    assert_eq!(granted.actor, None, "the operator at the CLI");
    let detail = granted.detail.as_deref().unwrap();
    assert_eq!(detail, r#"{"changes":{"operator":{"after":true,"before":false}}}"#);

    let output = app.careid(&["users", "grant-operator", "nobody@example.com"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no account"));
}
