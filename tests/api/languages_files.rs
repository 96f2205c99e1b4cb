//! The message files: every language has exactly the English keys, every key
//! is used, and every page and email renders in every language without a raw
//! key or a Fluent error.

use std::collections::BTreeSet;
use std::path::Path;

use careid::i18n::{Choice, Lang, Source, message_ids, negotiation};
use careid::web::templates::Templates;
use serde_json::{Value, json};

fn keys(lang: Lang) -> BTreeSet<String> {
    let ids = message_ids(lang);
    let set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "locales/{lang}/careid.ftl repeats a key");
    set
}

/// Every file under `dir` ending in one of `exts`, read.
fn sources(dir: &Path, exts: &[&str], out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, exts, out);
        } else if exts.iter().any(|e| path.extension().is_some_and(|x| x == *e)) {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// The keys `t("…")`/`t('…')` names in the templates.
fn keys_in_templates(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for quote in ['"', '\''] {
        let opening = format!("t({quote}");
        for piece in text.split(&opening).skip(1) {
            if let Some(end) = piece.find(quote) {
                found.insert(piece[..end].to_string());
            }
        }
    }
    found
}

#[test]
fn every_language_has_exactly_the_english_keys() {
    let english = keys(Lang::En);
    assert!(english.len() > 200, "{}", english.len());
    for lang in [Lang::De, Lang::Ar] {
        let other = keys(lang);
        let missing: Vec<_> = english.difference(&other).collect();
        let extra: Vec<_> = other.difference(&english).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{lang}: missing {missing:?}, extra {extra:?}");
    }
}

#[test]
fn every_key_is_used_and_every_key_used_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut templates = String::new();
    sources(&root.join("templates"), &["html", "txt"], &mut templates);
    let mut code = String::new();
    sources(&root.join("src"), &["rs"], &mut code);
    let english = keys(Lang::En);
    let used = keys_in_templates(&templates);
    let unknown: Vec<_> = used.difference(&english).collect();
    assert!(unknown.is_empty(), "templates use keys no language has: {unknown:?}");
    // Month names are looked up by number (`month-{n}`).
    let unused: Vec<_> = english
        .iter()
        .filter(|k| !k.starts_with("month-"))
        .filter(|k| !used.contains(*k) && !code.contains(&format!("\"{k}\"")))
        .collect();
    assert!(unused.is_empty(), "keys nothing uses: {unused:?}");
}

/// A context with every variable some page reads.
fn page_context(name: &str) -> Value {
    let mut context = json!({
        "tx": "tx123", "csrf": "csrf123", "client_name": "Clinician Portal", "email": "ann@example.com",
        "error": "an error", "passkeys": true, "scopes": ["Know who you are"], "title": "A title",
        "message": "A message", "error_code": "invalid_request", "retry_after": 3, "action": "https://rp.example/cb",
        "fields": [["code", "abc"]], "logout": "l", "link": "/account", "link_text": "Onwards",
        "sms_too": true, "token": "tok", "phone": "+44 ••• 56", "codes": ["abcde-fghij"],
        "inviter": "Ada Lovelace", "deployment": "Default", "role": "clinician", "fixed_email": "",
        "given_name": "", "family_name": "", "min_chars": 12, "max_chars": 128,
        "strength": {"score": 2, "feedback": ["Add another word"]}, "terms_version": "3",
        "terms_url": "https://example.com/terms", "privacy_url": "https://example.com/privacy",
        "disclaimer_version": "1", "disclaimer_text": "Not for emergencies.",
        "app_link": "https://app.example/open", "app_store_url": "https://apps.example/a",
        "play_store_url": "https://play.example/a", "turning_off": true,
    });
    if name == "account.html" {
        context = json!({
            "csrf": "c", "notice": "Saved.", "error": "An error",
            "user": {"email": "ann@example.com", "email_verified": false, "role": "clinician",
                     "given_name": "Ann", "family_name": "Lee"},
            "deployment": "Default",
            "app": {"link": "https://app.example/open", "app_store_url": "https://apps.example/a"},
            "two_step": {"enabled": false, "phone": "+44 ••• 56", "required": false},
            "recovery": {"issued": 10, "left": 7},
            "passkeys": {"available": true, "required": true,
                         "items": [{"id": "p1", "name": "Phone", "created_at": 1_790_000_000, "last_used_at": 1_790_086_400}]},
            "sessions": [{"sid": "s1", "created_at": 1_790_000_000, "last_seen": 1_790_000_600, "current": false}],
            "accepted": [{"document": "terms", "version": "3", "accepted_at": 1_790_000_000}],
        });
    }
    context
}

