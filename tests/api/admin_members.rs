//! A deployment's members over the admin API: listed a page at a time and
//! searched, read with their factors, disabled (their refresh tokens stop at
//! once) and enabled, moved between roles within the invitation rules with
//! `If-Match`, reminded to verify, and their sessions listed and ended with
//! back-channel logout — each change audited with who made it.

use std::collections::HashSet;

use careid::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::kit::admin::{OPERATOR, OTHER_ADMIN};
use crate::kit::{ADMIN, Browser, CLINICIAN, PATIENT, PORTAL, TestApp, join_all, text};

fn emails(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn members_are_searched_and_filtered_by_status() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    app.add_unverified("late@example.com", Role::Patient, 3600).await;
    let locked = app.add_clinician("locked@example.com").await;
    app.state.store.record_login_failure(&locked.id, 1, i64::MAX).await.unwrap();
    let gone = app.add_clinician("gone@example.com").await;
    app.state.store.set_user_status(&gone.id, careid::people::Status::Disabled, 1).await.unwrap();
    let query = |q: &str| format!("/api/admin/members?{q}");
    let read = |q: String| {
        let (app, admin) = (&app, &admin);
        async move { emails(&app.read(admin, &q).await.body) }
    };
    let mut all = read(query("")).await;
    all.sort();
    let expected =
        [ADMIN, CLINICIAN, "gone@example.com", "late@example.com", "locked@example.com", OPERATOR, PATIENT];
    assert_eq!(all, expected, "the admin's deployment only");
    assert_eq!(read(query("status=locked")).await, ["locked@example.com"]);
    assert_eq!(read(query("status=disabled")).await, ["gone@example.com"]);
    assert_eq!(read(query("status=unverified")).await, ["late@example.com"]);
    let no_factor = read(query("status=no_second_factor&role=clinician")).await;
    assert_eq!(no_factor, [CLINICIAN, "locked@example.com", "gone@example.com"]);
    assert_eq!(read(query("email=LOCK")).await, ["locked@example.com"]);
    assert_eq!(read(query("email=%25")).await, Vec::<String>::new(), "% is a character, not a wildcard");
    assert_eq!(read(query("name=member")).await, Vec::<String>::new());
    assert_eq!(read(query("role=admin&status=active")).await, [ADMIN, OPERATOR]);
    assert_eq!(read(query("deployment=other")).await, Vec::<String>::new(), "not theirs to see");

    let operator = app.admin_token(OPERATOR).await;
    let theirs = emails(&app.read(&operator, &query("deployment=other")).await.body);
    assert_eq!(theirs, [OTHER_ADMIN]);

    for (q, field) in [
        ("status=sleeping", "status"),
        ("role=operator", "role"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("cursor=%%%", "cursor"),
        ("cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("colour=blue", "colour"),
    ] {
        let answer = app.call(Method::GET, &query(q)).token(&admin).send().await;
        assert_eq!(answer.problem(400, "invalid_request").field(), field, "{q}");
    }
}

#[tokio::test]
async fn paging_neither_skips_nor_repeats_while_members_are_added() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    for n in 0..6 {
        app.add_patient(&format!("p{n}@example.com")).await;
    }
    let before: HashSet<String> =
        emails(&app.read(&admin, "/api/admin/members?limit=200").await.body).into_iter().collect();
    let mut seen = Vec::new();
    let mut path = "/api/admin/members?limit=3".to_string();
    let mut added = 0;
    loop {
        let page = app.read(&admin, &path).await.body;
        let items = emails(&page);
        assert!(items.len() <= 3, "{page}");
        seen.extend(items);
        app.add_patient(&format!("new{added}@example.com")).await;
        added += 1;
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/admin/members?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no member twice: {seen:?}");
    assert!(before.is_subset(&unique), "every member that was there: {before:?} in {seen:?}");
}

#[tokio::test]
async fn a_member_is_read_with_their_factors_and_an_etag() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let clinician = app.user(CLINICIAN).await;
    app.state.store.set_verified_phone(&clinician.id, "+447400123456", 1).await.unwrap();
    let answer = app.read(&admin, &format!("/api/admin/members/{}", clinician.id)).await;
    let body = &answer.body;
    assert_eq!((body["email"].as_str(), body["role"].as_str()), (Some(CLINICIAN), Some("clinician")));
    assert_eq!(
        (body["phone_number"].as_str(), body["phone_verified"].as_bool()),
        (Some("+447400123456"), Some(true))
    );
    assert_eq!((body["passkeys"].as_i64(), body["recovery_codes_left"].as_i64()), (Some(0), Some(0)));
    assert_eq!(body["has_password"], true);
    assert!(body.get("password_hash").is_none(), "never a secret: {body}");
    let printed = app.operator(&["users", "show", CLINICIAN]);
    let shown: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(&shown, body, "what `careid users show` prints");
    let again = app.read(&admin, &format!("/api/admin/members/{}", clinician.id)).await;
    assert_eq!(again.etag(), answer.etag(), "the same member, the same ETag");
}

#[tokio::test]
async fn disabling_a_member_stops_their_refresh_tokens_at_once_and_is_audited() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let clinician = app.user(CLINICIAN).await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid offline_access").tokens().await;
    let refresh = text(&tokens, "refresh_token");
    let path = format!("/api/admin/members/{}/disable", clinician.id);
    let answer = app.call(Method::POST, &path).token(&admin).send().await;
    assert_eq!(answer.ok()["status"], "disabled");
    let (status, body) = app.refresh(&PORTAL, refresh).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    // Again: nothing more to do, nothing more audited.
    app.call(Method::POST, &path).token(&admin).send().await.ok();
    let enable = format!("/api/admin/members/{}/enable", clinician.id);
    assert_eq!(app.call(Method::POST, &enable).token(&admin).send().await.ok()["status"], "active");
    let events = app.state.store.audit_events(Some(&clinician.id), 20).await.unwrap();
    let kinds: Vec<_> =
        events.iter().rev().map(|e| e.kind.as_str()).filter(|k| k.starts_with("account.")).collect();
    assert_eq!(kinds, ["account.disabled", "account.enabled"]);
    let disabled = events.iter().find(|e| e.kind == "account.disabled").unwrap();
    assert_eq!(disabled.actor.as_deref(), Some(app.user(ADMIN).await.id.as_str()));
    assert_eq!(
        disabled.detail.as_deref(),
        Some(r#"{"changes":{"status":{"after":"disabled","before":"active"}}}"#)
    );
}

#[tokio::test]
async fn roles_change_within_the_invitation_rules_and_need_if_match() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let clinician = app.user(CLINICIAN).await;
    let path = format!("/api/admin/members/{}", clinician.id);
    let etag = app.read(&admin, &path).await.etag();
    let promote = r#"{"role": "admin"}"#;
    app.call(Method::PATCH, &path)
        .token(&admin)
        .body(promote)
        .send()
        .await
        .problem(428, "precondition_required");
    app.call(Method::PATCH, &path)
        .token(&admin)
        .if_match("\"stale\"")
        .body(promote)
        .send()
        .await
        .problem(412, "stale");
    for (body, field) in [
        (r#"{"role": "operator"}"#, "role"),
        (r#"{"role": 3}"#, "role"),
        ("{}", "role"),
        (r#"{"role": "admin", "status": "x"}"#, "status"),
    ] {
        let answer = app.call(Method::PATCH, &path).token(&admin).if_match(&etag).body(body).send().await;
        assert_eq!(answer.problem(400, "invalid_request").field(), field, "{body}");
    }
    let patient = app.user(PATIENT).await;
    let patient_path = format!("/api/admin/members/{}", patient.id);
    let patient_etag = app.read(&admin, &patient_path).await.etag();
    let answer = app
        .call(Method::PATCH, &patient_path)
        .token(&admin)
        .if_match(&patient_etag)
        .body(promote)
        .send()
        .await;
    answer.problem(403, "forbidden");

    // Two administrators change the role from the same read: exactly one wins.
    let calls = ["admin", "clinician"].map(|_| {
        let call = app.call(Method::PATCH, &path).token(&admin).if_match(&etag).body(promote);
        tokio::spawn(call.send())
    });
    let answers = join_all(calls).await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{answers:?}");
    assert_eq!(app.user(CLINICIAN).await.role, "admin");
    let events = app.state.store.audit_events(Some(&clinician.id), 20).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "account.role_changed").count(), 1);

    let operator = app.admin_token(OPERATOR).await;
    let etag = app.read(&operator, &patient_path).await.etag();
    let answer = app
        .call(Method::PATCH, &patient_path)
        .token(&operator)
        .if_match(&etag)
        .body(r#"{"role": "clinician"}"#)
        .send()
        .await;
    assert_eq!(answer.ok()["role"], "clinician", "an operator gives any role");
}

#[tokio::test]
async fn sessions_are_listed_and_ended_with_back_channel_logout() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    app.add_client(json!({
        "id": "records", "name": "Records", "secret": "records-secret-0123456789-abcdefghijk",
        "redirect_uris": ["https://records.example/cb"], "allowed_roles": ["clinician"], "first_party": true,
        "backchannel_logout_uri": "http://127.0.0.1:9/logout"
    }))
    .await;
    let clinician = app.user(CLINICIAN).await;
    let (first, second) = (Browser::new(&app), Browser::new(&app));
    app.sign_in(&PORTAL, CLINICIAN).in_browser(&first).tokens().await;
    app.sign_in(&PORTAL, CLINICIAN).in_browser(&second).tokens().await;
    let records = crate::kit::Client::confidential(
        "records",
        "https://records.example/cb",
        "records-secret-0123456789-abcdefghijk",
    );
    app.sign_in(&records, CLINICIAN).in_session(&first).tokens().await;
    let path = format!("/api/admin/members/{}/sessions", clinician.id);
    let listed = app.read(&admin, &path).await.body;
    let sessions = listed["items"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{listed}");
    assert!(sessions.iter().all(|s| s.get("session_key").is_none()), "never the key");

    let sid = sessions.iter().map(|s| s["sid"].as_str().unwrap()).collect::<Vec<_>>();
    let one = format!("{path}/{}", sid[0]);
    assert_eq!(app.call(Method::DELETE, &one).token(&admin).send().await.status, 204);
    app.call(Method::DELETE, &one).token(&admin).send().await.problem(404, "not_found");
    assert_eq!(app.read(&admin, &path).await.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.call(Method::DELETE, &path).token(&admin).send().await.status, 204);
    assert_eq!(app.read(&admin, &path).await.body["items"], json!([]));
    let deliveries = app.state.store.recent_deliveries(10).await.unwrap();
    assert!(deliveries.iter().any(|d| d.client_id == "records"), "the relying party hears of it");
    let (_, at, _) = first.visit("/account").await.page();
    assert!(at.contains("/login"), "signed out: {at}");
    let events = app.state.store.audit_events(Some(&clinician.id), 20).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "sessions.ended").count(), 2);
}

