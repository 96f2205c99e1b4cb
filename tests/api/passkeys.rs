//! Passkeys: registering one on the account page or when the deployment requires
//! it, signing in with one alone, using one as the second step or step-up, and
//! managing them. A software authenticator plays the browser's part.

use careid::people::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::kit::forms::attribute;
use crate::kit::{
    Browser, CARE_APP, CLINICIAN, Client, PASSWORD, PATIENT, PHISHING_RESISTANT, PORTAL, PORTAL_REDIRECT,
    PORTAL_SECRET, SoftAuthenticator, TestApp,
};

#[tokio::test]
async fn a_passkey_added_on_the_account_page_is_discoverable_verified_and_listed() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, PATIENT).await;
    assert!(page.contains("id=\"passkey-add\"") && page.contains("You have no passkey yet"), "{page}");
    let csrf = attribute(&page, "data-csrf");
    let (_, challenge) = browser.post_json("/account/passkeys/options", &json!({ "csrf": csrf })).await;
    let options = &challenge["publicKey"];
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(options["authenticatorSelection"]["requireResidentKey"], true);
    assert_eq!(options["authenticatorSelection"]["userVerification"], "required");
    assert_eq!(options["attestation"], "none");
    let mut authenticator = SoftAuthenticator::new(&app.base);
    let credential = authenticator.register(options);
    let body = json!({ "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential, "name": " Kitchen iPad " });
    let (status, answer) = browser.post_json("/account/passkeys", &body).await;
    assert_eq!((status, answer["redirect"].as_str()), (StatusCode::OK, Some("/account")), "{answer}");

    let page = browser.open_account(&app, PATIENT).await;
    assert!(page.contains("Kitchen iPad") && page.contains("not used yet"), "{page}");
    let told = app.sign_in_changes(PATIENT).await;
    assert!(told.len() == 1 && told[0].contains(r#"A passkey named "Kitchen iPad" was added"#), "{told:?}");
    // A second passkey needs a fresh proof with the first (the password no
    // longer is the strongest factor); its options exclude the first, so one
    // device is not registered twice.
    let csrf = attribute(&page, "data-csrf");
    let (status, body) = browser.post_json("/account/passkeys/options", &json!({ "csrf": csrf })).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("login_required")), "{body}");
    let again = body["redirect"].as_str().unwrap();
    let page = browser.open_account_with_passkey(&mut authenticator, again).await;
    let csrf = attribute(&page, "data-csrf");
    let (_, challenge) = browser.post_json("/account/passkeys/options", &json!({ "csrf": csrf })).await;
    let excluded = challenge["publicKey"]["excludeCredentials"].as_array().unwrap();
    assert_eq!(excluded.len(), 1);
    assert_eq!(excluded[0]["id"], credential["id"]);
    assert!(app.audit_kinds().await.contains(&"passkey.registered".to_string()));
}

#[tokio::test]
async fn a_passkey_alone_signs_a_clinician_in_at_the_phishing_resistant_level_without_a_code() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(CLINICIAN, Role::Clinician).await;
    let texts_before = app.texts().len();
    let browser = Browser::new(&app);
    let params =
        browser.sign_in_with_passkey(&mut authenticator, &app.authorize_url(&PORTAL, &[])).await.params();
    assert_eq!(app.texts().len(), texts_before, "no SMS code follows a passkey");
    let tokens = app.exchange(&PORTAL, &params["code"]).await;
    let claims = app.id_claims(&tokens);
    assert_eq!(claims["acr"], PHISHING_RESISTANT);
    assert_eq!(claims["amr"], json!(["hwk", "user", "mfa"]));

    let user = app.user(CLINICIAN).await;
    let stored = app.state.store.passkeys_of(&user.id).await.unwrap();
    assert_eq!(stored[0].sign_count, 1, "the sign counter is stored");
    assert!(stored[0].last_used_at.is_some());
    assert!(app.audit_kinds().await.contains(&"passkey.used".to_string()));
}

#[tokio::test]
async fn a_passkey_is_the_second_step_after_a_password_for_someone_without_a_phone() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(CLINICIAN, Role::Clinician).await;
    let texts_before = app.texts().len();
    let browser = Browser::new(&app);
    let (_, at, page) = browser.sign_in(&app.authorize_url(&PORTAL, &[]), CLINICIAN, PASSWORD).await.page();
    assert!(at.contains("/login/passkey/confirm?tx="), "a passkey, not a phone number: {at}");
    assert!(page.contains("id=\"passkey-confirm\""), "{page}");
    // No number to send a code to, and a password alone never adds one: the passkey it is.
    assert!(!page.contains("id=\"use-sms\""), "{page}");
    let (_, at, _) = browser.visit(&at.replace("/login/passkey/confirm", "/login/sms")).await.page();
    assert!(at.contains("/login/passkey/confirm?tx="), "no phone page: {at}");
    let (status, body) = browser.confirm_with_passkey(&mut authenticator, &page).await;
    assert_eq!(status, 200, "{body}");
    let params = browser.visit(body["redirect"].as_str().unwrap()).await.params();
    let tokens = app.exchange(&PORTAL, &params["code"]).await;
    let claims = app.id_claims(&tokens);
    assert_eq!(claims["acr"], PHISHING_RESISTANT);
    assert_eq!(claims["amr"], json!(["pwd", "hwk", "user", "mfa"]));
    assert_eq!(app.texts().len(), texts_before, "no code was sent");
}

