//! Invite-only onboarding end to end: the operator invites the first
//! administrator, who invites a clinician through the API, who invites
//! patients; and everything the API refuses.

use std::process::{Command, Stdio};

use careid::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::browser::{Browser, hidden};
use crate::flows::{PASSWORD, PORTAL_REDIRECT, PORTAL_SECRET, add_portal_client, authorize, token_request};
use crate::helpers::TestApp;

const INVITE_SCOPES: &str = "openid email profile careid:invite";

/// The portal, allowed to ask for `careid:invite`, for every role.
pub async fn add_inviting_portal(app: &TestApp) {
    add_portal_client(
        app,
        json!({
            "allowed_roles": ["admin", "clinician", "patient"],
            "allowed_scopes": ["openid", "email", "profile", "careid", "careid:invite"]
        }),
    )
    .await;
}

/// `careid ARGS…` as the operator, on the running app's stores; its stdout.
pub fn operator(app: &TestApp, args: &[&str]) -> String {
    let config = &app.state.config;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_careid"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CAREID_ISSUER", config.issuer_str())
        .env("CAREID_DATA_DIR", &config.data_dir)
        .env("CAREID_KEYS_DIR", &config.keys_dir)
        .args(args)
        .stdin(Stdio::null());
    if let Some(url) = &config.database_url {
        cmd.env("CAREID_DATABASE_URL", url);
    }
    if let Some(url) = &config.redis_url {
        cmd.env("CAREID_REDIS_URL", url).env("CAREID_REDIS_PREFIX", &config.redis_prefix);
    }
    let output = cmd.output().expect("careid runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "careid {args:?}: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

/// The sign-up link in the newest email to `to`.
pub async fn emailed_link(app: &TestApp, to: &str) -> String {
    let emails = app.state.store.recent_emails(10).await.unwrap();
    let email = emails.iter().find(|e| e.recipient == to).unwrap_or_else(|| panic!("no email to {to}"));
    let start = email.text_body.find(&format!("{}/invite/", app.base)).expect("a link in the email");
    email.text_body[start..].split_whitespace().next().unwrap().to_string()
}

/// Opens `link` in a new browser and submits the sign-up form with `fields`
/// (the CSRF field is added); the response, not followed.
pub async fn sign_up(app: &TestApp, link: &str, fields: &[(&str, &str)]) -> (Browser, reqwest::Response) {
    let browser = Browser::new(app);
    let page = browser.http.get(link).send().await.unwrap();
    assert_eq!(page.status(), 200, "{link}");
    let csrf = hidden(&page.text().await.unwrap(), "csrf");
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let response = browser.http.post(link).form(&form).send().await.unwrap();
    (browser, response)
}

/// Signs up through `link` with the test password; asserts the account exists.
pub async fn sign_up_ok(app: &TestApp, link: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![("given_name", "Ada"), ("family_name", "Lovelace"), ("password", PASSWORD)];
    form.extend_from_slice(fields);
    let (_, response) = sign_up(app, link, &form).await;
    assert_eq!(response.status(), 303, "{:?}", response.text().await);
    response
}

/// An access token for `email` from the portal, with `scope`.
pub async fn access_token(app: &TestApp, email: &str, scope: &str) -> String {
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", scope),
        ("state", "s"),
    ];
    let params = authorize(app, &Browser::new(app), &query, email).await;
    let form =
        [("grant_type", "authorization_code"), ("code", &params["code"]), ("redirect_uri", PORTAL_REDIRECT)];
    let (status, body) = token_request(app, &form, Some(("portal", PORTAL_SECRET))).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

pub async fn invite(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    let response =
        app.client.post(app.url("/api/invitations")).bearer_auth(token).json(&body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_operator_invites_an_admin_who_invites_a_clinician_who_invites_patients() {
    let app = TestApp::spawn().await;
    add_inviting_portal(&app).await;

    // The operator invites the first administrator from the command line.
    let out = operator(
        &app,
        &["invite", "--role", "admin", "--deployment", "default", "--email", "ann@example.com"],
    );
    let link = out.lines().last().unwrap().to_string();
    assert!(link.starts_with(&format!("{}/invite/", app.base)), "{out}");
    assert_eq!(emailed_link(&app, "ann@example.com").await, link);
    let page = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("careid invited you") && page.contains("an administrator"), "{page}");
    let response = sign_up_ok(&app, &link, &[]).await;
    assert_eq!(response.headers()["location"], "/account");
    let admin = app.state.store.user_by_email("ann@example.com").await.unwrap().unwrap();
    assert_eq!((admin.role.as_str(), admin.deployment_id.as_str()), ("admin", "default"));
    assert!(!admin.email_verified, "holding the link does not verify the email");
    assert_eq!(admin.verify_by, Some(admin.created_at + 24 * 3600));

    // The administrator invites a clinician through the portal's API.
    let admin_token = access_token(&app, "ann@example.com", INVITE_SCOPES).await;
    let (status, body) =
        invite(&app, &admin_token, json!({"role": "clinician", "email": "doc@example.com"})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["invitation"]["deployment"], "default");
    assert!(body.get("link").is_none(), "an emailed link is not handed to the inviter: {body}");
    let email = &app.state.store.recent_emails(1).await.unwrap()[0];
    assert_eq!(email.subject, "Ada Lovelace invited you to Default");
    assert!(email.html_body.contains("Create account"));
    let doc_link = emailed_link(&app, "doc@example.com").await;
    sign_up_ok(&app, &doc_link, &[]).await;
    let doc = app.state.store.user_by_email("doc@example.com").await.unwrap().unwrap();
    assert_eq!(doc.role, "clinician");

    // The clinician invites one patient by a shared link, another by email.
    let doc_token = access_token(&app, "doc@example.com", INVITE_SCOPES).await;
    let (status, body) = invite(&app, &doc_token, json!({"role": "patient"})).await;
    assert_eq!(status, 201, "{body}");
    let shared = body["link"].as_str().unwrap().to_string();
    assert!(body["qr_svg"].as_str().unwrap().contains("<svg"), "{body}");
    sign_up_ok(&app, &shared, &[("email", "pat@example.com")]).await;
    let (status, _) = invite(&app, &doc_token, json!({"role": "patient", "email": "pia@example.com"})).await;
    assert_eq!(status, 201);
    sign_up_ok(&app, &emailed_link(&app, "pia@example.com").await, &[]).await;
    for email in ["pat@example.com", "pia@example.com"] {
        let user = app.state.store.user_by_email(email).await.unwrap().unwrap();
        assert_eq!((user.role.as_str(), user.deployment_id.as_str()), ("patient", "default"));
    }

    // Each inviter sees their own invitations, now redeemed.
    let list: Value = app
        .client
        .get(app.url("/api/invitations"))
        .bearer_auth(&doc_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    add_inviting_portal(&app).await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    app.add_user("pat@example.com", PASSWORD, Role::Patient).await;
    let doc = access_token(&app, "doc@example.com", INVITE_SCOPES).await;
    for role in ["admin", "clinician"] {
        let (status, body) = invite(&app, &doc, json!({"role": role, "email": "x@example.com"})).await;
        assert_eq!(status, 403, "{role}: {body}");
        assert_eq!(
            body,
            json!({"error": "forbidden", "error_description": "clinicians can only invite patients"})
        );
    }
    let pat = access_token(&app, "pat@example.com", INVITE_SCOPES).await;
    let (status, body) = invite(&app, &pat, json!({"role": "patient", "email": "y@example.com"})).await;
    assert_eq!((status.as_u16(), body["error"].as_str()), (403, Some("forbidden")));
    let (status, body) = invite(&app, &doc, json!({"role": "nurse"})).await;
    assert_eq!((status.as_u16(), body["error"].as_str()), (400, Some("invalid_request")));
    let (status, _) = invite(&app, &doc, json!({"role": "patient", "email": "not an email"})).await;
    assert_eq!(status, 400);
    let response =
        app.client.post(app.url("/api/invitations")).bearer_auth(&doc).body("{").send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(app.state.store.recent_emails(10).await.unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn admins_invite_only_into_their_own_deployment_and_the_operator_anywhere() {
    let app = TestApp::spawn().await;
    add_inviting_portal(&app).await;
    operator(&app, &["deployments", "add", "heart", "--name", "Heart Failure", "--invitation-days", "3"]);
    app.add_user("ann@example.com", PASSWORD, Role::Admin).await;
    let ann = access_token(&app, "ann@example.com", INVITE_SCOPES).await;
    let body = json!({"role": "clinician", "email": "doc@example.com", "deployment": "heart"});
    let (status, _) = invite(&app, &ann, body).await;
    assert_eq!(status, 400, "the API has no way to name another deployment");
    let (status, body) = invite(&app, &ann, json!({"role": "patient", "email": "p@example.com"})).await;
    assert_eq!((status.as_u16(), body["error"].as_str()), (403, Some("forbidden")), "{body}");

    let out = operator(&app, &["invite", "--role", "admin", "--deployment", "heart"]);
    let link = out.lines().last().unwrap();
    sign_up_ok(&app, link, &[("email", "hf-admin@example.com")]).await;
    let user = app.state.store.user_by_email("hf-admin@example.com").await.unwrap().unwrap();
    assert_eq!(user.deployment_id, "heart");
    let invitation = &app.state.store.invitations_by(None, 10).await.unwrap()[0];
    assert_eq!(invitation.expires_at - invitation.created_at, 3 * 86_400);

    operator(
        &app,
        &[
            "deployments",
            "update",
            "heart",
            "--mfa-required",
            "--terms-version",
            "1",
            "--terms-url",
            "https://hf.example/t",
        ],
    );
    let shown: Value = serde_json::from_str(&operator(&app, &["deployments", "show", "heart"])).unwrap();
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
    add_inviting_portal(&app).await;
    app.add_user("ann@example.com", PASSWORD, Role::Admin).await;
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

    let narrow = access_token(&app, "ann@example.com", "openid email").await;
    let response = call(Some(narrow)).await.unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers()["www-authenticate"].to_str().unwrap().contains("insufficient_scope"));

    let token = access_token(&app, "ann@example.com", INVITE_SCOPES).await;
    let claims: Value = app.state.keyring.verify(&token, &app.base, None).unwrap();
    assert_eq!(call(Some(token.clone())).await.unwrap().status(), 201);
    app.clock.advance(3600);
    let expired = call(Some(token.clone())).await.unwrap();
    assert_eq!(expired.status(), 401, "expired");

    let fresh = access_token(&app, "ann@example.com", INVITE_SCOPES).await;
    let fresh_claims: Value = app.state.keyring.verify(&fresh, &app.base, None).unwrap();
    assert_ne!(claims["gid"], fresh_claims["gid"]);
    let now = app.clock.now();
    app.state.store.revoke_grant(fresh_claims["gid"].as_str().unwrap(), "test", now).await.unwrap();
    assert_eq!(call(Some(fresh)).await.unwrap().status(), 401, "revoked grant");
}

#[tokio::test]
async fn inviters_see_resend_and_revoke_only_their_own_invitations() {
    let app = TestApp::spawn().await;
    add_inviting_portal(&app).await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    app.add_user("dan@example.com", PASSWORD, Role::Clinician).await;
    let doc = access_token(&app, "doc@example.com", INVITE_SCOPES).await;
    let dan = access_token(&app, "dan@example.com", INVITE_SCOPES).await;
    let (_, body) = invite(&app, &doc, json!({"role": "patient", "email": "pat@example.com"})).await;
    let id = body["invitation"]["id"].as_str().unwrap().to_string();
    let first_link = emailed_link(&app, "pat@example.com").await;

    let theirs: Value = app
        .client
        .get(app.url("/api/invitations"))
        .bearer_auth(&dan)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    let second_link = emailed_link(&app, "pat@example.com").await;
    assert_ne!(first_link, second_link);
    assert_eq!(app.client.get(&first_link).send().await.unwrap().status(), 404);
    assert_eq!(app.client.get(&second_link).send().await.unwrap().status(), 200);

    assert_eq!(revoke(&doc).await.unwrap().status(), 204);
    assert_eq!(app.client.get(&second_link).send().await.unwrap().status(), 404);
    assert_eq!(revoke(&doc).await.unwrap().status(), 409);
    let listed: Value = app
        .client
        .get(app.url("/api/invitations"))
        .bearer_auth(&doc)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["invitations"][0]["status"], "revoked");
}
