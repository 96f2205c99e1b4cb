//! The platform's brand per deployment: set through the CLI, careid.toml and
//! the admin API alike; shown on the pages of the signed-in or invited
//! person's deployment, else of the client's one deployment, else careid's
//! own; in emails, with the From name; and templates an operator replaces.

use careid::audit::Origin;
use careid::onboarding::invitations::{self, Inviter};
use careid::people::{Email, Role};
use careid::web::templates::Templates;
use reqwest::Method;
use serde_json::{Value, json};

use crate::kit::admin::OPERATOR;
use crate::kit::app::deployment;
use crate::kit::mail::FROM;
use crate::kit::smtp_sink::SmtpSink;
use crate::kit::{ADMIN, Browser, CLINICIAN, PASSWORD, PORTAL, TestApp};

const LOGO: &str = "https://cdn.careconnect.example/logo.png";

/// CareConnect's brand as a deployment spec (`id` "cc", German by default).
fn care_connect() -> Value {
    json!({
        "id": "cc", "name": "CareConnect UK", "default_locale": "de",
        "product_name": "CareConnect", "logo_url": LOGO,
        "primary_color": "#0A5", "accent_color": "#FFAA00",
        "support_email": "help@careconnect.example", "support_url": "https://help.careconnect.example/"
    })
}

/// The brand fields of a deployment as the CLI or the API shows it.
fn brand_of(shown: &Value) -> Value {
    let fields =
        ["product_name", "logo_url", "primary_color", "accent_color", "support_email", "support_url"];
    Value::Object(fields.iter().map(|f| (f.to_string(), shown[f].clone())).collect())
}

/// The stored brand of `care_connect()`: colours written long and lower case.
fn stored_care_connect() -> Value {
    json!({
        "product_name": "CareConnect", "logo_url": LOGO,
        "primary_color": "#00aa55", "accent_color": "#ffaa00",
        "support_email": "help@careconnect.example", "support_url": "https://help.careconnect.example/"
    })
}

/// `html` with the slashes minijinja escapes in attributes (`&#x2f;`) as a browser reads them.
fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/")
}

