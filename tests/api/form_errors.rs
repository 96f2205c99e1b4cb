//! Form errors a screen reader can find: the message is announced
//! (`role="alert"`) and the input it is about says so (`aria-invalid`,
//! `aria-describedby` naming the message, focused), and no other input does.

use careid::people::Role;

use crate::kit::{Browser, CLINICIAN, PASSWORD, PORTAL, TestApp};

/// The opening tag of the input with `id` on `page`.
fn input<'a>(page: &'a str, id: &str) -> &'a str {
    let start =
        page.find(&format!(r#"<input id="{id}""#)).unwrap_or_else(|| panic!("no input #{id} in {page}"));
    let end = start + page[start..].find('>').unwrap();
    &page[start..=end]
}

/// Asserts that exactly the inputs `ids` are marked invalid, each described by
/// the message `message_id`, which is announced.
fn assert_tied(page: &str, message_id: &str, ids: &[&str]) {
    assert!(
        page.contains(&format!(r#"role="alert" id="{message_id}""#)),
        "#{message_id} is not announced: {page}"
    );
    for id in ids {
        let tag = input(page, id);
        assert!(tag.contains(r#"aria-invalid="true""#), "#{id} is not marked invalid: {tag}");
        let described = tag.split(r#"aria-describedby=""#).nth(1).and_then(|rest| rest.split('"').next());
        let described = described.unwrap_or_else(|| panic!("#{id} is described by nothing: {tag}"));
        assert!(
            described.split(' ').any(|d| d == message_id),
            "#{id} is not described by #{message_id}: {tag}"
        );
    }
    assert_eq!(page.matches(r#"aria-invalid="true""#).count(), ids.len(), "only {ids:?} are invalid: {page}");
}

#[tokio::test]
async fn a_wrong_password_at_sign_in_marks_email_and_password() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    assert_eq!(page.matches(r#"aria-invalid="true""#).count(), 0, "nothing is wrong yet");
    let (status, _, page) = browser.login(&page, CLINICIAN, "not the password").await.page();
    assert_eq!(status, 401);
    assert_tied(&page, "login-error", &["email", "password"]);
}

#[tokio::test]
async fn sign_up_errors_name_the_field_they_are_about() {
    let app = TestApp::spawn().await;
    let link = app.invite(Role::Patient, None).await;
    let base = [("email", "pat@example.com"), ("given_name", "Pat"), ("family_name", "Doe")];
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("password", "passwordpassword")], "password"),
        (&[("password", PASSWORD), ("given_name", " ")], "given_name"),
        (&[("password", PASSWORD), ("family_name", "")], "family_name"),
        (&[("password", PASSWORD), ("email", "not an address")], "email"),
    ];
    for (fields, field) in cases {
        let mut form: Vec<(&str, &str)> =
            base.iter().filter(|(k, _)| !fields.iter().any(|(f, _)| f == k)).copied().collect();
        form.extend_from_slice(fields);
        let (_, response) = app.sign_up(&link, &form).await;
        assert_eq!(response.status(), 400, "{field}");
        let page = response.text().await.unwrap();
        assert_tied(&page, "signup-error", &[field]);
        assert!(input(&page, field).contains("autofocus"), "#{field} gets the focus");
    }
}

/// A form of the account page, what it sends, and the input its refusal (400) is about.
type Sent<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

#[tokio::test]
async fn account_page_refusals_mark_the_input_of_the_form_that_was_sent() {
    let app = TestApp::with_portal().await;
    let browser = Browser::new(&app);
    let (status, _, page) = browser.sign_in("/account", CLINICIAN, PASSWORD).await.page();
    assert_eq!(status, 200, "{page}");
    assert!(!page.contains(r#"aria-invalid="true""#), "nothing is wrong yet");

    let new = "a brand new passphrase 2026";
    let sent: [Sent; 4] = [
        (
            "/account/password",
            &[("current_password", "wrong"), ("new_password", new), ("confirm_password", new)],
            "current_password",
        ),
        (
            "/account/password",
            &[("current_password", PASSWORD), ("new_password", "short"), ("confirm_password", "short")],
            "new_password",
        ),
        ("/account/phone", &[("phone", "+447400123456"), ("current_password", "wrong")], "phone_password"),
        ("/account/profile", &[("given_name", ""), ("family_name", "Doe")], "given_name"),
    ];
    for (action, fields, field) in sent {
        let (status, _, body) = browser.submit(&page, action, fields).await.page();
        assert_eq!(status, 400, "{action}: {body}");
        assert_tied(&body, "account-error", &[field]);
    }
}
