//! Invite-only onboarding end to end: the operator invites the first
//! administrator, who invites a clinician through the API, who invites
//! patients; and everything the API refuses.

use serde_json::{Value, json};

use crate::kit::invitations::INVITE_SCOPES;
use crate::kit::{PORTAL, TestApp};

#[tokio::test]
async fn the_operator_invites_an_admin_who_invites_a_clinician_who_invites_patients() {
    let app = TestApp::spawn().await;
    app.add_inviting_portal().await;

    // The operator invites the first administrator from the command line.
    let out =
        app.operator(&["invite", "--role", "admin", "--deployment", "default", "--email", "ann@example.com"]);
    let link = out.lines().last().unwrap().to_string();
    assert!(link.starts_with(&format!("{}/invite/", app.base)), "{out}");
    assert_eq!(app.emailed_invitation("ann@example.com").await, link);
    let page = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("careid invited you") && page.contains("an administrator"), "{page}");
    let response = app.sign_up_ok(&link, &[]).await;
    assert_eq!(response.headers()["location"], "/account");
    let admin = app.user("ann@example.com").await;
    assert_eq!((admin.role.as_str(), admin.deployment_id.as_str()), ("admin", "default"));
    assert!(!admin.email_verified, "holding the link does not verify the email");
    assert_eq!(admin.verify_by, Some(admin.created_at + 24 * 3600));

    // The administrator invites a clinician through the portal's API.
    let admin_token = app.sign_in(&PORTAL, "ann@example.com").scope(INVITE_SCOPES).access_token().await;
    let (status, body) =
        app.invite_by_api(&admin_token, json!({"role": "clinician", "email": "doc@example.com"})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["invitation"]["deployment"], "default");
    assert!(body.get("link").is_none(), "an emailed link is not handed to the inviter: {body}");
    let email = &app.wait_for_emails(1).await[0];
    assert_eq!(email.subject, "Ada Lovelace invited you to Default");
    assert!(email.html_body.contains("Create account"));
    let doc_link = app.emailed_invitation("doc@example.com").await;
    app.sign_up_ok(&doc_link, &[]).await;
    let doc = app.user("doc@example.com").await;
    assert_eq!(doc.role, "clinician");

    // The clinician invites one patient by a shared link, another by email.
    let doc_token = app.sign_in(&PORTAL, "doc@example.com").scope(INVITE_SCOPES).access_token().await;
    let (status, body) = app.invite_by_api(&doc_token, json!({"role": "patient"})).await;
    assert_eq!(status, 201, "{body}");
    let shared = body["link"].as_str().unwrap().to_string();
    assert!(body["qr_svg"].as_str().unwrap().contains("<svg"), "{body}");
    app.sign_up_ok(&shared, &[("email", "pat@example.com")]).await;
    let (status, _) =
        app.invite_by_api(&doc_token, json!({"role": "patient", "email": "pia@example.com"})).await;
    assert_eq!(status, 201);
    app.sign_up_ok(&app.emailed_invitation("pia@example.com").await, &[]).await;
    for email in ["pat@example.com", "pia@example.com"] {
        let user = app.user(email).await;
        assert_eq!((user.role.as_str(), user.deployment_id.as_str()), ("patient", "default"));
    }

    // Each inviter sees their own invitations, now redeemed.
    let list = app.invitations_listed(&doc_token).await;
    let statuses: Vec<&str> =
        list["invitations"].as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["redeemed", "redeemed"]);
    let kinds: Vec<String> =
        app.state.store.audit_events(None, 100).await.unwrap().into_iter().map(|e| e.kind).collect();
    for kind in ["invitation.created", "invitation.sent", "invitation.redeemed", "signup"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
}

