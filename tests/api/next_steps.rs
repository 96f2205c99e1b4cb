//! Pages that say what happened and what to do (issue 14, item 4): each of
//! the confusing pages shows its action, and the action works.

use careid::audit::Origin;
use careid::onboarding::invitations::{self, Inviter};
use careid::people::{Email, Role};
use reqwest::StatusCode;

use crate::kit::{Browser, CLINICIAN, PORTAL, TestApp};

#[tokio::test]
async fn too_many_wrong_codes_offer_a_new_code_that_signs_in() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let wrong = app.wrong_code();
    for _ in 0..4 {
        assert_eq!(browser.submit_code(&page, wrong).await.page().0, StatusCode::UNAUTHORIZED);
    }
    let (status, _, void) = browser.submit_code(&page, wrong).await.page();
    assert_eq!(status, 400, "{void}");
    assert!(void.contains("That code no longer works"), "{void}");
    assert!(void.contains("Send a new code") && !void.contains("name=\"code\""), "{void}");
    assert!(!void.contains("error-code"), "no raw error code: {void}");
    // Within the resend wait the same page says so, with the button still there.
    let (status, _, wait) = browser.submit(&void, "/login/sms/resend", &[]).await.page();
    assert_eq!(status, 429, "{wait}");
    assert!(wait.contains("Send a new code"), "{wait}");
    assert_eq!(app.texts().len(), 1);
    app.clock.advance(31);
    let (status, _, fresh) = browser.submit(&void, "/login/sms/resend", &[]).await.page();
    assert_eq!(status, 200, "{fresh}");
    assert_eq!(app.texts().len(), 2, "exactly one new code");
    let params = browser.submit_code(&fresh, &app.last_code()).await.params();
    app.exchange(&PORTAL, &params["code"]).await;
}

#[tokio::test]
async fn a_locked_second_step_says_when_it_unlocks() {
    let app = TestApp::two_step(|c| c.sms.max_failures = 2).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let wrong = app.wrong_code();
    browser.submit_code(&page, wrong).await;
    let (status, _, locked) = browser.submit_code(&page, wrong).await.page();
    assert_eq!(status, 429, "{locked}");
    let until =
        careid::i18n::datetime(careid::i18n::Lang::En, app.clock.now() + app.state.config.sms.lock_secs);
    assert!(locked.contains(&format!("locked until {until}")), "{until}: {locked}");
}

#[tokio::test]
async fn a_verification_link_opened_again_says_the_address_is_verified() {
    let app = TestApp::with_portal().await;
    let doc = app.add_unverified("late@example.com", Role::Clinician, 3600).await;
    careid::onboarding::verification::send(&app.state, &doc).await.unwrap();
    let link = app.link_mailed_to("late@example.com").await;
    let browser = Browser::new(&app);
    let (_, _, page) = browser.visit(&link).await.page();
    let (status, _, done) = browser.submit(&page, &link, &[]).await.page();
    assert_eq!(status, 200, "{done}");
    for _ in 0..2 {
        let (status, _, again) = browser.visit(&link).await.page();
        assert_eq!(status, 200, "{again}");
        assert!(again.contains("Your email address is already verified"), "{again}");
        assert!(again.contains("Back to your account"), "the way on: {again}");
    }
    // An unknown link is still the one neutral answer.
    let (status, _, unknown) = browser.visit(&format!("/verify-email/{}", "A".repeat(43))).await.page();
    assert_eq!(status, 400, "{unknown}");
}

