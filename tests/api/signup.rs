//! The invitation page and sign-up: one neutral answer for every unusable
//! link, GET never consumes, the password policy, one account per invitation.

use careid::audit::Origin;
use careid::onboarding::deployments::{self, DeploymentSpec};
use careid::onboarding::invitations::{self, Inviter};
use careid::people::Role;
use reqwest::StatusCode;

use crate::kit::{Browser, CLINICIAN, PASSWORD, PORTAL, TestApp};

/// Submits the form and expects it back with an error; returns the page.
async fn refused(app: &TestApp, link: &str, email: &str, password: &str) -> String {
    let fields = [("email", email), ("given_name", "Pat"), ("family_name", "Doe"), ("password", password)];
    let (_, response) = app.sign_up(link, &fields).await;
    assert_eq!(response.status(), 400, "{password:?}");
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"id="signup-error""#), "{page}");
    assert!(!app.has_account(email).await, "{password:?} created an account");
    page
}

#[tokio::test]
async fn unknown_and_used_links_get_one_neutral_page_and_expired_or_revoked_ones_say_whom_to_ask() {
    let app = TestApp::spawn().await;
    let used = app.invite(Role::Patient, Some("used@example.com")).await;
    app.sign_up_ok(&used, &[]).await;
    let revoked = app.invite(Role::Patient, None).await;
    let id = app.state.store.invitations_by(None, 1).await.unwrap()[0].id.clone();
    invitations::revoke(&app.state, &Inviter::Operator, &id, &Origin::default()).await.unwrap();
    let expired = app.invite(Role::Patient, None).await;
    let open = app.invite(Role::Patient, None).await;
    app.clock.advance(7 * 86_400);
    let fresh = app.invite(Role::Patient, None).await;
    let unknown = format!("{}/invite/{}", app.base, "A".repeat(43));

    let mut bodies = Vec::new();
    for link in [&used, &revoked, &expired, &open, &unknown] {
        let response = app.client.get(link).send().await.unwrap();
        assert_eq!(response.status(), 404, "{link}");
        bodies.push(response.text().await.unwrap());
        let posted = app.client.post(link).form(&[("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(posted.status(), 400, "a POST without its CSRF cookie is refused first");
    }
    // Used and unknown links tell nothing; an expired or withdrawn one says
    // so, and whom to ask (the operator invited: the care team).
    assert_eq!(bodies[0], bodies[4], "a used link looks like an unknown one");
    assert!(bodies[0].contains("This invitation cannot be used"));
    assert!(bodies[1].contains("This invitation was withdrawn"), "{}", bodies[1]);
    assert!(bodies[2].contains("This invitation has expired") && bodies[3].contains("has expired"));
    assert!(bodies[1..4].iter().all(|b| b.contains("ask your care team")), "{}", bodies[2]);
    assert_eq!(app.client.get(&fresh).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn showing_the_page_does_not_use_the_invitation() {
    let app = TestApp::spawn().await;
    let link = app.invite(Role::Patient, Some("pat@example.com")).await;
    for _ in 0..3 {
        assert_eq!(app.client.get(&link).send().await.unwrap().status(), 200);
    }
    app.sign_up_ok(&link, &[]).await;
    assert_eq!(app.client.get(&link).send().await.unwrap().status(), 404, "used now");
}

#[tokio::test]
async fn passwords_are_checked_against_length_and_the_common_list() {
    let app = TestApp::spawn().await;
    let patient = app.invite(Role::Patient, None).await;
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

    // The invitation is still good after the refusals: a patient signs up with a passphrase.
    app.sign_up_ok(&patient, &[("email", "pat@example.com")]).await;
}

#[tokio::test]
async fn a_password_of_8_characters_is_enough_only_where_two_factors_are_always_required() {
    let fields =
        [("email", "doc@example.com"), ("given_name", "D"), ("family_name", "R"), ("password", "x7#Lq9!z")];
    // Clinicians always sign in with two factors (the default role rule): 8 characters do.
    let app = TestApp::spawn_with(|c| c.mfa.required_roles = vec![Role::Clinician, Role::Admin]).await;
    let clinician = app.invite(Role::Clinician, None).await;
    let page = refused(&app, &clinician, "doc@example.com", "x7#Lq9!").await;
    assert!(page.contains("at least 8 characters"), "{page}");
    let (_, response) = app.sign_up(&clinician, &fields).await;
    assert_eq!(response.status(), 303);
    // With no role rule and no deployment rule the password may be the only
    // factor: the sign-in reads the same rule, so 15 characters are asked for.
    let app = TestApp::spawn_with(|c| c.mfa.required_roles = Vec::new()).await;
    let clinician = app.invite(Role::Clinician, None).await;
    let page = refused(&app, &clinician, "doc@example.com", "x7#Lq9!z").await;
    assert!(page.contains("at least 15 characters"), "{page}");
}

#[tokio::test]
async fn a_password_built_from_the_service_name_or_the_persons_details_is_refused() {
    let app = TestApp::spawn().await;
    let patient = app.invite(Role::Patient, None).await;
    for built in ["careidcareid2024!", "PatriciaDoe@2024!"] {
        let fields = [
            ("email", "patricia@example.com"),
            ("given_name", "Patricia"),
            ("family_name", "Doe"),
            ("password", built),
        ];
        let (_, response) = app.sign_up(&patient, &fields).await;
        assert_eq!(response.status(), 400, "{built}");
        let page = response.text().await.unwrap();
        assert!(page.contains("your name, your email address or the name of this"), "{built}: {page}");
        assert!(!app.has_account("patricia@example.com").await, "{built} created an account");
    }
    // A long passphrase that merely contains one of the words is fine.
    let fields = [
        ("email", "patricia@example.com"),
        ("given_name", "Patricia"),
        ("family_name", "Doe"),
        ("password", "patricia walks the careid dog at dawn"),
    ];
    let (_, response) = app.sign_up(&patient, &fields).await;
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn an_invitation_for_one_address_cannot_create_another() {
    let app = TestApp::spawn().await;
    let link = app.invite(Role::Patient, Some("a@x.com")).await;
    let page = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"value="a@x.com" readonly"#), "{page}");
    app.sign_up_ok(&link, &[("email", "b@x.com")]).await;
    assert!(app.has_account("a@x.com").await);
    assert!(!app.has_account("b@x.com").await);
}

#[tokio::test]
async fn concurrent_submissions_of_one_invitation_create_one_account() {
    let app = TestApp::spawn().await;
    let link = app.invite(Role::Patient, Some("pat@example.com")).await;
    let action = link.strip_prefix(&app.base).unwrap().to_string();
    let mut forms = Vec::new();
    for _ in 0..10 {
        let browser = Browser::new(&app);
        let page = browser.http.get(&link).send().await.unwrap().text().await.unwrap();
        let fields = [("given_name", "Pat"), ("family_name", "Doe"), ("password", PASSWORD)];
        forms.push((browser, crate::kit::forms::fill(&page, &action, &fields)));
    }
    let tasks = forms.into_iter().map(|(browser, form)| {
        let link = link.clone();
        tokio::spawn(async move { browser.http.post(&link).form(&form).send().await.unwrap().status() })
    });
    let statuses: Vec<StatusCode> = crate::kit::join_all(tasks).await;
    assert_eq!(statuses.iter().filter(|s| s.as_u16() == 303).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| matches!(s.as_u16(), 303 | 404)), "{statuses:?}");
    let users = app.state.store.list_users(None).await.unwrap();
    assert_eq!(users.iter().filter(|u| u.email == "pat@example.com").count(), 1);
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
    let link = app.invite(Role::Patient, Some("pat@example.com")).await;
    let page = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    // minijinja escapes `/` in HTML; browsers read the entities back.
    assert!(
        page.contains("https:&#x2f;&#x2f;care.example&#x2f;terms") && page.contains("accept_terms"),
        "{page}"
    );
    let fields = [("given_name", "Pat"), ("family_name", "Doe"), ("password", PASSWORD)];
    let (_, response) = app.sign_up(&link, &fields).await;
    assert_eq!(response.status(), 400);
    assert!(!app.has_account("pat@example.com").await);
    app.sign_up_ok(&link, &[("accept_terms", "yes")]).await;
    let user = app.user("pat@example.com").await;
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
    let link = app.invite(Role::Patient, Some("pat@example.com")).await;
    let email = &app.wait_for_emails(1).await[0];
    assert!(email.text_body.contains("App Store: https://apps.example/careapp"), "{}", email.text_body);
    assert!(email.html_body.contains("App Store</a>"), "{}", email.html_body);
    let fields = [("given_name", "Pat"), ("family_name", "Doe"), ("password", PASSWORD)];
    let (_, response) = app.sign_up(&link, &fields).await;
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
    let link = app.invite(Role::Patient, Some("pat@example.com")).await;
    let fields = [("given_name", "Pat"), ("family_name", "Doe"), ("password", PASSWORD)];
    let (browser, response) = app.sign_up(&link, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    // Into a sign-in to the account pages that adds the passkey before the
    // new account is signed in for anything else.
    assert!(location.starts_with("/authorize/continue?tx="), "{location}");
    assert!(
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("careid_session="))
    );
    let (status, at, page) = browser.visit(&location).await.page();
    assert_eq!(status, 200);
    assert!(at.contains("/login/passkey/register?tx="), "{at}");
    let (_, at, _) = browser.visit("/account").await.page();
    assert!(at.contains("/login?tx="), "the account page waits for the passkey: {at}");
    assert!(page.contains(r#"id="passkey-add""#), "{page}");
    // Once there is a passkey the way on ends at the account page, which offers the app.
    let (_, onwards) = browser.register_on_forced_step(&app, &page).await;
    let (_, at, page) = browser.visit(&onwards).await.page();
    assert!(at.ends_with("/account"), "{at}");
    assert!(page.contains(r#"href="com.example.careapp:&#x2f;welcome" id="app-link""#), "{page}");
}

#[tokio::test]
async fn a_sign_up_started_from_an_authorization_request_continues_it() {
    let app = TestApp::spawn().await;
    app.add_inviting_portal().await;
    let browser = Browser::new(&app);
    let (_, login_url, _) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    let tx = login_url.split("tx=").nth(1).unwrap().to_string();
    let link = app.invite(Role::Clinician, Some(CLINICIAN)).await;
    let fields = [("given_name", "Doc"), ("family_name", "Tor"), ("password", PASSWORD)];
    let response = browser.sign_up(&format!("{link}?tx={tx}"), &fields).await;
    let params = browser.follow(response).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn composed_and_decomposed_passwords_sign_in_alike() {
    let app = TestApp::spawn().await;
    app.add_inviting_portal().await;
    let link = app.invite(Role::Clinician, Some(CLINICIAN)).await;
    let decomposed = "cafe\u{301} au lait tous les matins";
    let fields = [("given_name", "Doc"), ("family_name", "Tor"), ("password", decomposed)];
    assert_eq!(app.sign_up(&link, &fields).await.1.status(), 303);
    let composed = "caf\u{e9} au lait tous les matins";
    let params = app.sign_in(&PORTAL, CLINICIAN).password(composed).params().await;
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn sign_up_sends_a_verification_link_valid_until_the_deadline() {
    let app = TestApp::spawn().await;
    let link = app.invite(Role::Clinician, Some("new.doc@example.com")).await;
    app.sign_up_ok(&link, &[]).await;
    let user = app.user("new.doc@example.com").await;
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

#[tokio::test]
async fn the_advice_on_a_weak_password_is_in_the_pages_language() {
    let app = TestApp::spawn().await;
    app.save_deployment(serde_json::json!({ "id": "default", "name": "Default", "default_locale": "de" }))
        .await;
    let patient = app.invite(Role::Patient, None).await;
    let page = refused(&app, &patient, "pat@example.com", "aaaaaaaaaaaaaaaaaaaa").await;
    assert!(page.contains(r#"<html lang="de""#), "{page}");
    assert!(page.contains("Wiederholungen wie „aaa“ sind leicht zu erraten."), "{page}");
    assert!(!page.contains("easy to guess"), "zxcvbn's English stays out: {page}");
}