#[tokio::test]
async fn passkey_required_makes_the_next_sign_in_add_one_and_it_cannot_be_skipped() {
    let app = TestApp::passkey_required().await;
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    let (status, at, page) =
        browser.sign_in(&app.authorize_url(&CARE_APP, &[]), PATIENT, PASSWORD).await.page();
    assert_eq!(status, 200);
    assert!(at.contains("/login/passkey/register?tx="), "{at}");
    assert!(page.contains("id=\"passkey-add\""), "{page}");
    // Going round it: until the passkey is there the browser is not signed in,
    // so another authorization request starts at the login page again, and an
    // application asking silently is told to sign the person in.
    let (_, again, _) = browser.visit(&app.authorize_url(&CARE_APP, &[])).await.page();
    assert!(again.contains("/login?tx="), "{again}");
    let silent = browser.visit(&app.authorize_url(&CARE_APP, &[("prompt", "none")])).await.params();
    assert_eq!(silent["error"], "login_required");
    let (_, _, page) = browser.visit(&at).await.page();
    let (mut authenticator, onwards) = browser.register_on_forced_step(&app, &page).await;
    let params = browser.visit(&onwards).await.params();
    assert!(params.contains_key("code"), "{params:?}");

    // Next time: the passkey alone, no registration step.
    let next = Browser::new(&app);
    let params =
        next.sign_in_with_passkey(&mut authenticator, &app.authorize_url(&CARE_APP, &[])).await.params();
    assert!(params.contains_key("code"), "{params:?}");
}

#[tokio::test]
async fn a_client_requiring_phishing_resistance_steps_a_password_up_to_a_passkey() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_client(json!({
        "id": "strict", "name": "Strict", "secret": PORTAL_SECRET, "first_party": true,
        "redirect_uris": [PORTAL_REDIRECT], "min_acr": PHISHING_RESISTANT
    }))
    .await;
    let strict = Client::confidential("strict", PORTAL_REDIRECT, PORTAL_SECRET);
    let mut authenticator = app.add_with_passkey(PATIENT, Role::Patient).await;
    let url = app.authorize_url(&strict, &[]);
    let browser = Browser::new(&app);
    let (_, at, page) = browser.sign_in(&url, PATIENT, PASSWORD).await.page();
    assert!(at.contains("/login/passkey/confirm"), "{at}");
    assert!(!page.contains("id=\"use-sms\""), "a code by SMS cannot reach this level: {page}");
    let (status, body) = browser.confirm_with_passkey(&mut authenticator, &page).await;
    assert_eq!(status, 200, "{body}");
    let params = browser.visit(body["redirect"].as_str().unwrap()).await.params();
    let tokens = app.exchange(&strict, &params["code"]).await;
    assert_eq!(app.id_claims(&tokens)["acr"], PHISHING_RESISTANT);

    // Someone with no passkey cannot reach the level: the client is told so.
    app.add_patient("nopasskey@example.com").await;
    let params = Browser::new(&app).sign_in(&url, "nopasskey@example.com", PASSWORD).await.params();
    assert_eq!(params["error"], "unmet_authentication_requirements");
}

#[tokio::test]
async fn acr_values_and_an_essential_acr_for_phishing_resistance_step_a_session_up() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let params = browser.sign_in(&app.authorize_url(&CARE_APP, &[]), PATIENT, PASSWORD).await.params();
    assert!(params.contains_key("code"), "a password is enough by default");
    // acr_values: straight to the passkey, no new password.
    let (_, at, page) =
        browser.visit(&app.authorize_url(&CARE_APP, &[("acr_values", PHISHING_RESISTANT)])).await.page();
    assert!(at.contains("/login/passkey/confirm"), "{at}");
    let (status, body) = browser.confirm_with_passkey(&mut authenticator, &page).await;
    assert_eq!(status, 200, "{body}");
    assert!(browser.visit(body["redirect"].as_str().unwrap()).await.params().contains_key("code"));

    // An essential acr claim in a fresh password session does the same.
    let other = Browser::new(&app);
    let claims =
        json!({"id_token": {"acr": {"essential": true, "values": [PHISHING_RESISTANT]}}}).to_string();
    let (_, at, _) =
        other.sign_in(&app.authorize_url(&CARE_APP, &[("claims", &claims)]), PATIENT, PASSWORD).await.page();
    assert!(at.contains("/login/passkey/confirm"), "{at}");
}

