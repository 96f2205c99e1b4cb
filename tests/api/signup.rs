//! The invitation page and sign-up: one neutral answer for every unusable
//! link, GET never consumes, the password policy, one account per invitation.

use careid::accounts::{Email, Role};
use careid::audit::Origin;
use careid::onboarding::deployments::{self, DeploymentSpec};
use careid::onboarding::invitations::{self, Inviter};
use reqwest::StatusCode;

use crate::browser::{Browser, hidden};
use crate::flows::{PASSWORD, PORTAL_REDIRECT, serde_urlencoded};
use crate::helpers::TestApp;
use crate::invitations::{add_inviting_portal, sign_up, sign_up_ok};

/// An operator's invitation; its link.
async fn invited(app: &TestApp, role: Role, email: Option<&str>) -> String {
    let email = email.map(|e| Email::parse(e).unwrap());
    let (_, token) =
        invitations::create(&app.state, &Inviter::Operator, role, "default", email, &Origin::default())
            .await
            .unwrap();
    invitations::link(&app.state, &token)
}

async fn account_exists(app: &TestApp, email: &str) -> bool {
    app.state.store.user_by_email(email).await.unwrap().is_some()
}

/// Submits the form and expects it back with an error; returns the page.
async fn refused(app: &TestApp, link: &str, email: &str, password: &str) -> String {
    let fields = [("email", email), ("given_name", "Pat"), ("family_name", "Doe"), ("password", password)];
    let (_, response) = sign_up(app, link, &fields).await;
    assert_eq!(response.status(), 400, "{password:?}");
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"id="signup-error""#), "{page}");
    assert!(!account_exists(app, email).await, "{password:?} created an account");
    page
}

