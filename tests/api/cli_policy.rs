//! `careid policy explain`: what a person must present at a client and why,
//! from the one policy answer sign-in and the password rule read.

use serde_json::{Value, json};

use crate::kit::{CLINICIAN, MFA, PATIENT, PHISHING_RESISTANT, PORTAL, TestApp};

fn explain(app: &TestApp, email: &str, more: &[&str]) -> Vec<String> {
    let args = [&["policy", "explain", "--email", email, "--client", "portal"][..], more].concat();
    app.operator(&args).lines().map(str::to_owned).collect()
}

fn explain_json(app: &TestApp, email: &str) -> Value {
    let args = ["policy", "explain", "--email", email, "--client", "portal", "--json"];
    serde_json::from_str(&app.operator(&args)).expect("JSON")
}

fn says(lines: &[String], line: &str) {
    assert!(lines.iter().any(|l| l == line), "expected {line:?} in:\n{}", lines.join("\n"));
}

#[tokio::test]
async fn without_a_role_rule_a_password_only_clinician_needs_15_characters_and_explain_says_why() {
    // The test configuration has `mfa.required_roles = []`.
    let app = TestApp::with_portal().await;
    let lines = explain(&app, CLINICIAN, &[]);
    assert_eq!(lines[0], format!("{CLINICIAN} at portal: admitted, at least urn:careid:acr:password"));
    says(&lines, "role: admitted — client portal admits clinician");
    says(&lines, "deployment: admitted — client portal serves every deployment");
    says(
        &lines,
        "second factor: not required — no role, deployment, client, setting of the person's or request asks for one",
    );
    says(
        &lines,
        "password: at least 15 characters — a password may be the only factor: neither role clinician \
         (mfa.required_roles) nor deployment default (mfa_required) requires a second one",
    );
    assert_eq!(explain_json(&app, CLINICIAN)["password"]["min_chars"], 15);

    // The same rule where a clinician gets a password: the CLI, sign-up, reset.
    let add = ["users", "add", "--email", "new.doc@example.com", "--name", "New Doc", "--role", "clinician"];
    let add = [&add[..], &["--password-stdin"]].concat();
    let output = app.careid_with_stdin(&add, "x7#Lq9!z viole");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim(), "careid: password refused: Your password needs at least 15 characters.");
    assert!(!app.has_account("new.doc@example.com").await);
    app.operator_with_stdin(&add, "x7#Lq9!z violet otter");
    assert!(app.has_account("new.doc@example.com").await);
}

#[tokio::test]
async fn with_the_role_rule_a_clinician_needs_a_second_factor_and_8_characters() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_portal(json!({})).await;
    app.add_clinician(CLINICIAN).await;
    let lines = explain(&app, CLINICIAN, &[]);
    assert_eq!(lines[0], format!("{CLINICIAN} at portal: admitted, at least {MFA}"));
    says(&lines, "second factor: required — role clinician is in mfa.required_roles");
    says(&lines, "passkey: none — the person enrols a phone number at sign-in for the second factor");
    says(
        &lines,
        "password: at least 8 characters — a second factor is always required: role clinician is in \
         mfa.required_roles",
    );
    // A deployment rule adds its own reason.
    app.save_deployment(json!({ "id": "default", "name": "Default", "mfa_required": true })).await;
    says(&explain(&app, CLINICIAN, &[]), "second factor: required — deployment default has mfa_required");

    let add = ["users", "add", "--email", "new.doc@example.com", "--name", "New Doc", "--role", "clinician"];
    let add = [&add[..], &["--password-stdin"]].concat();
    app.operator_with_stdin(&add, "x7#Lq9!z");
}