#[tokio::test]
async fn the_last_passkey_stays_while_the_deployment_requires_one() {
    let app = TestApp::passkey_required().await;
    let mut authenticator = SoftAuthenticator::new(&app.base);
    app.add_patient(PATIENT).await;
    let browser = Browser::new(&app);
    // The forced step registers the first one on the way to the account page.
    let (_, _, page) = browser.visit("/account").await.page();
    let (_, at, page) = browser.login(&page, PATIENT, PASSWORD).await.page();
    assert!(at.contains("/login/passkey/register"), "{at}");
    let (status, body) = browser.add_passkey_on_forced_step(&mut authenticator, &page, None).await;
    assert_eq!(status, 200, "{body}");
    let (_, _, page) = browser.visit(body["redirect"].as_str().unwrap()).await.page();
    assert!(page.contains("Passkey 1"), "{page}");

    let user = app.user(PATIENT).await;
    let first = app.state.store.passkeys_of(&user.id).await.unwrap()[0].id.clone();
    let (status, _, body) = browser.submit(&page, "/account/passkeys/remove", &[("id", &first)]).await.page();
    assert_eq!(status, 400);
    assert!(body.contains("your last one cannot be removed"), "{body}");
    assert_eq!(app.state.store.passkeys_of(&user.id).await.unwrap().len(), 1);

    // With a second one, the first can go. Adding it needs a fresh passkey:
    // the password of that sign-in is not enough once there is one.
    let csrf = attribute(&page, "data-csrf");
    let (status, body) = browser.post_json("/account/passkeys/options", &json!({ "csrf": csrf })).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("login_required")), "{body}");
    let again = body["redirect"].as_str().unwrap();
    assert!(again.contains("prompt=login") && again.contains("phishing-resistant"), "{again}");
    let browser = Browser::new(&app);
    let page = browser.open_account_with_passkey(&mut authenticator, "/account").await;
    let (status, body) = browser.add_passkey_on_account(&mut authenticator, &page, "Spare key").await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = browser.submit(&page, "/account/passkeys/remove", &[("id", &first)]).await.page();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("The passkey is removed") && body.contains("Spare key"), "{body}");
    assert!(app.audit_kinds().await.contains(&"passkey.removed".to_string()));
    // Each change was told by email: two added (the forced step, then the spare), one removed.
    let told = app.sign_in_changes(PATIENT).await;
    assert_eq!(told.len(), 3, "{told:?}");
    assert!(told.iter().any(|t| t.contains("A passkey was removed")), "{told:?}");
}

#[tokio::test]
async fn removing_or_adding_a_passkey_needs_a_recent_sign_in() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_with_passkey(PATIENT, Role::Patient).await;
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, PATIENT).await;
    let user = app.user(PATIENT).await;
    let id = app.state.store.passkeys_of(&user.id).await.unwrap()[0].id.clone();
    app.clock.advance(601);
    let response = browser.send(&page, "/account/passkeys/remove", &[("id", &id)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/authorize?") && location.contains("prompt=login"), "{location}");
    assert_eq!(app.state.store.passkeys_of(&user.id).await.unwrap().len(), 1, "nothing removed yet");

    let csrf = attribute(&page, "data-csrf");
    let (status, body) = browser.post_json("/account/passkeys/options", &json!({ "csrf": csrf })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "login_required");
    assert!(body["redirect"].as_str().unwrap().contains("prompt=login"), "{body}");
}

#[tokio::test]
async fn a_passkey_can_be_renamed_but_not_someone_elses() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_with_passkey(CLINICIAN, Role::Clinician).await;
    app.add_with_passkey(PATIENT, Role::Patient).await;
    let clinician = app.user(CLINICIAN).await;
    let theirs = app.state.store.passkeys_of(&clinician.id).await.unwrap()[0].id.clone();
    let patient = app.user(PATIENT).await;
    let mine = app.state.store.passkeys_of(&patient.id).await.unwrap()[0].id.clone();
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, PATIENT).await;
    let rename = "/account/passkeys/rename";
    let (_, _, renamed) =
        browser.submit(&page, rename, &[("id", &mine), ("name", "Work phone")]).await.page();
    assert!(renamed.contains("Work phone"), "{renamed}");
    let (status, _, _) = browser.submit(&page, rename, &[("id", &theirs), ("name", "Mine now")]).await.page();
    assert_eq!(status, 400);
    assert_eq!(app.state.store.passkeys_of(&clinician.id).await.unwrap()[0].name, "Laptop");
    let (status, _, _) = browser.submit(&page, "/account/passkeys/remove", &[("id", &theirs)]).await.page();
    assert_eq!(status, 400);
    assert_eq!(app.state.store.passkeys_of(&clinician.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_login_page_offers_a_passkey_and_autofill_under_a_strict_csp() {
    let app = TestApp::two_step(|_| {}).await;
    let response = app.client.get(app.authorize_url(&CARE_APP, &[])).send().await.unwrap();
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
    let mut config = crate::kit::app::test_config(dir.path()).await;
    config.issuer = "https://id.care.example".parse().unwrap();
    config.passkeys.rp_id = Some("elsewhere.example".into());
    let error = match careid::build(config, careid::Options::default()).await {
        Ok(_) => panic!("careid started with a relying-party id of another site"),
        Err(e) => e.to_string(),
    };
    assert!(error.starts_with("passkeys.rp_id:") && !error.contains('\n'), "{error}");
}
