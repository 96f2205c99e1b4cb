//! A deployment's invitations over the admin API: its administrators list
//! them by status, create them within the invitation rules, re-send and
//! revoke any of their deployment's (not only their own), and never see
//! another deployment's; `/api/invitations` keeps answering clinicians.

use careid::people::Role;
use reqwest::Method;
use serde_json::Value;

use crate::kit::admin::{OPERATOR, OTHER_ADMIN};
use crate::kit::{ADMIN, TestApp, join_all};

fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn an_admin_invites_lists_resends_and_revokes_their_deployments_invitations() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let path = "/api/admin/invitations";
    let body = r#"{"role": "clinician", "email": "new.doc@example.com"}"#;
    let created = app.call(Method::POST, path).token(&admin).body(body).send().await;
    assert_eq!(created.status, 201, "{created:?}");
    let invitation = &created.body["invitation"];
    assert_eq!(
        (invitation["status"].as_str(), invitation["role"].as_str()),
        (Some("open"), Some("clinician"))
    );
    assert!(created.body.get("link").is_none(), "the link goes to the mailbox only");
    let first_link = app.emailed_invitation("new.doc@example.com").await;
    let id = invitation["id"].as_str().unwrap().to_string();

    // One the operator made in this deployment, and one in another.
    app.invite(Role::Patient, Some("pat2@example.com")).await;
    let elsewhere = app.admin_token(OTHER_ADMIN).await;
    let theirs = app
        .call(Method::POST, path)
        .token(&elsewhere)
        .body(r#"{"role": "admin", "email": "a@other.example"}"#)
        .send()
        .await;
    let theirs_id = theirs.ok()["invitation"]["id"].as_str().unwrap().to_string();

    let listed = app.read(&admin, path).await.body;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        2,
        "this deployment's, whoever made them: {listed}"
    );
    assert!(!ids(&listed).contains(&theirs_id));
    let shown = app.read(&admin, &format!("{path}/{id}")).await;
    assert_eq!(shown.body["email"], "new.doc@example.com");
    shown.etag();
    app.call(Method::GET, &format!("{path}/{theirs_id}"))
        .token(&admin)
        .send()
        .await
        .problem(404, "not_found");
    app.call(Method::POST, &format!("{path}/{theirs_id}/revoke"))
        .token(&admin)
        .send()
        .await
        .problem(404, "not_found");

    let resent = app.call(Method::POST, &format!("{path}/{id}/resend")).token(&admin).send().await;
    assert_eq!(resent.ok()["invitation"]["id"], id.as_str());
    assert_eq!(app.client.get(&first_link).send().await.unwrap().status(), 404, "the old link stops");
    let revoked = app.call(Method::POST, &format!("{path}/{id}/revoke")).token(&admin).send().await;
    assert_eq!(revoked.ok()["status"], "revoked");
    app.call(Method::POST, &format!("{path}/{id}/revoke"))
        .token(&admin)
        .send()
        .await
        .problem(409, "conflict");
    app.call(Method::POST, &format!("{path}/{id}/resend"))
        .token(&admin)
        .send()
        .await
        .problem(409, "conflict");

    assert_eq!(ids(&app.read(&admin, &format!("{path}?status=revoked")).await.body), [id.as_str()]);
    assert_eq!(
        app.read(&admin, &format!("{path}?status=open")).await.body["items"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        app.read(&admin, &format!("{path}?role=patient")).await.body["items"][0]["email"],
        "pat2@example.com"
    );
    app.clock.advance(30 * 86_400);
    let admin = app.admin_token(ADMIN).await;
    assert_eq!(
        app.read(&admin, &format!("{path}?status=expired")).await.body["items"][0]["email"],
        "pat2@example.com"
    );

    let operator = app.admin_token(OPERATOR).await;
    let everywhere = app.read(&operator, path).await.body;
    assert_eq!(everywhere["items"].as_array().unwrap().len(), 3);
    assert_eq!(ids(&app.read(&operator, &format!("{path}?deployment=other")).await.body), [theirs_id]);
    let kinds = app.audit_kinds().await;
    for kind in ["invitation.created", "invitation.sent", "invitation.revoked"] {
        assert!(kinds.contains(&kind.to_string()), "{kind} in {kinds:?}");
    }
}

#[tokio::test]
async fn invitations_follow_the_invitation_rules_and_refuse_bad_input() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let path = "/api/admin/invitations";
    let patient = app
        .call(Method::POST, path)
        .token(&admin)
        .body(r#"{"role": "patient", "email": "p@example.com"}"#)
        .send()
        .await;
    patient.problem(403, "forbidden");
    let cases = [
        (r#"{"role": "clinician"}"#, "email"),
        (r#"{"role": "clinician", "email": "not an email"}"#, "email"),
        (r#"{"role": "nurse", "email": "n@example.com"}"#, "role"),
        (r#"{"email": "n@example.com"}"#, "role"),
        (r#"{"role": "clinician", "email": "n@example.com", "deployment": "other"}"#, "deployment"),
        (r#"{"role": "clinician", "email": "n@example.com", "expires": 3}"#, "expires"),
        (r#"{"role": ["clinician"], "email": "n@example.com"}"#, "role"),
    ];
    for (body, field) in cases {
        let answer = app.call(Method::POST, path).token(&admin).body(body).send().await;
        assert_eq!(answer.problem(400, "invalid_request").field(), field, "{body}");
    }
    for (query, field) in [("status=lost", "status"), ("limit=-1", "limit"), ("cursor=x", "cursor")] {
        let answer = app.call(Method::GET, &format!("{path}?{query}")).token(&admin).send().await;
        assert_eq!(answer.problem(400, "invalid_request").field(), field, "{query}");
    }
    app.call(Method::GET, &format!("{path}/nope")).token(&admin).send().await.problem(404, "not_found");

    // The operator invites anyone anywhere, a patient without an email too.
    let operator = app.admin_token(OPERATOR).await;
    let body = r#"{"role": "patient", "deployment": "other"}"#;
    let created = app.call(Method::POST, path).token(&operator).body(body).send().await;
    assert_eq!(created.status, 201, "{created:?}");
    assert!(created.body["link"].as_str().unwrap().contains("/invite/"), "the link to hand over");
    let answer = app
        .call(Method::POST, path)
        .token(&operator)
        .body(r#"{"role": "patient", "deployment": "nowhere"}"#)
        .send()
        .await;
    assert_eq!(answer.problem(400, "invalid_request").field(), "deployment");
}

#[tokio::test]
async fn concurrent_revocations_of_one_invitation_revoke_it_once() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let body = r#"{"role": "clinician", "email": "twice@example.com"}"#;
    let created = app.call(Method::POST, "/api/admin/invitations").token(&admin).body(body).send().await;
    let id = created.ok()["invitation"]["id"].as_str().unwrap().to_string();
    let path = format!("/api/admin/invitations/{id}/revoke");
    let calls = [0, 1, 2].map(|_| tokio::spawn(app.call(Method::POST, &path).token(&admin).send()));
    let mut statuses: Vec<u16> = join_all(calls).await.iter().map(|a| a.status.as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409]);
    let revoked = app.audit_kinds().await.iter().filter(|k| *k == "invitation.revoked").count();
    assert_eq!(revoked, 1);
}
