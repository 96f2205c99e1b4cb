//! The audit trail as a hash chain (issue 17): `careid audit verify` passes on
//! a fresh and on a busy trail and names the first row that does not fit once
//! any row was edited, removed or moved straight in the database; retention
//! removes old rows behind a checkpoint the chain still verifies from; and
//! `careid audit export` writes NDJSON and CSV, oldest first.

use careid::audit::chain::{self, Verdict};
use reqwest::Method;
use serde_json::{Value, json};

use crate::kit::cli::assert_fails;
use crate::kit::{ADMIN, Browser, CLINICIAN, PASSWORD, PORTAL, TestApp};

/// An app with a busy trail: sign-ins, a wrong password, sealed.
async fn busy_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    app.add_clinician(CLINICIAN).await;
    for _ in 0..3 {
        app.sign_in(&PORTAL, CLINICIAN).code().await;
    }
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    assert_eq!(browser.login(&page, CLINICIAN, "not the password").await.page().0, 401);
    seal(&app).await;
    app
}

async fn seal(app: &TestApp) -> usize {
    chain::seal_pending(&app.state.store, &app.state.audit_chain).await.unwrap()
}

async fn verdict(app: &TestApp) -> Verdict {
    chain::verify(&app.state.store, &app.state.audit_chain).await.unwrap()
}

/// The sealed events, in chain order.
async fn chain_rows(app: &TestApp) -> Vec<careid::store::AuditEvent> {
    app.state.store.sealed_audit_events(0, 1000).await.unwrap()
}

/// `careid audit verify` refused: exit 3 and its one line.
fn broken(app: &TestApp) -> String {
    let output = app.careid(&["audit", "verify"]).output().expect("careid runs");
    assert_fails(&output, 3, "the audit chain is broken at row");
    String::from_utf8_lossy(&output.stderr).trim().to_string()
}

#[tokio::test]
async fn a_fresh_trail_and_a_busy_one_verify() {
    let app = TestApp::spawn().await;
    seal(&app).await;
    assert_eq!(app.operator(&["audit", "verify"]).trim(), "the audit chain is intact: it has no events");

    let app = busy_app().await;
    let rows = chain_rows(&app).await;
    let kinds: Vec<&str> = rows.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "login.success").count(), 3, "{kinds:?}");
    assert!(kinds.contains(&"login.failure"), "{kinds:?}");
    let seqs: Vec<i64> = rows.iter().map(|r| r.seq.unwrap()).collect();
    assert_eq!(seqs, (1..=rows.len() as i64).collect::<Vec<_>>(), "sealed in order, no gaps");
    let n = rows.len();
    assert_eq!(verdict(&app).await, Verdict::Intact { from: 1, to: n as i64, unsealed: 0 });
    let said = app.operator(&["audit", "verify"]);
    assert_eq!(said.trim(), format!("the audit chain is intact: rows 1 to {n} ({n} events)"));
}

#[tokio::test]
async fn events_record_their_outcome_and_request_id() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    let form = crate::kit::forms::fill(&page, "/login", &[("email", CLINICIAN), ("password", "wrong")]);
    let refused = browser
        .http
        .post(app.url("/login"))
        .header("x-request-id", "req-audit-1")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(browser.login(&page, CLINICIAN, PASSWORD).await.params().contains_key("code"));
    let events = app.state.store.audit_events(None, 10).await.unwrap();
    let failure = events.iter().find(|e| e.kind == "login.failure").expect("the failure is recorded");
    assert_eq!((failure.outcome.as_str(), failure.request_id.as_deref()), ("failure", Some("req-audit-1")));
    let success = events.iter().find(|e| e.kind == "login.success").expect("the success is recorded");
    assert_eq!(success.outcome, "success");
    assert!(success.request_id.as_ref().is_some_and(|id| id.len() == 36), "careid's own request id");
}

#[tokio::test]
async fn an_edited_row_is_named() {
    let app = busy_app().await;
    let second = chain_rows(&app).await[1].id.clone();
    assert_eq!(app.raw_sql("UPDATE audit_events SET ip = '203.0.113.9' WHERE seq = 2").await, 1);
    let said = broken(&app);
    assert!(said.contains(&format!("row 2 (event {second}): its content does not match its hash")), "{said}");
    assert!(matches!(verdict(&app).await, Verdict::Broken { seq: 2, row: Some(id), .. } if id == second));
}

