//! Passkeys: registering one on the account page or when the deployment requires
//! it, signing in with one alone, using one as the second step or step-up, and
//! managing them. A software authenticator plays the browser's part.

use careid::accounts::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::browser::{Browser, hidden};
use crate::flows::{CLINICIAN, PASSWORD, PATIENT, PORTAL, PORTAL_REDIRECT, exchange};
use crate::helpers::TestApp;
use crate::passkey_flows::{
    PHISHING_RESISTANT, account_page, add_on_account, attribute, audit_kinds, confirm, id_token_claims,
    passkey_sign_in, post_json, register_on_forced_step, spawn_passkey_required, user_with_passkey,
};
use crate::sms_signin::{app_url, portal_url, spawn, texts};
use crate::soft_authenticator::SoftAuthenticator;

#[tokio::test]
async fn a_passkey_added_on_the_account_page_is_discoverable_verified_and_listed() {
    let app = spawn(|_| {}).await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = account_page(&app, &browser, PATIENT).await;
    assert!(page.contains("id=\"passkey-add\"") && page.contains("You have no passkey yet"), "{page}");
    let csrf = hidden(&page, "csrf");
    let (_, challenge) =
        post_json(&browser, &app, "/account/passkeys/options", &json!({ "csrf": csrf })).await;
    let options = &challenge["publicKey"];
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(options["authenticatorSelection"]["requireResidentKey"], true);
    assert_eq!(options["authenticatorSelection"]["userVerification"], "required");
    assert_eq!(options["attestation"], "none");
    let mut authenticator = SoftAuthenticator::new(&app.base);
    let credential = authenticator.register(options);
    let body = json!({ "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential, "name": " Kitchen iPad " });
    let (status, answer) = post_json(&browser, &app, "/account/passkeys", &body).await;
    assert_eq!((status, answer["redirect"].as_str()), (StatusCode::OK, Some("/account")), "{answer}");

    let page = account_page(&app, &browser, PATIENT).await;
    assert!(page.contains("Kitchen iPad") && page.contains("not used yet"), "{page}");
    let told = app.sign_in_changes(PATIENT).await;
    assert!(told.len() == 1 && told[0].contains(r#"A passkey named "Kitchen iPad" was added"#), "{told:?}");
    // A second passkey's options exclude the first, so one device is not registered twice.
    let csrf = hidden(&page, "csrf");
    let (_, challenge) =
        post_json(&browser, &app, "/account/passkeys/options", &json!({ "csrf": csrf })).await;
    let excluded = challenge["publicKey"]["excludeCredentials"].as_array().unwrap();
    assert_eq!(excluded.len(), 1);
    assert_eq!(excluded[0]["id"], credential["id"]);
    assert!(audit_kinds(&app).await.contains(&"passkey.registered".to_string()));
}

#[tokio::test]
async fn a_passkey_alone_signs_a_clinician_in_at_the_phishing_resistant_level_without_a_code() {
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, CLINICIAN, Role::Clinician).await;
    let texts_before = texts(&app).len();
    let browser = Browser::new(&app);
    let params = passkey_sign_in(&app, &browser, &mut authenticator, &portal_url(&app, &[])).await.params();
    assert_eq!(texts(&app).len(), texts_before, "no SMS code follows a passkey");
    let tokens = exchange(&app, &params["code"], PORTAL_REDIRECT, PORTAL.unwrap()).await;
    let claims = id_token_claims(&app, &tokens);
    assert_eq!(claims["acr"], PHISHING_RESISTANT);
    assert_eq!(claims["amr"], json!(["hwk", "user", "mfa"]));

    let user = app.state.store.user_by_email(CLINICIAN).await.unwrap().unwrap();
    let stored = app.state.store.passkeys_of(&user.id).await.unwrap();
    assert_eq!(stored[0].sign_count, 1, "the sign counter is stored");
    assert!(stored[0].last_used_at.is_some());
    assert!(audit_kinds(&app).await.contains(&"passkey.used".to_string()));
}

#[tokio::test]
async fn a_passkey_is_the_second_step_after_a_password_for_someone_without_a_phone() {
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, CLINICIAN, Role::Clinician).await;
    let texts_before = texts(&app).len();
    let browser = Browser::new(&app);
    let (_, at, page) = browser.sign_in(&portal_url(&app, &[]), CLINICIAN, PASSWORD).await.page();
    assert!(at.contains("/login/passkey/confirm?tx="), "a passkey, not a phone number: {at}");
    assert!(page.contains("id=\"passkey-confirm\""), "{page}");
    assert!(page.contains("id=\"use-sms\""), "a code by SMS would do too: {page}");
    let (status, body) = confirm(&app, &browser, &mut authenticator, &page).await;
    assert_eq!(status, 200, "{body}");
    let params = browser.visit(body["redirect"].as_str().unwrap()).await.params();
    let tokens = exchange(&app, &params["code"], PORTAL_REDIRECT, PORTAL.unwrap()).await;
    let claims = id_token_claims(&app, &tokens);
    assert_eq!(claims["acr"], PHISHING_RESISTANT);
    assert_eq!(claims["amr"], json!(["pwd", "hwk", "user", "mfa"]));
    assert_eq!(texts(&app).len(), texts_before, "no code was sent");
}

#[tokio::test]
async fn passkey_required_makes_the_next_sign_in_add_one_and_it_cannot_be_skipped() {
    let app = spawn_passkey_required().await;
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    let (status, at, page) = browser.sign_in(&app_url(&app, &[]), PATIENT, PASSWORD).await.page();
    assert_eq!(status, 200);
    assert!(at.contains("/login/passkey/register?tx="), "{at}");
    assert!(page.contains("id=\"passkey-add\""), "{page}");
    // Going round it: another authorization request in the same session lands here again,
    // and an application asking silently is told interaction is required.
    let (_, again, _) = browser.visit(&app_url(&app, &[])).await.page();
    assert!(again.contains("/login/passkey/register?tx="), "{again}");
    let silent = browser.visit(&app_url(&app, &[("prompt", "none")])).await.params();
    assert_eq!(silent["error"], "interaction_required");

    let (_, _, page) = browser.visit(&again).await.page();
    let (mut authenticator, onwards) = register_on_forced_step(&app, &browser, &page).await;
    let params = browser.visit(&onwards).await.params();
    assert!(params.contains_key("code"), "{params:?}");

    // Next time: the passkey alone, no registration step.
    let next = Browser::new(&app);
    let params = passkey_sign_in(&app, &next, &mut authenticator, &app_url(&app, &[])).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn a_client_requiring_phishing_resistance_steps_a_password_up_to_a_passkey() {
    let app = spawn(|_| {}).await;
    app.add_client(json!({
        "id": "strict", "name": "Strict", "secret": crate::flows::PORTAL_SECRET, "first_party": true,
        "redirect_uris": [PORTAL_REDIRECT], "min_acr": PHISHING_RESISTANT
    }))
    .await;
    let mut authenticator = user_with_passkey(&app, PATIENT, Role::Patient).await;
    let url = format!(
        "{}/authorize?response_type=code&client_id=strict&scope=openid&redirect_uri={}",
        app.base,
        url::form_urlencoded::byte_serialize(PORTAL_REDIRECT.as_bytes()).collect::<String>()
    );
    let browser = Browser::new(&app);
    let (_, at, page) = browser.sign_in(&url, PATIENT, PASSWORD).await.page();
    assert!(at.contains("/login/passkey/confirm"), "{at}");
    assert!(!page.contains("id=\"use-sms\""), "a code by SMS cannot reach this level: {page}");
    let (status, body) = confirm(&app, &browser, &mut authenticator, &page).await;
    assert_eq!(status, 200, "{body}");
    let params = browser.visit(body["redirect"].as_str().unwrap()).await.params();
    let tokens =
        exchange(&app, &params["code"], PORTAL_REDIRECT, ("strict", crate::flows::PORTAL_SECRET)).await;
    assert_eq!(id_token_claims(&app, &tokens)["acr"], PHISHING_RESISTANT);

    // Someone with no passkey cannot reach the level: the client is told so.
    app.add_user("nopasskey@example.com", PASSWORD, Role::Patient).await;
    let params = Browser::new(&app).sign_in(&url, "nopasskey@example.com", PASSWORD).await.params();
    assert_eq!(params["error"], "unmet_authentication_requirements");
}

#[tokio::test]
async fn acr_values_and_an_essential_acr_for_phishing_resistance_step_a_session_up() {
    let app = spawn(|_| {}).await;
    let mut authenticator = user_with_passkey(&app, PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let params = browser.sign_in(&app_url(&app, &[]), PATIENT, PASSWORD).await.params();
    assert!(params.contains_key("code"), "a password is enough by default");
    // acr_values: straight to the passkey, no new password.
    let (_, at, page) = browser.visit(&app_url(&app, &[("acr_values", PHISHING_RESISTANT)])).await.page();
    assert!(at.contains("/login/passkey/confirm"), "{at}");
    let (status, body) = confirm(&app, &browser, &mut authenticator, &page).await;
    assert_eq!(status, 200, "{body}");
    assert!(browser.visit(body["redirect"].as_str().unwrap()).await.params().contains_key("code"));

    // An essential acr claim in a fresh password session does the same.
    let other = Browser::new(&app);
    let claims =
        json!({"id_token": {"acr": {"essential": true, "values": [PHISHING_RESISTANT]}}}).to_string();
    let (_, at, _) = other.sign_in(&app_url(&app, &[("claims", &claims)]), PATIENT, PASSWORD).await.page();
    assert!(at.contains("/login/passkey/confirm"), "{at}");
}

#[tokio::test]
async fn the_last_passkey_stays_while_the_deployment_requires_one() {
    let app = spawn_passkey_required().await;
    let mut authenticator = SoftAuthenticator::new(&app.base);
    app.add_user(PATIENT, PASSWORD, Role::Patient).await;
    let browser = Browser::new(&app);
    // The forced step registers the first one on the way to the account page.
    let (_, _, page) = browser.visit("/account").await.page();
    let (_, at, page) = browser.login(&page, PATIENT, PASSWORD).await.page();
    assert!(at.contains("/login/passkey/register"), "{at}");
    let (tx, csrf) = (attribute(&page, "data-tx"), attribute(&page, "data-csrf"));
    let (_, challenge) =
        post_json(&browser, &app, "/login/passkey/register/options", &json!({ "tx": tx, "csrf": csrf }))
            .await;
    let credential = authenticator.register(&challenge["publicKey"]);
    let body = json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential });
    let (status, body) = post_json(&browser, &app, "/login/passkey/register", &body).await;
    assert_eq!(status, 200, "{body}");
    let (_, _, page) = browser.visit(body["redirect"].as_str().unwrap()).await.page();
    assert!(page.contains("Passkey 1"), "{page}");

    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    let first = app.state.store.passkeys_of(&user.id).await.unwrap()[0].id.clone();
    let csrf = hidden(&page, "csrf");
    let (status, _, body) =
        browser.post_form("/account/passkeys/remove", &[("csrf", &csrf), ("id", &first)]).await.page();
    assert_eq!(status, 400);
    assert!(body.contains("your last one cannot be removed"), "{body}");
    assert_eq!(app.state.store.passkeys_of(&user.id).await.unwrap().len(), 1);

    // With a second one, the first can go.
    let (status, body) = add_on_account(&app, &browser, &mut authenticator, &page, "Spare key").await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) =
        browser.post_form("/account/passkeys/remove", &[("csrf", &csrf), ("id", &first)]).await.page();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("The passkey is removed") && body.contains("Spare key"), "{body}");
    assert!(audit_kinds(&app).await.contains(&"passkey.removed".to_string()));
    // Each change was told by email: two added (the forced step, then the spare), one removed.
    let told = app.sign_in_changes(PATIENT).await;
    assert_eq!(told.len(), 3, "{told:?}");
    assert!(told.iter().any(|t| t.contains("A passkey was removed")), "{told:?}");
}