#[tokio::test]
async fn an_admin_does_not_lock_themselves_out_here() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let me = app.user(ADMIN).await.id;
    let etag = app.read(&admin, &format!("/api/admin/members/{me}")).await.etag();
    for (method, path) in [
        (Method::POST, format!("/api/admin/members/{me}/disable")),
        (Method::POST, format!("/api/admin/members/{me}/reset-second-factors")),
        (Method::POST, format!("/api/admin/users/{me}/reset-mfa")),
        (Method::DELETE, format!("/api/admin/members/{me}/sessions")),
        (Method::DELETE, format!("/api/admin/members/{me}/sessions/any")),
    ] {
        app.call(method.clone(), &path).token(&admin).send().await.problem(403, "forbidden");
    }
    let demote = r#"{"role": "clinician"}"#;
    let path = format!("/api/admin/members/{me}");
    app.call(Method::PATCH, &path)
        .token(&admin)
        .if_match(&etag)
        .body(demote)
        .send()
        .await
        .problem(403, "forbidden");
    assert_eq!(app.read(&admin, &path).await.body["status"], "active", "and the token still works");
}

#[tokio::test]
async fn verification_is_resent_to_unverified_members_only() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let late = app.add_unverified("late@example.com", Role::Clinician, 60).await;
    let path = format!("/api/admin/members/{}/resend-verification", late.id);
    let answer = app.call(Method::POST, &path).token(&admin).send().await;
    assert_eq!((answer.status.as_u16(), &answer.body), (202, &json!({"sent": true})));
    assert!(app.user("late@example.com").await.verify_by.unwrap() > late.verify_by.unwrap());
    let clinician = app.user(CLINICIAN).await;
    let path = format!("/api/admin/members/{}/resend-verification", clinician.id);
    app.call(Method::POST, &path).token(&admin).send().await.problem(409, "conflict");
}