#[tokio::test]
async fn clinicians_invite_only_patients_and_patients_invite_nobody() {
    let app = TestApp::spawn().await;
    app.add_inviting_portal().await;
    app.add_clinician("doc@example.com").await;
    app.add_patient("pat@example.com").await;
    let doc = app.sign_in(&PORTAL, "doc@example.com").scope(INVITE_SCOPES).access_token().await;
    for role in ["admin", "clinician"] {
        let (status, body) = app.invite_by_api(&doc, json!({"role": role, "email": "x@example.com"})).await;
        assert_eq!(status, 403, "{role}: {body}");
        assert_eq!(
            body,
            json!({"error": "forbidden", "error_description": "clinicians can only invite patients"})
        );
    }
    let pat = app.sign_in(&PORTAL, "pat@example.com").scope(INVITE_SCOPES).access_token().await;
    let (status, body) = app.invite_by_api(&pat, json!({"role": "patient", "email": "y@example.com"})).await;
    assert_eq!((status.as_u16(), body["error"].as_str()), (403, Some("forbidden")));
    let (status, body) = app.invite_by_api(&doc, json!({"role": "nurse"})).await;
    assert_eq!((status.as_u16(), body["error"].as_str()), (400, Some("invalid_request")));
    let (status, _) = app.invite_by_api(&doc, json!({"role": "patient", "email": "not an email"})).await;
    assert_eq!(status, 400);
    let response =
        app.client.post(app.url("/api/invitations")).bearer_auth(&doc).body("{").send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(app.outbox_rows().await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn admins_invite_only_into_their_own_deployment_and_the_operator_anywhere() {
    let app = TestApp::spawn().await;
    app.add_inviting_portal().await;
    app.operator(&["deployments", "add", "heart", "--name", "Heart Failure", "--invitation-days", "3"]);
    app.add_admin("ann@example.com").await;
    let ann = app.sign_in(&PORTAL, "ann@example.com").scope(INVITE_SCOPES).access_token().await;
    let body = json!({"role": "clinician", "email": "doc@example.com", "deployment": "heart"});
    let (status, _) = app.invite_by_api(&ann, body).await;
    assert_eq!(status, 400, "the API has no way to name another deployment");
    let (status, body) = app.invite_by_api(&ann, json!({"role": "patient", "email": "p@example.com"})).await;
    assert_eq!((status.as_u16(), body["error"].as_str()), (403, Some("forbidden")), "{body}");

    let out = app.operator(&["invite", "--role", "admin", "--deployment", "heart"]);
    let link = out.lines().last().unwrap();
    app.sign_up_ok(link, &[("email", "hf-admin@example.com")]).await;
    let user = app.user("hf-admin@example.com").await;
    assert_eq!(user.deployment_id, "heart");
    let invitation = &app.state.store.invitations_by(None, 10).await.unwrap()[0];
    assert_eq!(invitation.expires_at - invitation.created_at, 3 * 86_400);

    app.operator(&[
        "deployments",
        "update",
        "heart",
        "--mfa-required",
        "--terms-version",
        "1",
        "--terms-url",
        "https://hf.example/t",
    ]);
    let shown: Value = serde_json::from_str(&app.operator(&["deployments", "show", "heart"])).unwrap();
    assert_eq!((shown["mfa_required"].as_bool(), shown["invitation_days"].as_i64()), (Some(true), Some(3)));
    assert_eq!(shown["terms_version"], "1");
}

#[tokio::test]
async fn deployments_declared_in_configuration_exist_from_the_start() {
    let spec = careid::onboarding::deployments::DeploymentSpec {
        id: "diabetes".into(),
        name: "Diabetes".into(),
        mfa_required: true,
        ..Default::default()
    };
    let app = TestApp::spawn_with(|c| c.deployments.push(spec)).await;
    let d = app.state.store.deployment("diabetes").await.unwrap().unwrap();
    assert!(d.mfa_required);
    assert_eq!(d.invitation_days, 7);
}

#[tokio::test]
async fn bearer_tokens_must_be_live_access_tokens_with_the_invite_scope() {
    let app = TestApp::spawn().await;
    app.add_inviting_portal().await;
    app.add_admin("ann@example.com").await;
    let body = json!({"role": "clinician", "email": "doc@example.com"});
    let call = |token: Option<String>| {
        let mut request = app.client.post(app.url("/api/invitations")).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let missing = call(None).await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["www-authenticate"], "Bearer");
    let garbage = call(Some("not-a-token".into())).await.unwrap();
    assert_eq!(garbage.status(), 401);
    assert_eq!(garbage.headers()["www-authenticate"], r#"Bearer error="invalid_token""#);

    let narrow = app.sign_in(&PORTAL, "ann@example.com").scope("openid email").access_token().await;
    let response = call(Some(narrow)).await.unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers()["www-authenticate"].to_str().unwrap().contains("insufficient_scope"));

    let token = app.sign_in(&PORTAL, "ann@example.com").scope(INVITE_SCOPES).access_token().await;
    let claims = app.access_claims(&token);
    assert_eq!(call(Some(token.clone())).await.unwrap().status(), 201);
    app.clock.advance(3600);
    let expired = call(Some(token.clone())).await.unwrap();
    assert_eq!(expired.status(), 401, "expired");

    let fresh = app.sign_in(&PORTAL, "ann@example.com").scope(INVITE_SCOPES).access_token().await;
    let fresh_claims = app.access_claims(&fresh);
    assert_ne!(claims["gid"], fresh_claims["gid"]);
    let now = app.clock.now();
    app.state.store.revoke_grant(fresh_claims["gid"].as_str().unwrap(), "test", now).await.unwrap();
    assert_eq!(call(Some(fresh)).await.unwrap().status(), 401, "revoked grant");
}

#[tokio::test]
async fn inviters_see_resend_and_revoke_only_their_own_invitations() {
    let app = TestApp::spawn().await;
    app.add_inviting_portal().await;
    app.add_clinician("doc@example.com").await;
    app.add_clinician("dan@example.com").await;
    let doc = app.sign_in(&PORTAL, "doc@example.com").scope(INVITE_SCOPES).access_token().await;
    let dan = app.sign_in(&PORTAL, "dan@example.com").scope(INVITE_SCOPES).access_token().await;
    let (_, body) = app.invite_by_api(&doc, json!({"role": "patient", "email": "pat@example.com"})).await;
    let id = body["invitation"]["id"].as_str().unwrap().to_string();
    let first_link = app.emailed_invitation("pat@example.com").await;

    let theirs = app.invitations_listed(&dan).await;
    assert_eq!(theirs["invitations"], json!([]));
    let resend = |token: &str| {
        app.client
            .post(app.url(&format!("/api/invitations/{id}/resend")))
            .bearer_auth(token.to_string())
            .send()
    };
    let revoke = |token: &str| {
        app.client.delete(app.url(&format!("/api/invitations/{id}"))).bearer_auth(token.to_string()).send()
    };
    assert_eq!(resend(&dan).await.unwrap().status(), 404);
    assert_eq!(revoke(&dan).await.unwrap().status(), 404);
    let unknown = app.client.delete(app.url("/api/invitations/nope")).bearer_auth(&doc).send().await.unwrap();
    assert_eq!(unknown.status(), 404);

    // A resend mails a new link and voids the old one.
    assert_eq!(resend(&doc).await.unwrap().status(), 200);
    let second_link = app.emailed_invitation("pat@example.com").await;
    assert_ne!(first_link, second_link);
    assert_eq!(app.client.get(&first_link).send().await.unwrap().status(), 404);
    assert_eq!(app.client.get(&second_link).send().await.unwrap().status(), 200);

    assert_eq!(revoke(&doc).await.unwrap().status(), 204);
    assert_eq!(app.client.get(&second_link).send().await.unwrap().status(), 404);
    assert_eq!(revoke(&doc).await.unwrap().status(), 409);
    let listed = app.invitations_listed(&doc).await;
    assert_eq!(listed["invitations"][0]["status"], "revoked");
}