#[tokio::test]
async fn a_removed_row_is_named_in_the_middle_and_at_the_end() {
    let app = busy_app().await;
    let last = chain_rows(&app).await.len();
    assert_eq!(app.raw_sql("DELETE FROM audit_events WHERE seq = 3").await, 1);
    assert!(broken(&app).contains("row 3 is missing: the chain goes from 2 to 4"));

    let app = busy_app().await;
    assert_eq!(app.raw_sql(&format!("DELETE FROM audit_events WHERE seq = {last}")).await, 1);
    let said = broken(&app);
    assert!(said.contains(&format!("rows {last} to {last} are missing")), "{said}");
}

#[tokio::test]
async fn moved_rows_and_a_rebuilt_head_are_found() {
    let app = busy_app().await;
    // Rows 2 and 3 swap places (through a free number: seq is unique).
    app.raw_sql("UPDATE audit_events SET seq = -3 WHERE seq = 3").await;
    app.raw_sql("UPDATE audit_events SET seq = 3 WHERE seq = 2").await;
    app.raw_sql("UPDATE audit_events SET seq = 2 WHERE seq = -3").await;
    assert!(broken(&app).contains("at row 2 (event"));

    // The last row removed and the head moved back to the row before, with
    // that row's hash: only the MAC, which needs the key-encryption key, tells.
    let app = busy_app().await;
    let rows = chain_rows(&app).await;
    let (last, before) = (&rows[rows.len() - 1], &rows[rows.len() - 2]);
    app.raw_sql(&format!("DELETE FROM audit_events WHERE id = '{}'", last.id)).await;
    let head = format!(
        "UPDATE audit_chain SET seq = {}, hash = '{}' WHERE id = 1",
        before.seq.unwrap(),
        before.hash.as_deref().unwrap()
    );
    app.raw_sql(&head).await;
    assert!(broken(&app).contains("the chain's head does not carry careid's MAC"));
}

#[tokio::test]
async fn retention_removes_old_rows_behind_a_checkpoint_the_chain_verifies_from() {
    let app = TestApp::spawn_with(|c| c.audit.retention_days = 30).await;
    app.add_portal(json!({})).await;
    app.add_clinician(CLINICIAN).await;
    app.sign_in(&PORTAL, CLINICIAN).code().await;
    seal(&app).await;
    let old = chain_rows(&app).await.len() as i64;
    app.clock.advance(31 * 86_400);
    app.sign_in(&PORTAL, CLINICIAN).code().await;
    seal(&app).await;
    let all = chain_rows(&app).await.len() as i64;

    // The node's own sweep may get there first: either way, once.
    chain::purge(&app.state, app.clock.now()).await.unwrap();
    assert_eq!(chain::purge(&app.state, app.clock.now()).await.unwrap(), None, "once");
    let head = app.state.store.audit_chain_head().await.unwrap();
    assert_eq!(head.checkpoint_seq, old, "everything older than 30 days, and nothing newer");
    let kept = chain_rows(&app).await;
    assert_eq!(kept.first().and_then(|r| r.seq), Some(old + 1));
    assert_eq!(verdict(&app).await, Verdict::Intact { from: old + 1, to: all, unsealed: 0 });
    let said = app.operator(&["audit", "verify"]);
    assert!(said.starts_with(&format!("the audit chain is intact: rows {} to {all}", old + 1)), "{said}");

    app.raw_sql("UPDATE audit_chain SET checkpoint_seq = checkpoint_seq - 1 WHERE id = 1").await;
    assert!(broken(&app).contains("the checkpoint does not carry careid's MAC"));
}

