//! The audit trail over the admin API: an administrator reads who changed
//! what in their deployment (time range, actor, subject, kind, client), a page
//! at a time or exported as NDJSON, and nothing of another deployment's.

use std::collections::HashSet;

use careid::store::AuditEvent;
use reqwest::Method;
use serde_json::Value;

use crate::kit::admin::{OPERATOR, OTHER_ADMIN};
use crate::kit::{ADMIN, CLINICIAN, TestApp};

fn kinds(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect()
}

/// Records `n` events of `kind` about `subject` in `deployment`, one a second from `at`.
async fn record(app: &TestApp, n: i64, kind: &str, subject: Option<&str>, deployment: &str, at: i64) {
    for i in 0..n {
        let event = AuditEvent {
            id: uuid::Uuid::now_v7().to_string(),
            at: at + i,
            kind: kind.into(),
            subject: subject.map(str::to_owned),
            client_id: Some("recorder".into()),
            deployment_id: Some(deployment.into()),
            detail: Some(format!(r#"{{"n":{i}}}"#)),
            ..AuditEvent::default()
        };
        app.state.store.insert_audit_event(&event).await.unwrap();
    }
}

#[tokio::test]
async fn an_admin_reads_who_changed_what_in_their_deployment() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let admin_id = app.user(ADMIN).await.id;
    let clinician = app.user(CLINICIAN).await.id;
    let start = app.clock.now();
    app.call(Method::POST, &format!("/api/admin/members/{clinician}/disable"))
        .token(&admin)
        .send()
        .await
        .ok();
    app.call(Method::DELETE, &format!("/api/admin/members/{clinician}/sessions")).token(&admin).send().await;
    let other = app.admin_token(OTHER_ADMIN).await;
    let etag = app.read(&other, "/api/admin/deployment").await.etag();
    app.call(Method::PATCH, "/api/admin/deployment")
        .token(&other)
        .if_match(&etag)
        .body(r#"{"mfa_required": true}"#)
        .send()
        .await
        .ok();

    let about = app.read(&admin, &format!("/api/admin/audit?subject={clinician}")).await.body;
    assert_eq!(kinds(&about), ["sessions.ended", "account.disabled"], "newest first");
    let disabled = &about["items"][1];
    assert_eq!(disabled["actor"], admin_id.as_str());
    assert_eq!(disabled["detail"]["changes"]["status"]["after"], "disabled", "the detail as JSON");
    let by_admin =
        kinds(&app.read(&admin, &format!("/api/admin/audit?actor={admin_id}&kind=account")).await.body);
    assert_eq!(by_admin, ["account.disabled"]);
    let mine = kinds(&app.read(&admin, "/api/admin/audit?kind=deployment").await.body);
    assert!(mine.is_empty(), "the other deployment's change is not theirs to read: {mine:?}");
    let later = app.read(&admin, &format!("/api/admin/audit?from={}", start + 3600)).await.body;
    assert_eq!(later["items"], serde_json::json!([]));
    let theirs = app.read(&admin, "/api/admin/audit?deployment=other").await.body;
    assert_eq!(theirs["items"], serde_json::json!([]));

    let operator = app.admin_token(OPERATOR).await;
    let everywhere =
        kinds(&app.read(&operator, "/api/admin/audit?kind=deployment.policy_changed").await.body);
    assert_eq!(everywhere, ["deployment.policy_changed"]);
    record(&app, 3, "login.success", None, "default", start - 100).await;
    let range = format!("from={}&to={}", start - 100, start - 98);
    let by_client = app.read(&operator, &format!("/api/admin/audit?client=recorder&{range}")).await.body;
    assert_eq!(kinds(&by_client), ["login.success", "login.success"], "from inclusive, to exclusive");
}

#[tokio::test]
async fn audit_pages_neither_skip_nor_repeat_while_events_are_recorded() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let clinician = app.user(CLINICIAN).await.id;
    record(&app, 9, "account.unlocked", Some(&clinician), "default", 1_000).await;
    let path = format!("/api/admin/audit?subject={clinician}&limit=4");
    let mut ids = Vec::new();
    let mut next = path.clone();
    loop {
        let page = app.read(&admin, &next).await.body;
        ids.extend(page["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()));
        record(&app, 1, "account.unlocked", Some(&clinician), "default", app.clock.now()).await;
        match page["next_cursor"].as_str() {
            Some(cursor) => next = format!("{path}&cursor={cursor}"),
            None => break,
        }
    }
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!((ids.len(), unique.len()), (9, 9), "each of the nine once: {ids:?}");
}

#[tokio::test]
async fn the_audit_exports_as_ndjson_in_batches() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let clinician = app.user(CLINICIAN).await.id;
    record(&app, 1_203, "account.unlocked", Some(&clinician), "default", 1_000).await;
    record(&app, 5, "account.unlocked", None, "other", 1_000).await;
    let answer = app
        .client
        .get(app.url("/api/admin/audit/export?kind=account.unlocked"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/x-ndjson");
    let text = answer.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1_203, "every one of theirs, across batches");
    let unique: HashSet<_> = lines.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(unique.len(), 1_203);
    assert!(lines.windows(2).all(|w| w[0]["at"].as_i64() >= w[1]["at"].as_i64()), "newest first");
    assert_eq!(lines[0]["detail"]["n"], 1_202);

    let none = app
        .client
        .get(app.url("/api/admin/audit/export?deployment=other"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(none.text().await.unwrap(), "");
}

#[tokio::test]
async fn bad_audit_queries_name_the_parameter() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    for (query, field) in [
        ("audit?from=yesterday", "from"),
        ("audit?from=10&to=10", "to"),
        ("audit?to=1e3", "to"),
        ("audit?limit=1000", "limit"),
        ("audit?cursor=!!", "cursor"),
        ("audit?who=me", "who"),
        ("audit/export?limit=5", "limit"),
        ("audit/export?cursor=abc", "cursor"),
        ("audit/export?from=x", "from"),
    ] {
        let answer = app.call(Method::GET, &format!("/api/admin/{query}")).token(&admin).send().await;
        assert_eq!(answer.problem(400, "invalid_request").field(), field, "{query}");
    }
}
