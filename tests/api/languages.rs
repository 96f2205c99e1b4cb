//! Languages end to end: `ui_locales`, `Accept-Language`, the switcher that
//! keeps a sign-in going, emails and texts in the recipient's language, the
//! `locale` claim and discovery.

use careid::audit::Origin;
use careid::i18n::Lang;
use careid::onboarding::invitations::{self, Inviter};
use careid::people::{Email, Role};
use serde_json::json;

use crate::kit::forms;
use crate::kit::{Browser, CLINICIAN, PORTAL, TestApp, Visit};

async fn speaks(app: &TestApp, email: &str, lang: &str) {
    let user = app.user(email).await;
    app.state.store.set_user_locale(&user.id, Some(lang), 0).await.unwrap();
}

#[tokio::test]
async fn ui_locales_picks_the_sign_in_pages_language() {
    let app = TestApp::with_portal().await;
    let (status, _, page) = Browser::new(&app)
        .visit(&app.authorize_url(&PORTAL, &[("ui_locales", "fr-CA de-CH en")]))
        .await
        .page();
    assert_eq!(status, 200);
    assert!(page.contains(r#"<html lang="de" dir="ltr">"#), "{page}");
    assert!(page.contains("<h1>Anmelden</h1>") && page.contains("Passwort vergessen?"), "{page}");

    let (_, _, page) =
        Browser::new(&app).visit(&app.authorize_url(&PORTAL, &[("ui_locales", "ar")])).await.page();
    assert!(page.contains(r#"<html lang="ar" dir="rtl">"#), "{page}");
    assert!(page.contains("تسجيل الدخول"), "{page}");

    // Unknown and empty lists fall through to English; an oversized one is refused.
    for ui_locales in ["fr ja", "", "de-"] {
        let (status, _, page) =
            Browser::new(&app).visit(&app.authorize_url(&PORTAL, &[("ui_locales", ui_locales)])).await.page();
        assert_eq!(status, 200);
        let lang = if ui_locales == "de-" { "de" } else { "en" };
        assert!(page.contains(&format!(r#"<html lang="{lang}" dir="ltr">"#)), "{page}");
    }
    let oversized = "x-".repeat(3000);
    let visit = Browser::new(&app).visit(&app.authorize_url(&PORTAL, &[("ui_locales", &oversized)])).await;
    let Visit::Left(to) = visit else { panic!("an oversized ui_locales was not refused") };
    assert!(to.contains("error=invalid_request") && to.contains("ui_locales"), "{to}");
}

#[tokio::test]
async fn accept_language_is_used_when_nothing_stronger_says_otherwise() {
    let app = TestApp::with_portal().await;
    let url = app.authorize_url(&PORTAL, &[]);
    let page = |accept: &'static str| {
        let client = reqwest::Client::new();
        let url = url.clone();
        async move {
            let response = client.get(url).header("accept-language", accept).send().await.unwrap();
            response.text().await.unwrap()
        }
    };
    assert!(page("de-DE,de;q=0.9,en;q=0.8").await.contains(r#"<html lang="de""#));
    assert!(page("fr;q=0.9, ar;q=0.5").await.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(page("ar;q=0, *;q=0.1").await.contains(r#"<html lang="en""#));
    assert!(page("garbage;;;q=, de;q=nonsense").await.contains(r#"<html lang="en""#));
    // ui_locales wins over Accept-Language.
    let client = reqwest::Client::new();
    let german = app.authorize_url(&PORTAL, &[("ui_locales", "de")]);
    let body = client.get(german).header("accept-language", "ar").send().await.unwrap().text().await.unwrap();
    assert!(body.contains(r#"<html lang="de""#), "{body}");
}

#[tokio::test]
async fn the_switcher_keeps_the_sign_in_going_in_the_language_picked() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let (_, at, page) = browser.visit(&app.authorize_url(&PORTAL, &[("ui_locales", "de")])).await.page();
    assert!(page.contains(r#"<html lang="de""#), "{page}");
    let tx = forms::hidden(&page, "tx");
    let path = at.strip_prefix(&app.base).unwrap().to_string();

    let (status, now_at, page) =
        browser.post_form("/language", &[("lang", "ar"), ("tx", &tx), ("next", &path)]).await.page();
    assert_eq!(status, 200);
    assert_eq!(now_at, at, "back on the same page of the same sign-in");
    assert!(page.contains(r#"<html lang="ar" dir="rtl">"#), "{page}");
    assert_eq!(forms::hidden(&page, "tx"), tx);
    // The transaction remembers it: ui_locales=de no longer decides.
    let (_, _, again) = browser.visit(&at).await.page();
    assert!(again.contains(r#"<html lang="ar""#), "{again}");

    let visit = browser.login(&page, CLINICIAN, crate::kit::PASSWORD).await;
    let Visit::Left(to) = visit else { panic!("the sign-in did not finish") };
    assert!(to.contains("code="), "{to}");
    assert!(app.user(CLINICIAN).await.locale.is_none(), "nobody was signed in to save it for");
}

#[tokio::test]
async fn the_switcher_refuses_what_it_does_not_know_and_stays_on_careid() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    for fields in [
        vec![("lang", "fr")],
        vec![],
        vec![("lang", "de"), ("lang", "zz")],
        vec![("lang", &*"d".repeat(5000))],
    ] {
        let response = app.client.post(app.url("/language")).form(&fields).send().await.unwrap();
        assert_eq!(response.status(), 400, "{fields:?}");
    }
    for next in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let response = browser.send_from("", "/language", &[("lang", "de"), ("next", next)]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/account", "{next}");
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.starts_with("careid_lang=de;") && cookie.contains("HttpOnly"), "{cookie}");
    }
    // A form from another site is refused like every other.
    let response = app
        .client
        .post(app.url("/language"))
        .header("origin", "https://evil.example")
        .form(&[("lang", "de")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn the_picked_language_is_saved_for_the_signed_in_person_and_is_their_locale_claim() {
    let app = TestApp::with_portal().await;
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid profile").tokens().await;
    assert!(app.id_claims(&tokens).get("locale").is_none(), "no language picked yet");

    let browser = Browser::new(&app);
    let account = browser.open_account(&app, CLINICIAN).await;
    assert!(account.contains(r#"<html lang="en""#));
    let (status, at, page) = browser.submit(&account, "/language", &[("lang", "de")]).await.page();
    assert_eq!(status, 200);
    assert!(at.ends_with("/account"), "{at}");
    assert!(page.contains(r#"<html lang="de""#) && page.contains("<h1>Ihr Konto</h1>"), "{page}");
    assert_eq!(app.user(CLINICIAN).await.locale.as_deref(), Some("de"));

    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid profile").tokens().await;
    assert_eq!(app.id_claims(&tokens)["locale"], "de");
    let token = tokens["access_token"].as_str().unwrap();
    let userinfo: serde_json::Value =
        app.client.get(app.url("/userinfo")).bearer_auth(token).send().await.unwrap().json().await.unwrap();
    assert_eq!(userinfo["locale"], "de");
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    assert!(app.id_claims(&tokens).get("locale").is_none(), "locale belongs to the profile scope");
}

#[tokio::test]
async fn discovery_lists_the_languages_and_the_locale_claim() {
    let app = TestApp::spawn().await;
    let doc = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(doc["ui_locales_supported"], json!(["en", "de", "ar"]));
    assert!(doc["claims_supported"].as_array().unwrap().contains(&json!("locale")));
}

#[tokio::test]
async fn an_invitation_in_german_writes_its_email_sign_up_page_and_verification_in_german() {
    let app = TestApp::spawn().await;
    let email = Email::parse("lena@example.com").unwrap();
    let (_, token) = invitations::create(
        &app.state,
        &Inviter::Operator,
        Role::Clinician,
        "default",
        Some(email),
        Some(Lang::De),
        &Origin::default(),
    )
    .await
    .unwrap();
    let invitation = &app.wait_for_emails(1).await[0];
    assert_eq!(invitation.subject, "careid hat Sie zu Default eingeladen");
    assert!(
        invitation.text_body.contains("als medizinische Fachkraft beizutreten"),
        "{}",
        invitation.text_body
    );
    assert!(invitation.html_body.contains(r#"<html lang="de" dir="ltr">"#), "{}", invitation.html_body);

    let link = invitations::link(&app.state, &token);
    let page = app.client.get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<html lang="de""#) && page.contains("Konto erstellen"), "{page}");
    app.sign_up_ok(&link, &[]).await;
    assert_eq!(app.user("lena@example.com").await.locale.as_deref(), Some("de"));
    let emails = app.wait_for_emails(2).await;
    let verification = emails.iter().find(|e| e.subject != invitation.subject).unwrap();
    assert_eq!(verification.subject, "E-Mail-Adresse bestätigen");
    assert!(verification.text_body.starts_with("Guten Tag"), "{}", verification.text_body);
}

#[tokio::test]
async fn the_invitations_api_and_cli_take_a_language_and_refuse_unknown_ones() {
    let app = TestApp::spawn().await;
    app.add_inviting_portal().await;
    let out = app.operator(&["invite", "--role", "admin", "--email", "ann@example.com", "--locale", "ar"]);
    assert!(out.contains("/invite/"), "{out}");
    let email = &app.wait_for_emails(1).await[0];
    assert!(email.html_body.contains(r#"dir="rtl""#), "{}", email.html_body);
    assert!(email.subject.starts_with("دعاك"), "{}", email.subject);
    let refused =
        app.operator_refused(&["invite", "--role", "admin", "--email", "b@example.com", "--locale", "fr"]);
    assert!(refused.contains("unknown language"), "{refused}");

    let link = out.lines().last().unwrap().to_string();
    app.sign_up_ok(&link, &[]).await;
    let admin = app.sign_in(&PORTAL, "ann@example.com").scope(crate::kit::invitations::INVITE_SCOPES);
    let token = admin.access_token().await;
    let (status, body) = app
        .invite_by_api(&token, json!({"role": "clinician", "email": "doc@example.com", "locale": "de"}))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["invitation"]["locale"], "de");
    for locale in [json!("fr"), json!(""), json!(7), json!("de".repeat(1000))] {
        let (status, body) = app
            .invite_by_api(&token, json!({"role": "clinician", "email": "x@example.com", "locale": locale}))
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"], "invalid_request");
    }
}

#[tokio::test]
async fn reset_and_sign_in_change_emails_follow_the_persons_language() {
    let app = TestApp::spawn().await;
    app.add_clinician(CLINICIAN).await;
    speaks(&app, CLINICIAN, "ar").await;
    app.forgot_password(CLINICIAN).await;
    let reset = &app.wait_for_emails(1).await[0];
    assert_eq!(reset.subject, "إعادة تعيين كلمة المرور");
    assert!(reset.html_body.contains(r#"dir="rtl""#));

    speaks(&app, CLINICIAN, "de").await;
    let user = app.user(CLINICIAN).await;
    careid::notify::sign_in_changed::tell(&app.state, &user, "changed-password", &[]).await;
    let emails = app.wait_for_emails(2).await;
    let changed = emails.iter().find(|e| e.subject != reset.subject).unwrap();
    assert_eq!(changed.subject, "Ihre Anmeldeeinstellungen wurden geändert");
    assert!(changed.text_body.contains("Ihr Passwort wurde geändert."), "{}", changed.text_body);
}

#[tokio::test]
async fn the_code_text_and_the_code_page_speak_the_persons_language() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    speaks(&app, CLINICIAN, "de").await;
    let browser = Browser::new(&app);
    let (_, _, page) =
        browser.sign_in(&app.authorize_url(&PORTAL, &[]), CLINICIAN, crate::kit::PASSWORD).await.page();
    let (_, _, page) = browser.enrol(&page, crate::kit::MOBILE).await.page();
    let text = app.texts().last().unwrap()["text"].as_str().unwrap().to_string();
    assert!(text.starts_with("Ihr Bestätigungscode für careid lautet "), "{text}");
    assert!(text.ends_with(&format!("#{}", app.last_code())), "{text}");
    // Plural forms per language: one try left is not "1 more tries".
    let wrong = app.wrong_code();
    for _ in 0..3 {
        browser.submit_code_only(&page, wrong).await;
    }
    let (status, _, body) = browser.submit_code_only(&page, wrong).await.page();
    assert_eq!(status, 401);
    assert!(body.contains("Sie haben noch einen Versuch."), "{body}");
}
