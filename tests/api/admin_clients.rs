//! Clients over the admin API: an administrator binds the Clinician Portal
//! to their deployment and another deployment's clinician is refused there;
//! an operator registers, changes, removes clients and rotates secrets
//! (shown once); updates need the ETag; every change is audited; and the
//! policy answer is read over HTTP.

use careid::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::kit::admin::{OPERATOR, OTHER_ADMIN};
use crate::kit::{ADMIN, CLINICIAN, PORTAL, TestApp, join_all};

const PORTAL_PATH: &str = "/api/admin/clients/portal";

#[tokio::test]
async fn an_admin_binds_the_portal_and_another_deployments_clinician_is_refused() {
    let app = TestApp::with_admins().await;
    app.add_member("doc@other.example", Role::Clinician, "other").await;
    assert!(app.sign_in(&PORTAL, "doc@other.example").params().await.contains_key("code"), "before: served");
    let admin = app.admin_token(ADMIN).await;
    // Signed in to the Portal while it still served them.
    let elsewhere = app.admin_token(OTHER_ADMIN).await;
    let read = app.read(&admin, PORTAL_PATH).await;
    assert_eq!(read.body["deployments"], json!([]));
    let bind = r#"{"deployments": ["default"]}"#;
    let bound =
        app.call(Method::PATCH, PORTAL_PATH).token(&admin).if_match(&read.etag()).body(bind).send().await;
    assert_eq!(bound.ok()["deployments"], json!(["default"]));
    assert_eq!(app.sign_in(&PORTAL, "doc@other.example").params().await["error"], "access_denied");
    assert!(app.sign_in(&PORTAL, CLINICIAN).params().await.contains_key("code"), "their own still sign in");

    let events = app.state.store.audit_events(None, 100).await.unwrap();
    let changed = events.iter().find(|e| e.kind == "client.changed").expect("audited");
    assert_eq!(
        (changed.actor.as_deref(), changed.client_id.as_deref()),
        (Some(app.user(ADMIN).await.id.as_str()), Some("portal"))
    );
    let detail: Value = serde_json::from_str(changed.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["changes"], json!({"deployments": {"before": [], "after": ["default"]}}));

    // Their own deployment, and nothing else.
    let etag = bound.etag();
    for (body, code) in [
        (r#"{"deployments": ["default", "other"]}"#, "forbidden"),
        (r#"{"deployments": []}"#, "forbidden"),
        (r#"{"name": "Renamed"}"#, "forbidden"),
    ] {
        let answer =
            app.call(Method::PATCH, PORTAL_PATH).token(&admin).if_match(&etag).body(body).send().await;
        answer.problem(403, code);
    }
    app.call(Method::GET, PORTAL_PATH).token(&elsewhere).send().await.problem(404, "not_found");
    let theirs = app.read(&elsewhere, "/api/admin/clients").await.body;
    assert!(theirs["items"].as_array().unwrap().iter().all(|c| c["id"] != "portal"), "{theirs}");
    let operator = app.admin_token(OPERATOR).await;
    let answer = app.call(Method::DELETE, PORTAL_PATH).token(&operator).send().await;
    answer.problem(409, "conflict");
    assert!(answer.body["detail"].as_str().unwrap().contains("signed in through"), "{answer:?}");
    for path in [PORTAL_PATH.to_string(), format!("{PORTAL_PATH}/rotate-secret")] {
        let method = if path.ends_with("secret") { Method::POST } else { Method::DELETE };
        app.call(method, &path).token(&admin).send().await.problem(403, "forbidden");
    }
}

#[tokio::test]
async fn an_operator_registers_changes_rotates_and_removes_clients() {
    let app = TestApp::with_admins().await;
    let operator = app.admin_token(OPERATOR).await;
    let spec = r#"{"id": "lab-portal", "name": "Lab Portal", "redirect_uris": ["https://lab.example/cb"],
        "allowed_roles": ["clinician"], "deployments": ["other"], "min_acr": "urn:careid:acr:mfa"}"#;
    let created = app.call(Method::POST, "/api/admin/clients").token(&operator).body(spec).send().await;
    assert_eq!(created.status, 201, "{created:?}");
    let secret = created.body["secret"].as_str().expect("shown once").to_string();
    assert!(secret.len() >= 32);
    assert_eq!(created.body["client"]["deployments"], json!(["other"]));
    assert!(created.body["client"].get("secret_hash").is_none());
    app.call(Method::POST, "/api/admin/clients")
        .token(&operator)
        .body(spec)
        .send()
        .await
        .problem(409, "conflict");
    let path = "/api/admin/clients/lab-portal";
    let shown = app.read(&operator, path).await;
    assert!(shown.body.get("secret").is_none(), "never again");

    let change = r#"{"access_token_ttl": 120, "post_logout_redirect_uris": ["https://lab.example/bye"]}"#;
    let changed =
        app.call(Method::PATCH, path).token(&operator).if_match(&shown.etag()).body(change).send().await;
    assert_eq!(
        (changed.ok()["access_token_ttl"].as_i64(), changed.body["name"].as_str()),
        (Some(120), Some("Lab Portal"))
    );
    for (body, field) in [
        (r#"{"redirect_uris": ["https://lab.example/*"]}"#, "redirect_uris"),
        (r#"{"access_token_ttl": "long"}"#, "access_token_ttl"),
        (r#"{"colour": "blue"}"#, "colour"),
        (r#"{"id": "renamed"}"#, "id"),
        (r#"{"secret": "0123456789abcdef0123456789abcdef"}"#, "secret"),
        (r#"{"deployments": ["nowhere"]}"#, "deployments"),
    ] {
        let answer =
            app.call(Method::PATCH, path).token(&operator).if_match(&changed.etag()).body(body).send().await;
        assert_eq!(answer.problem(400, "invalid_request").field(), field, "{body}");
    }

    let rotated = app.call(Method::POST, &format!("{path}/rotate-secret")).token(&operator).send().await;
    let new_secret = rotated.ok()["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    assert_eq!(app.call(Method::DELETE, path).token(&operator).send().await.status, 204);
    app.call(Method::GET, path).token(&operator).send().await.problem(404, "not_found");
    app.call(Method::DELETE, path).token(&operator).send().await.problem(404, "not_found");

    let events = app.state.store.audit_events(None, 200).await.unwrap();
    let kinds: Vec<_> =
        events.iter().rev().filter(|e| e.kind.starts_with("client.")).map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["client.created", "client.changed", "client.secret_rotated", "client.deleted"]);
    for event in events.iter().filter(|e| e.kind.starts_with("client.")) {
        let detail = event.detail.as_deref().unwrap_or_default();
        assert!(!detail.contains(&secret) && !detail.contains(&new_secret), "never a secret: {detail}");
    }
}

#[tokio::test]
async fn client_updates_need_the_etag_and_of_two_from_one_read_one_wins() {
    let app = TestApp::with_admins().await;
    let operator = app.admin_token(OPERATOR).await;
    let read = app.read(&operator, PORTAL_PATH).await;
    let body = r#"{"access_token_ttl": 90}"#;
    app.call(Method::PATCH, PORTAL_PATH)
        .token(&operator)
        .body(body)
        .send()
        .await
        .problem(428, "precondition_required");
    app.call(Method::PATCH, PORTAL_PATH)
        .token(&operator)
        .if_match("\"old\"")
        .body(body)
        .send()
        .await
        .problem(412, "stale");
    let calls = [r#"{"access_token_ttl": 90}"#, r#"{"access_token_ttl": 100}"#].map(|body| {
        tokio::spawn(
            app.call(Method::PATCH, PORTAL_PATH).token(&operator).if_match(&read.etag()).body(body).send(),
        )
    });
    let mut statuses: Vec<u16> = join_all(calls).await.iter().map(|a| a.status.as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 412]);
}

#[tokio::test]
async fn the_policy_answer_is_explained_over_http() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let clinician = app.user(CLINICIAN).await.id;
    let path = format!("/api/admin/policy/explain?member={clinician}&client=portal");
    let answer = app.read(&admin, &path).await.body;
    assert_eq!(
        (answer["role_admitted"].as_bool(), answer["deployment_admitted"].as_bool()),
        (Some(true), Some(true))
    );
    let printed = app.operator(&["policy", "explain", "--email", CLINICIAN, "--client", "portal", "--json"]);
    let cli: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(cli, answer, "the CLI's answer");
    let elsewhere = app.add_member("doc@other.example", Role::Clinician, "other").await;
    let path = format!("/api/admin/policy/explain?member={}&client=portal", elsewhere.id);
    app.call(Method::GET, &path).token(&admin).send().await.problem(404, "not_found");
    for (query, field) in [("client=portal", "member"), ("member=x&client=portal&why=1", "why")] {
        let answer =
            app.call(Method::GET, &format!("/api/admin/policy/explain?{query}")).token(&admin).send().await;
        assert_eq!(answer.problem(400, "invalid_request").field(), field, "{query}");
    }
    let path = format!("/api/admin/policy/explain?member={clinician}&client=nope");
    app.call(Method::GET, &path).token(&admin).send().await.problem(404, "not_found");
}