#[tokio::test]
async fn the_export_is_ndjson_or_csv_oldest_first_and_narrowed_as_asked() {
    let app = busy_app().await;
    app.add_deployment("north").await;
    let rows = chain_rows(&app).await;

    let ndjson = app.operator(&["audit", "export"]);
    let lines: Vec<Value> = ndjson.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), rows.len());
    assert_eq!(lines[0]["id"], json!(rows[0].id), "oldest first");
    assert_eq!((lines[0]["seq"].as_i64(), lines[0]["hash"].as_str()), (rows[0].seq, rows[0].hash.as_deref()));
    assert_eq!(lines[0]["outcome"], "success");

    let csv = app.operator(&["audit", "export", "--format", "csv"]);
    let mut csv_lines = csv.lines();
    assert_eq!(
        csv_lines.next(),
        Some(
            "id,at,kind,actor_kind,actor,subject,client_id,deployment_id,ip,user_agent,request_id,outcome,detail,seq,hash,time"
        )
    );
    assert_eq!(csv_lines.count(), rows.len());

    let (first, last) = (rows[0].at, rows[rows.len() - 1].at);
    let until = first.to_string();
    assert_eq!(
        app.operator(&["audit", "export", "--until", &until]).lines().count(),
        0,
        "until is exclusive"
    );
    let (since, later) = ((last + 1).to_string(), (last + 100).to_string());
    let after = app.operator(&["audit", "export", "--since", &since, "--until", &later]);
    assert_eq!(after.lines().count(), 0, "nothing after the last event");
    let other = app.operator(&["audit", "export", "--deployment", "north"]);
    assert_eq!(other.lines().count(), 0, "nothing happened in north");

    // A value clap refuses: exit 2 with clap's usage lines.
    let output = app.careid(&["audit", "export", "--since", "yesterday"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("yesterday is not Unix seconds, a date (2026-12-01) or an RFC 3339 time"),
        "{said}"
    );
    let output =
        app.careid(&["audit", "export", "--since", "2026-12-02", "--until", "2026-12-01"]).output().unwrap();
    assert_fails(&output, 2, "--since must be before --until");
}

#[tokio::test]
async fn nodes_sealing_at_once_leave_one_chain() {
    let app = TestApp::spawn().await;
    for i in 0..60 {
        let event =
            careid::audit::Event { subject: Some("someone"), ..careid::audit::Event::new("test.event") };
        careid::audit::record(&app.state, event, &careid::audit::Origin::default()).await;
        if i % 20 == 0 {
            app.clock.advance(1);
        }
    }
    // Four sealers at once, as four nodes would.
    let sealers = (0..4).map(|_| chain::seal_pending(&app.state.store, &app.state.audit_chain));
    let sealed: usize = futures_util::future::join_all(sealers).await.into_iter().map(Result::unwrap).sum();
    assert!(sealed <= 60, "no row sealed twice: {sealed}");
    assert_eq!(verdict(&app).await, Verdict::Intact { from: 1, to: 60, unsealed: 0 });
    let seqs: Vec<i64> = chain_rows(&app).await.iter().map(|r| r.seq.unwrap()).collect();
    assert_eq!(seqs, (1..=60).collect::<Vec<_>>());
}

#[tokio::test]
async fn each_event_says_who_acted_by_kind() {
    let app = TestApp::with_admins().await;
    let clinician = app.user(CLINICIAN).await.id;
    app.sign_in(&PORTAL, CLINICIAN).code().await;
    app.operator(&["users", "unlock", CLINICIAN]);
    let admin = app.admin_token(ADMIN).await;
    let unlocked =
        app.call(Method::POST, &format!("/api/admin/members/{clinician}/unlock")).token(&admin).send().await;
    assert_eq!(unlocked.status, 200, "{}", unlocked.body);
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    browser.login(&page, "nobody@example.com", PASSWORD).await;

    let events = app.state.store.audit_events(None, 100).await.unwrap();
    let kind_of = |kind: &str, subject: Option<&str>| {
        let event = events.iter().find(|e| e.kind == kind && e.subject.as_deref() == subject).unwrap();
        (event.actor_kind.clone().unwrap(), event.actor.clone())
    };
    let me = Some(clinician.as_str());
    assert_eq!(kind_of("login.success", me).0, "person");
    assert_eq!(kind_of("login.failure", None), ("careid".to_string(), None), "an unknown address");
    let unlocks: Vec<_> = events.iter().filter(|e| e.kind == "account.unlocked").collect();
    let by: Vec<_> = unlocks.iter().map(|e| (e.actor_kind.as_deref().unwrap(), e.actor.is_some())).collect();
    assert_eq!(by, [("administrator", true), ("operator", false)], "newest first");
}