#[tokio::test]
async fn removing_or_adding_a_passkey_needs_a_recent_sign_in() {
    let app = spawn(|_| {}).await;
    user_with_passkey(&app, PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = account_page(&app, &browser, PATIENT).await;
    let user = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    let id = app.state.store.passkeys_of(&user.id).await.unwrap()[0].id.clone();
    app.clock.advance(601);
    let csrf = hidden(&page, "csrf");
    let response = browser
        .http
        .post(app.url("/account/passkeys/remove"))
        .form(&[("csrf", &csrf), ("id", &id)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/authorize?") && location.contains("prompt=login"), "{location}");
    assert_eq!(app.state.store.passkeys_of(&user.id).await.unwrap().len(), 1, "nothing removed yet");

    let (status, body) =
        post_json(&browser, &app, "/account/passkeys/options", &json!({ "csrf": csrf })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "login_required");
    assert!(body["redirect"].as_str().unwrap().contains("prompt=login"), "{body}");
}

#[tokio::test]
async fn a_passkey_can_be_renamed_but_not_someone_elses() {
    let app = spawn(|_| {}).await;
    user_with_passkey(&app, CLINICIAN, Role::Clinician).await;
    user_with_passkey(&app, PATIENT, Role::Patient).await;
    let clinician = app.state.store.user_by_email(CLINICIAN).await.unwrap().unwrap();
    let theirs = app.state.store.passkeys_of(&clinician.id).await.unwrap()[0].id.clone();
    let patient = app.state.store.user_by_email(PATIENT).await.unwrap().unwrap();
    let mine = app.state.store.passkeys_of(&patient.id).await.unwrap()[0].id.clone();
    let browser = Browser::new(&app);
    let page = account_page(&app, &browser, PATIENT).await;
    let csrf = hidden(&page, "csrf");
    let (_, _, page) = browser
        .post_form("/account/passkeys/rename", &[("csrf", &csrf), ("id", &mine), ("name", "Work phone")])
        .await
        .page();
    assert!(page.contains("Work phone"), "{page}");
    let (status, _, _) = browser
        .post_form("/account/passkeys/rename", &[("csrf", &csrf), ("id", &theirs), ("name", "Mine now")])
        .await
        .page();
    assert_eq!(status, 400);
    assert_eq!(app.state.store.passkeys_of(&clinician.id).await.unwrap()[0].name, "Laptop");
    let (status, _, _) =
        browser.post_form("/account/passkeys/remove", &[("csrf", &csrf), ("id", &theirs)]).await.page();
    assert_eq!(status, 400);
    assert_eq!(app.state.store.passkeys_of(&clinician.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_login_page_offers_a_passkey_and_autofill_under_a_strict_csp() {
    let app = spawn(|_| {}).await;
    let response = app.client.get(app_url(&app, &[])).send().await.unwrap();
    let login = response.headers()["location"].to_str().unwrap().to_string();
    let response = app.get(&login).await;
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"passkey-signin\"") && page.contains("Sign in with a passkey"), "{page}");
    assert!(page.contains(r#"autocomplete="username webauthn""#), "{page}");
    assert!(!page.contains("<script>"), "no inline script");
    let script = page.split("<script src=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(script.starts_with("/assets/webauthn.js?v="), "{script}");
    let response = app.get(&script).await;
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let js = response.text().await.unwrap();
    assert!(js.contains("NotAllowedError") && js.contains("isConditionalMediationAvailable"));
    let stale = app.get("/assets/webauthn.js?v=old").await;
    assert_eq!(stale.headers()["cache-control"], "public, max-age=3600");
}

#[tokio::test]
async fn app_site_association_documents_come_from_configuration() {
    let bare = TestApp::spawn().await;
    assert_eq!(bare.get("/.well-known/apple-app-site-association").await.status(), 404);
    assert_eq!(bare.get("/.well-known/assetlinks.json").await.status(), 404);

    let fingerprint = vec!["1F"; 32].join(":");
    let app = TestApp::spawn_with(|c| {
        c.passkeys.apple_app_ids = vec!["ABCDE12345.com.example.careapp".into()];
        c.passkeys.android_apps = vec![careid::factors::passkeys::AndroidApp {
            package_name: "com.example.careapp".into(),
            sha256_cert_fingerprints: vec![fingerprint.to_lowercase()],
        }];
    })
    .await;
    let apple = app.get_json("/.well-known/apple-app-site-association").await;
    assert_eq!(apple, json!({"webcredentials": {"apps": ["ABCDE12345.com.example.careapp"]}}));
    let response = app.get("/.well-known/assetlinks.json").await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let android: Value = response.json().await.unwrap();
    assert_eq!(android[0]["relation"], json!(["delegate_permission/common.get_login_creds"]));
    assert_eq!(android[0]["target"]["package_name"], "com.example.careapp");
    assert_eq!(android[0]["target"]["sha256_cert_fingerprints"], json!([fingerprint]));
}

#[tokio::test]
async fn a_relying_party_id_that_does_not_fit_the_issuer_stops_start_up_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::test_config(dir.path()).await;
    config.issuer = "https://id.care.example".parse().unwrap();
    config.passkeys.rp_id = Some("elsewhere.example".into());
    let error = match careid::build(config, careid::Options::default()).await {
        Ok(_) => panic!("careid started with a relying-party id of another site"),
        Err(e) => e.to_string(),
    };
    assert!(error.starts_with("passkeys.rp_id:") && !error.contains('\n'), "{error}");
}