#[tokio::test]
async fn the_client_the_persons_settings_and_acr_values_each_give_their_reason() {
    let app = TestApp::with_portal().await;
    app.add_patient(PATIENT).await;
    app.add_deployment("uk").await;
    app.add_portal(json!({ "deployments": ["uk"], "min_acr": MFA, "require_terms": true })).await;
    let lines = explain(&app, PATIENT, &[]);
    assert_eq!(lines[0], format!("{PATIENT} at portal: refused, at least {MFA}"));
    says(&lines, "role: refused — client portal admits only clinician, not patient");
    says(&lines, "deployment: refused — client portal serves only uk, not default");
    says(&lines, &format!("second factor: required — client portal has min_acr {MFA}"));
    says(&lines, "terms: asked — client portal has require_terms: the deployment's current terms first");

    app.add_portal(json!({ "allowed_roles": [], "deployments": [] })).await;
    let user = app.user(PATIENT).await;
    app.state.store.set_two_step(&user.id, true, app.clock.now()).await.unwrap();
    let lines = explain(&app, PATIENT, &["--acr-values", PHISHING_RESISTANT]);
    says(&lines, "second factor: required — the person turned two-step verification on");
    says(&lines, &format!("second factor: required — acr_values ask for {PHISHING_RESISTANT}"));
    says(&lines, "passkey: preferred — acr_values ask only for the phishing-resistant level");

    app.add_portal(json!({ "min_acr": PHISHING_RESISTANT })).await;
    let lines = explain(&app, CLINICIAN, &[]);
    assert_eq!(lines[0], format!("{CLINICIAN} at portal: admitted, at least {PHISHING_RESISTANT}"));
    says(&lines, &format!("passkey: required — client portal has min_acr {PHISHING_RESISTANT}"));
    says(
        &lines,
        "passkey: none — the person has none, so this client refuses the sign-in (unmet_authentication_requirements)",
    );
    let answer = explain_json(&app, CLINICIAN);
    assert_eq!(
        (answer["level"].as_str(), answer["has_passkey"].as_bool(), answer["role_admitted"].as_bool()),
        (Some(PHISHING_RESISTANT), Some(false), Some(true))
    );
    assert_eq!(
        answer["reasons"][0],
        json!({ "topic": "role", "verdict": "admitted", "because": "client portal admits clinician" })
    );
}

#[tokio::test]
async fn what_explain_says_is_what_sign_in_does() {
    let app = TestApp::with_portal().await;
    app.add_deployment("uk").await;
    // Refused by explain, refused by sign-in, for the same reason.
    app.add_portal(json!({ "deployments": ["uk"] })).await;
    assert_eq!(explain_json(&app, CLINICIAN)["deployment_admitted"], false);
    assert_eq!(app.sign_in(&PORTAL, CLINICIAN).params().await["error"], "access_denied");
    // Two factors asked by acr_values: explain says so and sign-in asks for the code.
    app.add_portal(json!({ "deployments": ["default"] })).await;
    says(
        &explain(&app, CLINICIAN, &["--acr-values", MFA]),
        &format!("second factor: required — acr_values ask for {MFA}"),
    );
    let (status, at, _) = app.sign_in(&PORTAL, CLINICIAN).with("acr_values", MFA).visit().await.page();
    assert_eq!(status, 200);
    assert!(at.contains("/login/sms"), "{at}");
}

#[tokio::test]
async fn unknown_people_and_clients_and_bad_command_lines_are_refused_with_the_reason() {
    let app = TestApp::with_portal().await;
    let explain = |email: &str, client: &str| {
        ["policy", "explain", "--email", email, "--client", client].map(str::to_owned)
    };
    let cases = [
        (explain("nobody@example.com", "portal"), "careid: no account \"nobody@example.com\""),
        (explain(CLINICIAN, "ghost"), "careid: no client \"ghost\""),
        (explain("not an email", "portal"), "careid: \"not an email\" is not an email address"),
    ];
    for (args, line) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(app.operator_refused(&args), *line);
    }
    let oversized = format!("{}@example.com", "a".repeat(5_000));
    let args = explain(&oversized, "portal");
    let refused = app.operator_refused(&args.each_ref().map(String::as_str));
    assert_eq!(refused, "careid: email address is too long");
    let output = app.careid(&["policy", "explain", "--email", CLINICIAN]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "--client is required");
}