/// The text a person reads on `page`: no markup, no attribute values.
fn visible_text(page: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[tokio::test]
async fn the_brand_round_trips_through_the_cli_and_refuses_non_colours() {
    let app = TestApp::spawn().await;
    let spec = care_connect();
    let s = |f: &str| spec[f].as_str().unwrap().to_string();
    let args = [
        "deployments",
        "add",
        "cc",
        "--name",
        "CareConnect UK",
        "--product-name",
        &s("product_name"),
        "--logo-url",
        LOGO,
        "--primary-color",
        &s("primary_color"),
        "--accent-color",
        &s("accent_color"),
        "--support-email",
        &s("support_email"),
        "--support-url",
        &s("support_url"),
    ];
    app.operator(&args);
    let shown: Value = serde_json::from_str(&app.operator(&["deployments", "show", "cc"])).unwrap();
    assert_eq!(brand_of(&shown), stored_care_connect());

    let cleared = app.operator(&["deployments", "update", "cc", "--logo-url", "", "--accent-color", ""]);
    let cleared: Value = serde_json::from_str(&cleared).unwrap();
    assert_eq!((&cleared["logo_url"], &cleared["accent_color"]), (&Value::Null, &Value::Null));
    assert_eq!(cleared["product_name"], "CareConnect", "the rest stays");

    let refusals = [
        ("--primary-color", "blue", "primary_color: \"blue\" is not a colour"),
        ("--accent-color", "#12345", "accent_color: \"#12345\" is not a colour"),
        (
            "--logo-url",
            "http://cdn.example/logo.png",
            "logo_url: \"http://cdn.example/logo.png\" is not an https URL",
        ),
        ("--support-url", "javascript:alert(1)", "support_url:"),
        ("--support-email", "help at example", "support_email: \"help at example\" is not an email address"),
        ("--product-name", "Care\nConnect", "product_name:"),
    ];
    for (flag, value, message) in refusals {
        let line = app.operator_refused(&["deployments", "update", "cc", flag, value]);
        assert!(line.contains(message), "{flag} {value:?}: {line}");
    }
    let after: Value = serde_json::from_str(&app.operator(&["deployments", "show", "cc"])).unwrap();
    assert_eq!(after["primary_color"], "#00aa55", "a refused change changes nothing");
}

#[tokio::test]
async fn every_deployment_flag_is_explained_in_its_help() {
    let app = TestApp::spawn().await;
    for command in ["add", "update"] {
        let help = app.operator(&["deployments", command, "--help"]);
        for flag in [
            "--name",
            "--mfa-required",
            "--no-mfa-required",
            "--passkey-required",
            "--no-passkey-required",
            "--email-verification-hours",
            "--invitation-days",
            "--terms-version",
            "--terms-url",
            "--privacy-url",
            "--disclaimer-text",
            "--disclaimer-version",
            "--app-store-url",
            "--play-store-url",
            "--app-link",
            "--default-locale",
            "--product-name",
            "--logo-url",
            "--primary-color",
            "--accent-color",
            "--support-email",
            "--support-url",
        ] {
            let line = help.lines().find(|l| l.trim_start().starts_with(flag)).unwrap_or_default();
            // The flag's line, or the line after it when clap wraps, says something.
            let explained = line.trim_start().len() > flag.len() + 12
                || help.split(line).nth(1).and_then(|rest| rest.lines().nth(1)).is_some_and(|l| l.len() > 12);
            assert!(!line.is_empty() && explained, "careid deployments {command} --help: {flag}\n{help}");
        }
        assert!(help.contains("#rrggbb") && help.contains("default: careid"), "{help}");
    }
}

#[tokio::test]
async fn the_brand_comes_from_careid_toml_and_a_bad_colour_stops_start_up() {
    let app = TestApp::spawn_with(|c| c.deployments = vec![deployment(care_connect())]).await;
    let stored = app.state.store.deployment("cc").await.unwrap().unwrap();
    assert_eq!(brand_of(&serde_json::to_value(&stored).unwrap()), stored_care_connect());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("careid.toml");
    std::fs::write(&file, "[[deployments]]\nid = \"cc\"\nname = \"CareConnect\"\nprimary_color = \"teal\"\n")
        .unwrap();
    let mut cmd = crate::kit::cli::careid(dir.path()).await;
    cmd.arg("--config").arg(&file).arg("migrate");
    let output = crate::kit::cli::run(&mut cmd);
    crate::kit::cli::assert_fails(
        &output,
        2,
        "deployments: deployment cc: primary_color: \"teal\" is not a colour",
    );
}

#[tokio::test]
async fn the_brand_round_trips_through_the_admin_api_and_refuses_non_colours() {
    let app = TestApp::with_admins().await;
    let admin = app.admin_token(ADMIN).await;
    let read = app.read(&admin, "/api/admin/deployment").await;
    let mut change = care_connect();
    for field in ["id", "name", "default_locale"] {
        change.as_object_mut().unwrap().remove(field);
    }
    let changed = app
        .call(Method::PATCH, "/api/admin/deployment")
        .token(&admin)
        .if_match(&read.etag())
        .body(&change.to_string())
        .send()
        .await;
    assert_eq!(brand_of(changed.ok()), stored_care_connect());
    assert_eq!(brand_of(&app.read(&admin, "/api/admin/deployment").await.body), stored_care_connect());

    let refusals = [
        ("primary_color", "rgb(0,0,0)"),
        ("accent_color", "#ffaa0"),
        ("logo_url", "ftp://cdn.example/logo.png"),
        ("support_url", "not a url"),
        ("support_email", "nobody"),
    ];
    for (field, value) in refusals {
        let etag = app.read(&admin, "/api/admin/deployment").await.etag();
        let answer = app
            .call(Method::PATCH, "/api/admin/deployment")
            .token(&admin)
            .if_match(&etag)
            .body(&json!({ field: value }).to_string())
            .send()
            .await;
        let problem = answer.problem(400, "invalid_request");
        assert_eq!(problem.field(), field, "{answer:?}");
        assert!(answer.body.to_string().contains(value), "the message quotes the value: {answer:?}");
    }
    // An operator creates a branded deployment whole.
    let operator = app.admin_token(OPERATOR).await;
    let created = app
        .call(Method::POST, "/api/admin/deployments")
        .token(&operator)
        .body(&care_connect().to_string())
        .send()
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(brand_of(&created.body), stored_care_connect());
}

/// The Portal's sign-in page as careid answers it (headers and all).
async fn sign_in_page(app: &TestApp, params: &[(&str, &str)]) -> reqwest::Response {
    let browser = Browser::new(app);
    let started = browser.http.get(app.authorize_url(&PORTAL, params)).send().await.unwrap();
    let login = started.headers()["location"].to_str().unwrap();
    browser.http.get(browser.absolute(login)).send().await.unwrap()
}

#[tokio::test]
async fn a_client_bound_to_a_branded_deployment_shows_its_brand_and_language_on_the_sign_in_page() {
    let app = TestApp::spawn().await;
    app.save_deployment(care_connect()).await;
    app.add_portal(json!({ "deployments": ["cc"] })).await;
    let response = sign_in_page(&app, &[]).await;
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("img-src 'self' data: https://cdn.careconnect.example;"), "{csp}");
    let page = decoded(&response.text().await.unwrap());
    assert!(page.contains(r#"<html lang="de" dir="ltr">"#), "the deployment's default language: {page}");
    assert!(page.contains("· CareConnect</title>"), "{page}");
    assert!(page.contains(&format!(r#"<img class="logo" src="{LOGO}" alt="CareConnect">"#)), "{page}");
    let at = page
        .find(r#"<link rel="stylesheet" href="/brand/cc/colours.css?v="#)
        .expect("the colours' stylesheet");
    let href = page[at..].split('"').nth(3).unwrap().to_string();
    assert!(!visible_text(&page).to_lowercase().contains("careid"), "{page}");

    let css = app.get(&href).await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(css.headers()["cache-control"], "public, max-age=31536000, immutable", "{href}");
    let css = css.text().await.unwrap();
    assert!(css.contains("--careid-primary: #00aa55;") && css.contains("--careid-accent: #ffaa00;"), "{css}");
    assert_eq!(app.get("/brand/nowhere/colours.css").await.status(), 404);

    // ui_locales is stronger than the deployment's default.
    let page = sign_in_page(&app, &[("ui_locales", "ar")]).await;
    assert!(page.text().await.unwrap().contains(r#"<html lang="ar" dir="rtl">"#));
}

#[tokio::test]
async fn an_unbranded_sign_in_shows_careids_defaults() {
    let app = TestApp::spawn().await;
    app.save_deployment(care_connect()).await;
    app.add_deployment("uk").await;
    // Bound to two deployments: neither brand is the client's.
    app.add_portal(json!({ "deployments": ["cc", "uk"] })).await;
    let response = sign_in_page(&app, &[]).await;
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("img-src 'self' data:;"), "{csp}");
    let page = response.text().await.unwrap();
    assert!(page.contains("· careid</title>") && page.contains(r#"<html lang="en""#), "{page}");
    assert!(!page.contains("class=\"logo\"") && !page.contains("/brand/"), "{page}");
}

#[tokio::test]
async fn the_signed_in_persons_deployment_brands_the_pages_over_the_clients() {
    let app = TestApp::spawn().await;
    app.save_deployment(care_connect()).await;
    app.add_clinician_in(CLINICIAN, "cc").await;
    app.add_portal(json!({})).await;
    let browser = Browser::new(&app);
    let (_, _, login) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    assert!(login.contains("· careid</title>"), "a client serving everyone: careid's own: {login}");
    browser.login(&login, CLINICIAN, PASSWORD).await.left();

    let (status, _, account) = browser.visit("/account").await.page();
    let account = decoded(&account);
    assert_eq!(status, 200);
    assert!(
        account.contains("· CareConnect</title>") && account.contains(r#"alt="CareConnect""#),
        "{account}"
    );
    assert!(account.contains(r#"<html lang="de""#), "the person's deployment's language: {account}");
    assert!(!visible_text(&account).to_lowercase().contains("careid"), "{account}");
}

#[tokio::test]
async fn error_pages_of_a_branded_sign_in_name_the_support_contact() {
    let app = TestApp::spawn().await;
    app.save_deployment(care_connect()).await;
    app.add_portal(json!({ "deployments": ["cc"] })).await;
    let browser = Browser::new(&app);
    let (_, _, login) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    // The form again with a CSRF token that is not this sign-in's.
    let tx = crate::kit::forms::hidden(&login, "tx");
    let fields = [("tx", tx.as_str()), ("csrf", "forged"), ("email", CLINICIAN), ("password", PASSWORD)];
    let (status, _, page) = browser.post_from(&login, "/login", &fields).await.page();
    assert_eq!(status, 400, "{page}");
    let page = decoded(&page);
    assert!(page.contains(r#"<p class="muted" id="support">"#), "{page}");
    assert!(page.contains(r#"<a href="mailto:help@careconnect.example" dir="ltr">"#), "{page}");
    assert!(page.contains(r#"<a href="https://help.careconnect.example/" dir="ltr">"#), "{page}");
    assert!(page.contains("Support von CareConnect"), "in the deployment's language: {page}");
    assert!(!visible_text(&page).to_lowercase().contains("careid"), "{page}");

    // careid's own error pages name no support contact.
    let (_, _, page) = Browser::new(&app).visit("/authorize/continue?tx=unknown").await.page();
    assert!(!page.contains("id=\"support\""), "{page}");
}

/// The operator invites `to` to deployment `id` as a clinician.
async fn invite_to(app: &TestApp, id: &str, to: &str) {
    let email = Some(Email::parse(to).unwrap());
    invitations::create(&app.state, &Inviter::Operator, Role::Clinician, id, email, None, &Origin::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_branded_deployments_emails_name_the_product_in_the_from_name_text_and_footer() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with_sink(&sink).await;
    app.save_deployment(care_connect()).await;
    invite_to(&app, "cc", "new.doc@example.org").await;
    invite_to(&app, "default", "other.doc@example.org").await;
    let received = sink.wait_for(2).await;
    let to = |who: &str| received.iter().find(|m| m.rcpt_to[0].contains(who)).unwrap().data.clone();

    let branded = to("new.doc");
    let from_line = branded.lines().find(|l| l.starts_with("From: ")).unwrap();
    assert!(
        ["From: CareConnect <care@example.com>", "From: \"CareConnect\" <care@example.com>"]
            .contains(&from_line),
        "the product's name, the configured address: {from_line}"
    );
    let mut mail = crate::kit::mail::DeliveredEmail::parse(branded.as_bytes());
    mail.html_body = decoded(&mail.html_body);
    assert!(mail.text_body.contains("CareConnect") && mail.html_body.contains("CareConnect"), "{mail:?}");
    assert!(
        mail.text_body.contains("Support von CareConnect"),
        "German, the deployment's language: {mail:?}"
    );
    assert!(
        mail.text_body.contains("help@careconnect.example · https://help.careconnect.example/"),
        "{mail:?}"
    );
    assert!(mail.html_body.contains(&format!(r#"<img src="{LOGO}" alt="CareConnect""#)), "{mail:?}");
    assert!(mail.html_body.contains("mailto:help@careconnect.example"), "{mail:?}");
    for part in [&mail.subject, &mail.text_body, &visible_text(&mail.html_body)] {
        assert!(!part.to_lowercase().contains("careid"), "{part}");
    }

    let unbranded = to("other.doc");
    let from = FROM.split_once(" <").unwrap().0;
    assert!(unbranded.contains(&format!("From: \"{from}\" <care@example.com>")), "{unbranded}");
    let mail = crate::kit::mail::DeliveredEmail::parse(unbranded.as_bytes());
    assert!(mail.text_body.contains("on careid") && !mail.text_body.contains("Questions?"), "{mail:?}");
    assert!(!mail.html_body.contains("<img"), "{mail:?}");
}

#[tokio::test]
async fn a_template_in_templates_dir_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("email")).unwrap();
    let error = "{% extends \"layout.html\" %}{% block title %}Oops{% endblock %}\
        {% block content %}<p id=\"own-error\">{{ brand.product_name }}: {{ message }}</p>{% endblock %}";
    std::fs::write(dir.path().join("error.html"), error).unwrap();
    std::fs::write(
        dir.path().join("email").join("invitation.txt"),
        "Join {{ deployment }}\nFollow {{ link }}\n",
    )
    .unwrap();
    let sink = SmtpSink::start().await;
    let path = dir.path().to_path_buf();
    let app = TestApp::spawn_with(|c| {
        c.templates_dir = Some(path);
        c.smtp.host = Some("127.0.0.1".into());
        c.smtp.port = sink.port;
        c.smtp.tls = careid::notify::config::SmtpTls::None;
        c.smtp.from = FROM.into();
    })
    .await;
    let (status, _, page) = Browser::new(&app).visit("/authorize/continue?tx=unknown").await.page();
    assert_eq!(status, 400);
    assert!(
        page.contains("<p id=\"own-error\">careid: ") && page.contains("<title>Oops · careid</title>"),
        "{page}"
    );
    // Pages not replaced stay built in.
    let (_, _, login) = Browser::new(&app).visit("/account").await.page();
    assert!(login.contains("name=\"password\""), "{login}");

    invite_to(&app, "default", "new.doc@example.org").await;
    let mail = crate::kit::mail::DeliveredEmail::parse(sink.wait_for(1).await[0].data.as_bytes());
    assert_eq!(mail.subject, "Join Default");
    assert!(mail.text_body.starts_with("Follow http"), "{mail:?}");
    assert!(mail.html_body.contains("<h1"), "the HTML part stays built in: {mail:?}");

    std::fs::write(dir.path().join("login.html"), "{% block content %}{% if %}{% endblock %}").unwrap();
    let broken = Templates::with_overrides(Some(dir.path())).err().expect("a broken template is refused");
    assert!(broken.starts_with("templates_dir: ") && broken.contains("login.html"), "{broken}");
}

#[tokio::test]
async fn the_pages_of_an_emailed_link_wear_the_brand_of_the_person_it_was_sent_to() {
    let app = TestApp::spawn().await;
    app.save_deployment(care_connect()).await;
    let clinician = app.add_clinician_in(CLINICIAN, "cc").await;
    let now = app.clock.now();
    app.state.store.set_verification_deadline(&clinician.id, now + 3600, now).await.unwrap();
    let clinician = app.user(CLINICIAN).await;
    let branded = |page: &str| {
        let page = decoded(page);
        page.contains("· CareConnect</title>")
            && page.contains(r#"alt="CareConnect""#)
            && !visible_text(&page).to_lowercase().contains("careid")
    };

    careid::onboarding::verification::send(&app.state, &clinician).await.unwrap();
    let verify = app.link_mailed_to(CLINICIAN).await;
    let page = app.get(&verify).await.text().await.unwrap();
    assert!(branded(&page), "the verification page: {page}");
    let form = crate::kit::forms::fill(&page, &verify, &[]);
    let done = app.client.post(app.url(&verify)).form(&form).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let done = done.text().await.unwrap();
    assert!(branded(&done), "the verified page: {done}");

    let (status, _) = app.forgot_password(CLINICIAN).await;
    assert_eq!(status, 200);
    let emails = app.wait_for_emails(2).await;
    let reset = emails
        .iter()
        .map(|e| app.link_in(e))
        .find(|link| link.starts_with("/password/reset/"))
        .expect("the reset email");
    let page = app.get(&reset).await.text().await.unwrap();
    assert!(branded(&page), "the reset form: {page}");
    let (status, done) = app.reset_password(&reset, "a long new passphrase for the ward").await;
    assert_eq!(status, 200, "{done}");
    assert!(branded(&done), "the reset's done page: {done}");

    let unknown = app.get("/password/reset/not-a-link").await.text().await.unwrap();
    assert!(unknown.contains("· careid</title>"), "an unknown link offers no brand: {unknown}");
}