#[tokio::test]
async fn the_account_page_sends_the_verification_email_again_once_per_press() {
    let app = TestApp::with_portal_and(|c| c.onboarding.verification_resends_per_hour = 2).await;
    app.add_unverified("late@example.com", Role::Clinician, 3600).await;
    let browser = Browser::new(&app);
    let account = browser.open_account(&app, "late@example.com").await;
    assert!(account.contains("Send the verification email again"), "{account}");
    let before = app.emails().await.len();
    let (status, _, sent) = browser.submit(&account, "/account/verify-email/resend", &[]).await.page();
    assert_eq!(status, 200, "{sent}");
    assert!(sent.contains("We sent a new verification link to"), "{sent}");
    assert_eq!(app.emails().await.len(), before + 1, "exactly one email");
    let link = app.link_mailed_to("late@example.com").await;
    let (_, _, page) = browser.visit(&link).await.page();
    assert_eq!(browser.submit(&page, &link, &[]).await.page().0, 200);
    assert!(app.user("late@example.com").await.email_verified);
    // Rate limited, and a forged form is refused.
    let fresh = Browser::new(&app);
    app.add_unverified("later@example.com", Role::Clinician, 3600).await;
    let account = fresh.open_account(&app, "later@example.com").await;
    let answers = concurrent_resends(&fresh, &account).await;
    assert_eq!(answers.iter().filter(|s| **s == 200).count(), 2, "{answers:?}");
    assert_eq!(answers.iter().filter(|s| **s == 429).count(), 2, "{answers:?}");
    let forged = fresh.post_form("/account/verify-email/resend", &[("csrf", "forged")]).await.page();
    assert_eq!(forged.0, 400);
    let anonymous = Browser::new(&app).post_form("/account/verify-email/resend", &[("csrf", "x")]).await;
    assert!(
        matches!(anonymous, crate::kit::Visit::Page { ref url, .. } if url.contains("/login")),
        "{anonymous:?}"
    );
}

/// Four presses of the resend button at once; their statuses.
async fn concurrent_resends(browser: &Browser, account: &str) -> Vec<u16> {
    let press = || browser.send(account, "/account/verify-email/resend", &[]);
    let (a, b, c, d) = tokio::join!(press(), press(), press(), press());
    [a, b, c, d].iter().map(|r| r.status().as_u16()).collect()
}

#[tokio::test]
async fn an_expired_or_withdrawn_invitation_says_whom_to_ask() {
    let app = TestApp::with_portal().await;
    let inviter = app.add_admin("boss@example.com").await;
    let by = Inviter::User(Box::new(inviter));
    let (invitation, token) = invitations::create(
        &app.state,
        &by,
        Role::Clinician,
        "default",
        Some(Email::parse("x@example.com").unwrap()),
        None,
        &Origin::default(),
    )
    .await
    .unwrap();
    let revoked = invitations::link(&app.state, &token);
    invitations::revoke(&app.state, &by, &invitation.id, &Origin::default()).await.unwrap();
    let page = app.client.get(&revoked).send().await.unwrap();
    assert_eq!(page.status(), 404);
    let page = page.text().await.unwrap();
    assert!(page.contains("This invitation was withdrawn"), "{page}");
    assert!(page.contains("mailto:boss@example.com"), "{page}");
    let (_, token) = invitations::create(
        &app.state,
        &by,
        Role::Clinician,
        "default",
        Some(Email::parse("y@example.com").unwrap()),
        None,
        &Origin::default(),
    )
    .await
    .unwrap();
    app.clock.advance(8 * 86_400);
    let page =
        app.client.get(invitations::link(&app.state, &token)).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("This invitation has expired") && page.contains("mailto:boss@example.com"),
        "{page}"
    );
}

#[tokio::test]
async fn error_pages_give_a_reference_not_an_error_code_as_their_message() {
    let app = TestApp::spawn().await;
    let page = app.get("/authorize/continue?tx=nope").await.text().await.unwrap();
    assert!(page.contains("Reference for support:") && !page.contains("Error:"), "{page}");
}

#[tokio::test]
async fn tries_left_follow_each_languages_plural_rules() {
    let app = TestApp::two_step(|_| {}).await;
    let doc = app.add_clinician(CLINICIAN).await;
    app.state.store.set_user_locale(&doc.id, Some("ar"), app.clock.now()).await.unwrap();
    let browser = Browser::new(&app);
    let page = browser.to_code_page(&app.authorize_url(&PORTAL, &[("ui_locales", "ar")]), CLINICIAN).await;
    let wrong = app.wrong_code();
    let mut said = Vec::new();
    for _ in 0..4 {
        let (status, _, body) = browser.submit_code_only(&page, wrong).await.page();
        assert_eq!(status, 401);
        said.push(body);
    }
    // Four, three, two, one left: Arabic says the few form, then the dual, then the singular.
    assert!(said[0].contains("تبقّت لديك 4 محاولات."), "{}", said[0]);
    assert!(said[2].contains("تبقّت لديك محاولتان."), "{}", said[2]);
    assert!(said[3].contains("تبقّت لديك محاولة واحدة."), "{}", said[3]);
}