const PAGES: &[&str] = &[
    "account.html",
    "account_phone_code.html",
    "consent.html",
    "error.html",
    "form_post.html",
    "invitation_closed.html",
    "logged_out.html",
    "login.html",
    "logout_confirm.html",
    "notice.html",
    "passkey_confirm.html",
    "passkey_register.html",
    "password_forgot.html",
    "password_reset.html",
    "phone.html",
    "recovery_code.html",
    "recovery_codes.html",
    "signup.html",
    "signup_done.html",
    "sms_code.html",
    "still_signed_in.html",
    "terms.html",
    "verify_email.html",
    "verify_required.html",
];

/// What a person reads of `html`: its text outside tags, and the attributes
/// shown or spoken (placeholders, labels, the passkey script's fallback text).
fn readable(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    for attribute in ["placeholder=\"", "aria-label=\"", "data-fallback-text=\"", "title=\""] {
        for piece in html.split(attribute).skip(1) {
            text.push(' ');
            text.push_str(piece.split('"').next().unwrap_or_default());
        }
    }
    text
}

/// No message key, Fluent placeholder or error marker made it into `text`.
fn assert_translated(what: &str, text: &str, english: &BTreeSet<String>) {
    let shown = readable(text);
    for key in english.iter().filter(|k| k.contains('-')) {
        assert!(!shown.contains(key.as_str()), "{what} shows the raw key {key}:\n{text}");
    }
    for marker in ["{$", "{ $", "{???}", "Unknown"] {
        assert!(!text.contains(marker), "{what} shows a Fluent error ({marker}):\n{text}");
    }
}

#[tokio::test]
async fn every_page_renders_in_every_language_without_raw_keys() {
    let templates = Templates::new();
    let english = keys(Lang::En);
    let pages_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let on_disk = std::fs::read_dir(&pages_dir)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|n| n.ends_with(".html") && n != "layout.html")
        .count();
    assert_eq!(on_disk, PAGES.len(), "a page is missing from this test");
    for lang in Lang::ALL {
        for page in PAGES {
            let choice = Choice::default().offer(Source::UiLocales, Some(lang));
            let response = negotiation::scope(choice, false, async {
                templates.page(axum::http::StatusCode::OK, page, page_context(page))
            })
            .await;
            assert_eq!(response.status(), 200, "{lang} {page}");
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            let html = String::from_utf8(body.to_vec()).unwrap();
            let what = format!("{page} in {lang}");
            assert!(html.contains(&format!(r#"<html lang="{lang}" dir="{}">"#, lang.dir())), "{what}");
            assert!(html.contains(r#"id="language-switcher""#), "{what}");
            assert_translated(&what, &html, &english);
        }
    }
}

#[tokio::test]
async fn every_email_renders_in_every_language_without_raw_keys() {
    let app = crate::kit::TestApp::spawn().await;
    let english = keys(Lang::En);
    let context = json!({
        "name": "Ann Lee", "link": "https://id.example/x", "hours": 24, "minutes": 30, "inviter": "Ada Lovelace",
        "deployment": "Default", "role": "clinician", "expires_days": 7, "app_store_url": "https://apps.example/a",
        "play_store_url": "https://play.example/a", "failures": 5, "until": "2026-12-02 14:05 UTC",
        "account": "https://id.example/account", "left": 3, "what": "Something changed.",
    });
    let names = [
        "invitation",
        "verify_email",
        "verify_email_reminder",
        "password_reset",
        "recovery_code_used",
        "sign_in_changed",
        "account_locked",
    ];
    // A brand with a support contact, so the "Questions?" lines are rendered too.
    let brand = careid::brand::Brand {
        support_email: Some("help@example.com".into()),
        support_url: Some("https://help.example/".into()),
        ..Default::default()
    };
    for lang in Lang::ALL {
        for name in names {
            let email =
                app.state.email_templates.render(name, "ann@example.com", lang, &brand, &context).unwrap();
            let what = format!("email {name} in {lang}");
            assert!(!email.subject.is_empty(), "{what}");
            assert_translated(&what, &format!("{}\n{}\n{}", email.subject, email.text, email.html), &english);
            assert!(email.html.contains(&format!(r#"<html lang="{lang}" dir="{}">"#, lang.dir())), "{what}");
        }
    }
}