#[tokio::test]
async fn unknown_expired_revoked_and_used_links_get_one_neutral_page() {
    let app = TestApp::spawn().await;
    let used = invited(&app, Role::Patient, Some("used@example.com")).await;
    sign_up_ok(&app, &used, &[]).await;
    let revoked = invited(&app, Role::Patient, None).await;
    let id = app.state.store.invitations_by(None, 1).await.unwrap()[0].id.clone();
    invitations::revoke(&app.state, &Inviter::Operator, &id, &Origin::default()).await.unwrap();
    let expired = invited(&app, Role::Patient, None).await;
    let open = invited(&app, Role::Patient, None).await;
    app.clock.advance(7 * 86_400);
    let fresh = invited(&app, Role::Patient, None).await;
    let unknown = format!("{}/invite/{}", app.base, "A".repeat(43));

    let mut bodies = Vec::new();
    for link in [&used, &revoked, &expired, &open, &unknown] {
        let response = app.client.get(link).send().await.unwrap();
        assert_eq!(response.status(), 404, "{link}");
        bodies.push(response.text().await.unwrap());
        let posted = app.client.post(link).form(&[("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(posted.status(), 400, "a POST without its CSRF cookie is refused first");
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "every closed link looks the same");
    assert!(bodies[0].contains("This invitation cannot be used"));
    assert_eq!(app.client.get(&fresh).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn showing_the_page_does_not_use_the_invitation() {
    let app = TestApp::spawn().await;
    let link = invited(&app, Role::Patient, Some("pat@example.com")).await;
    for _ in 0..3 {
        assert_eq!(app.client.get(&link).send().await.unwrap().status(), 200);
    }
    sign_up_ok(&app, &link, &[]).await;
    assert_eq!(app.client.get(&link).send().await.unwrap().status(), 404, "used now");
}

#[tokio::test]
async fn passwords_are_checked_against_length_and_the_common_list() {
    let app = TestApp::spawn().await;
    let patient = invited(&app, Role::Patient, None).await;
    let page = refused(&app, &patient, "pat@example.com", "qwerty123456789").await;
    assert!(page.contains("most commonly used"), "{page}");
    assert!(page.contains("<meter"), "a strength meter: {page}");
    let page = refused(&app, &patient, "pat@example.com", "violet otter r").await;
    assert!(page.contains("at least 15 characters"), "{page}");
    let page = refused(&app, &patient, "pat@example.com", "aaaaaaaaaaaaaaaaaaaa").await;
    assert!(page.contains("too easy to guess") && page.contains("<meter"), "{page}");
    let page =
        refused(&app, &patient, "pat@example.com", &"x7#Lq9!z".repeat(16).replacen('x', "xy", 1)).await;
    assert!(page.contains("at most 128"), "{page}");
    assert!(page.contains(r#"value="pat@example.com""#), "what was typed is kept");

    let clinician = invited(&app, Role::Clinician, None).await;
    let page = refused(&app, &clinician, "doc@example.com", "x7#Lq9!").await;
    assert!(page.contains("at least 8 characters"), "{page}");
    // A clinician always has a second factor: 8 characters do.
    let fields =
        [("email", "doc@example.com"), ("given_name", "D"), ("family_name", "R"), ("password", "x7#Lq9!z")];
    let (_, response) = sign_up(&app, &clinician, &fields).await;
    assert_eq!(response.status(), 303);
    // The invitation is still good after the refusals: a patient signs up with a passphrase.
    sign_up_ok(&app, &patient, &[("email", "pat@example.com")]).await;
}

#[tokio::test]
async fn an_invitation_for_one_address_cannot_create_another() {
    let app = TestApp::spawn().await;
    let link = invited(&app, Role::Patient, Some("a@x.com")).await;
    let page = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"value="a@x.com" readonly"#), "{page}");
    sign_up_ok(&app, &link, &[("email", "b@x.com")]).await;
    assert!(account_exists(&app, "a@x.com").await);
    assert!(!account_exists(&app, "b@x.com").await);
}

#[tokio::test]
async fn concurrent_submissions_of_one_invitation_create_one_account() {
    let app = TestApp::spawn().await;
    let link = invited(&app, Role::Patient, Some("pat@example.com")).await;
    let mut forms = Vec::new();
    for _ in 0..10 {
        let browser = Browser::new(&app);
        let page = browser.http.get(&link).send().await.unwrap().text().await.unwrap();
        forms.push((browser, hidden(&page, "csrf")));
    }
    let tasks = forms.into_iter().map(|(browser, csrf)| {
        let link = link.clone();
        tokio::spawn(async move {
            let form = [
                ("csrf", csrf.as_str()),
                ("given_name", "Pat"),
                ("family_name", "Doe"),
                ("password", PASSWORD),
            ];
            browser.http.post(&link).form(&form).send().await.unwrap().status()
        })
    });
    let statuses: Vec<StatusCode> = futures_join(tasks).await;
    assert_eq!(statuses.iter().filter(|s| s.as_u16() == 303).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| matches!(s.as_u16(), 303 | 404)), "{statuses:?}");
    let users = app.state.store.list_users(None).await.unwrap();
    assert_eq!(users.iter().filter(|u| u.email == "pat@example.com").count(), 1);
}

async fn futures_join<T: Send + 'static>(tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test]
async fn terms_must_be_accepted_and_the_acceptance_is_kept() {
    let app = TestApp::spawn().await;
    let spec = DeploymentSpec {
        id: "default".into(),
        name: "Default".into(),
        terms_version: Some("2024-05".into()),
        terms_url: Some("https://care.example/terms".into()),
        privacy_url: Some("https://care.example/privacy".into()),
        ..DeploymentSpec::default()
    };
    deployments::save(&app.state.store, spec, app.clock.now()).await.unwrap();
    let link = invited(&app, Role::Patient, Some("pat@example.com")).await;
    let page = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    // minijinja escapes `/` in HTML; browsers read the entities back.
    assert!(
        page.contains("https:&#x2f;&#x2f;care.example&#x2f;terms") && page.contains("accept_terms"),
        "{page}"
    );
    let fields = [("given_name", "Pat"), ("family_name", "Doe"), ("password", PASSWORD)];
    let (_, response) = sign_up(&app, &link, &fields).await;
    assert_eq!(response.status(), 400);
    assert!(!account_exists(&app, "pat@example.com").await);
    sign_up_ok(&app, &link, &[("accept_terms", "yes")]).await;
    let user = app.state.store.user_by_email("pat@example.com").await.unwrap().unwrap();
    let accepted = app.state.store.acceptances(&user.id).await.unwrap();
    assert_eq!(accepted, [("terms".to_string(), "2024-05".to_string(), user.created_at)]);
}

#[tokio::test]
async fn a_patient_with_an_app_sees_the_app_link_after_sign_up() {
    let app = TestApp::spawn().await;
    let spec = DeploymentSpec {
        id: "default".into(),
        name: "Default".into(),
        app_link: Some("com.example.careapp:/welcome".into()),
        app_store_url: Some("https://apps.example/careapp".into()),
        ..DeploymentSpec::default()
    };
    deployments::save(&app.state.store, spec, app.clock.now()).await.unwrap();
    let link = invited(&app, Role::Patient, Some("pat@example.com")).await;
    let email = &app.state.store.recent_emails(1).await.unwrap()[0];
    assert!(email.text_body.contains("App Store: https://apps.example/careapp"), "{}", email.text_body);
    assert!(email.html_body.contains("App Store</a>"), "{}", email.html_body);
    let fields = [("given_name", "Pat"), ("family_name", "Doe"), ("password", PASSWORD)];
    let (_, response) = sign_up(&app, &link, &fields).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["set-cookie"].to_str().unwrap().starts_with("careid_session="));
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"href="com.example.careapp:&#x2f;welcome""#), "{page}");
}

#[tokio::test]
async fn where_a_passkey_is_required_sign_up_leads_to_adding_one() {
    let app = TestApp::spawn().await;
    let spec = DeploymentSpec {
        id: "default".into(),
        name: "Default".into(),
        passkey_required: true,
        app_link: Some("com.example.careapp:/welcome".into()),
        ..DeploymentSpec::default()
    };
    deployments::save(&app.state.store, spec, app.clock.now()).await.unwrap();
    let link = invited(&app, Role::Patient, Some("pat@example.com")).await;
    let fields = [("given_name", "Pat"), ("family_name", "Doe"), ("password", PASSWORD)];
    let (browser, response) = sign_up(&app, &link, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/authorize?") && location.contains("client_id=careid-account"),
        "{location}"
    );
    let (status, at, page) = browser.visit(&location).await.page();
    assert_eq!(status, 200);
    assert!(at.contains("/login/passkey/register?tx="), "{at}");
    assert!(page.contains(r#"id="passkey-add""#), "{page}");
    // Once there is a passkey the way on ends at the account page, which offers the app.
    let (_, onwards) = crate::passkey_flows::register_on_forced_step(&app, &browser, &page).await;
    let (_, at, page) = browser.visit(&onwards).await.page();
    assert!(at.ends_with("/account"), "{at}");
    assert!(page.contains(r#"href="com.example.careapp:&#x2f;welcome" id="app-link""#), "{page}");
}

#[tokio::test]
async fn a_sign_up_started_from_an_authorization_request_continues_it() {
    let app = TestApp::spawn().await;
    add_inviting_portal(&app).await;
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid"),
    ];
    let browser = Browser::new(&app);
    let url = format!("{}/authorize?{}", app.base, serde_urlencoded(&query));
    let (_, login_url, _) = browser.visit(&url).await.page();
    let tx = login_url.split("tx=").nth(1).unwrap().to_string();
    let link = invited(&app, Role::Clinician, Some("doc@example.com")).await;
    let page = browser.http.get(format!("{link}?tx={tx}")).send().await.unwrap().text().await.unwrap();
    let form = [
        ("csrf", hidden(&page, "csrf")),
        ("tx", hidden(&page, "tx")),
        ("given_name", "Doc".into()),
        ("family_name", "Tor".into()),
        ("password", PASSWORD.into()),
    ];
    let response = browser.http.post(&link).form(&form).send().await.unwrap();
    let params = browser.follow(response).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn composed_and_decomposed_passwords_sign_in_alike() {
    let app = TestApp::spawn().await;
    add_inviting_portal(&app).await;
    let link = invited(&app, Role::Clinician, Some("doc@example.com")).await;
    let decomposed = "cafe\u{301} au lait tous les matins";
    let fields = [("given_name", "Doc"), ("family_name", "Tor"), ("password", decomposed)];
    assert_eq!(sign_up(&app, &link, &fields).await.1.status(), 303);
    let query = [
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid"),
    ];
    let url = format!("{}/authorize?{}", app.base, serde_urlencoded(&query));
    let params = Browser::new(&app)
        .sign_in(&url, "doc@example.com", "caf\u{e9} au lait tous les matins")
        .await
        .params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn sign_up_sends_a_verification_link_valid_until_the_deadline() {
    let app = TestApp::spawn().await;
    let link = invited(&app, Role::Clinician, Some("new.doc@example.com")).await;
    crate::invitations::sign_up_ok(&app, &link, &[]).await;
    let user = app.state.store.user_by_email("new.doc@example.com").await.unwrap().unwrap();
    assert!(!user.email_verified, "redeeming an invitation does not verify the email");
    let deadline = user.verify_by.expect("a verification deadline");
    assert_eq!(deadline - user.created_at, 24 * 3600);
    let emails = app.wait_for_emails(2).await;
    let verify = emails
        .iter()
        .find(|e| e.recipient == "new.doc@example.com" && e.text_body.contains("/verify-email/"));
    let verify = verify.expect("a verification email");
    let path = app.link_in(verify);
    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
}
