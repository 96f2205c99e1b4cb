//! Deployments over the admin API: an operator lists, creates and changes
//! every one; an administrator only their own; updates need the ETag they
//! read (`If-Match`), so of two made from one read exactly one succeeds.

use reqwest::Method;
use serde_json::json;

use crate::kit::admin::OPERATOR;
use crate::kit::{ADMIN, TestApp, join_all};

#[tokio::test]
async fn an_operator_creates_lists_and_changes_deployments() {
    let app = TestApp::with_admins().await;
    let operator = app.admin_token(OPERATOR).await;
    let spec = r#"{"id": "heart", "name": "Heart Failure", "invitation_days": 14}"#;
    let created = app.call(Method::POST, "/api/admin/deployments").token(&operator).body(spec).send().await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(
        (created.body["id"].as_str(), created.body["invitation_days"].as_i64()),
        (Some("heart"), Some(14))
    );
    let again = app.call(Method::POST, "/api/admin/deployments").token(&operator).body(spec).send().await;
    again.problem(409, "conflict");
    let bad = r#"{"id": "Heart Failure", "name": "x"}"#;
    let answer = app.call(Method::POST, "/api/admin/deployments").token(&operator).body(bad).send().await;
    assert_eq!(answer.problem(400, "invalid_request").field(), "id");

    let first = app.read(&operator, "/api/admin/deployments?limit=2").await.body;
    let ids: Vec<_> = first["items"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2);
    let cursor = first["next_cursor"].as_str().expect("a third");
    let rest = app.read(&operator, &format!("/api/admin/deployments?limit=2&cursor={cursor}")).await.body;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["next_cursor"], json!(null));
    let named = app.read(&operator, "/api/admin/deployments?name=HEART").await.body;
    assert_eq!(named["items"][0]["id"], "heart");

    let read = app.read(&operator, "/api/admin/deployments/other").await;
    let change =
        r#"{"terms_version": "2", "terms_url": "https://other.example/terms", "default_locale": "de"}"#;
    let changed = app
        .call(Method::PATCH, "/api/admin/deployments/other")
        .token(&operator)
        .if_match(&read.etag())
        .body(change)
        .send()
        .await;
    assert_eq!(
        (changed.ok()["terms_version"].as_str(), changed.body["default_locale"].as_str()),
        (Some("2"), Some("de"))
    );
    let kinds = app.audit_kinds().await;
    assert!(
        kinds.contains(&"deployment.created".to_string())
            && kinds.contains(&"deployment.changed".to_string()),
        "{kinds:?}"
    );

    let admin = app.admin_token(ADMIN).await;
    let answer = app
        .call(Method::POST, "/api/admin/deployments")
        .token(&admin)
        .body(r#"{"id": "x", "name": "X"}"#)
        .send()
        .await;
    answer.problem(403, "forbidden");
}

#[tokio::test]
async fn updates_need_the_etag_and_of_two_from_one_read_exactly_one_wins() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let path = "/api/admin/deployments/default";
    let read = app.read(&admin, path).await;
    let change = r#"{"mfa_required": true}"#;
    app.call(Method::PATCH, path)
        .token(&admin)
        .body(change)
        .send()
        .await
        .problem(428, "precondition_required");
    app.call(Method::PATCH, path)
        .token(&admin)
        .if_match("\"other\"")
        .body(change)
        .send()
        .await
        .problem(412, "stale");
    let calls = [r#"{"mfa_required": true}"#, r#"{"passkey_required": true}"#].map(|body| {
        let call = app.call(Method::PATCH, path).token(&admin).if_match(&read.etag()).body(body);
        tokio::spawn(call.send())
    });
    let answers = join_all(calls).await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{answers:?}");
    let now = app.state.store.deployment("default").await.unwrap().unwrap();
    assert!(now.mfa_required != now.passkey_required, "one change, not both");
    let after = app.read(&admin, path).await;
    let winner = answers.iter().find(|a| a.status == 200).unwrap();
    assert_eq!(after.etag(), winner.etag(), "the winner's ETag is the current one");
    let star =
        app.call(Method::PATCH, path).token(&admin).if_match("*").body(r#"{"name": "Renamed"}"#).send().await;
    assert_eq!(star.ok()["name"], "Renamed", "* matches what exists");
}
