//! The terms interstitial: clients that require it get people's acceptance of
//! the deployment's current terms and disclaimer first.

use careid::accounts::Role;
use serde_json::json;

use crate::browser::{Browser, hidden};
use crate::flows::{PASSWORD, PORTAL_REDIRECT, add_portal_client, serde_urlencoded};
use crate::helpers::TestApp;

async fn set_versions(app: &TestApp, terms: &str, disclaimer: &str) {
    let mut d = app.state.store.deployment("default").await.unwrap().unwrap();
    d.terms_version = Some(terms.into());
    d.terms_url = Some("https://example.com/terms".into());
    d.disclaimer_version = Some(disclaimer.into());
    d.disclaimer_text = Some("careid does not replace your clinician's advice.".into());
    app.state.store.upsert_deployment(&d).await.unwrap();
}

fn url(app: &TestApp, extra: &[(&str, &str)]) -> String {
    let mut q = vec![
        ("response_type", "code"),
        ("client_id", "portal"),
        ("redirect_uri", PORTAL_REDIRECT),
        ("scope", "openid"),
    ];
    q.extend_from_slice(extra);
    format!("{}/authorize?{}", app.base, serde_urlencoded(&q))
}

#[tokio::test]
async fn new_terms_are_accepted_once_per_version_before_returning_to_the_client() {
    let app = TestApp::spawn().await;
    add_portal_client(&app, json!({ "require_terms": true })).await;
    let user = app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    set_versions(&app, "v1", "d1").await;
    let browser = Browser::new(&app);
    let (status, terms_url, page) =
        browser.sign_in(&url(&app, &[]), "doc@example.com", PASSWORD).await.page();
    assert_eq!(status, 200);
    assert!(terms_url.contains("/terms?tx="), "{terms_url}");
    assert!(page.contains("replace your clinician"), "the disclaimer is shown");

    let (tx, csrf) = (hidden(&page, "tx"), hidden(&page, "csrf"));
    let (status, _, _) = browser.post_form("/terms", &[("tx", &tx), ("csrf", &csrf)]).await.page();
    assert_eq!(status, 400, "not ticked");
    let (status, _, _) =
        browser.post_form("/terms", &[("tx", &tx), ("csrf", "forged"), ("accept", "yes")]).await.page();
    assert_eq!(status, 400, "forged CSRF");
    let params =
        browser.post_form("/terms", &[("tx", &tx), ("csrf", &csrf), ("accept", "yes")]).await.params();
    assert!(params.contains_key("code"));
    let accepted = app.state.store.acceptances(&user.id).await.unwrap();
    assert_eq!(
        accepted.iter().map(|(d, v, _)| (d.as_str(), v.as_str())).collect::<Vec<_>>(),
        [("disclaimer", "d1"), ("terms", "v1")]
    );
    let events = app.state.store.audit_events(Some(&user.id), 20).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "terms.accepted").count(), 2);

    assert!(browser.visit(&url(&app, &[])).await.params().contains_key("code"), "accepted once");
    let (_, _, account) = browser.visit("/account").await.page();
    let listed = account.split(r#"id="accepted""#).nth(1).unwrap_or_default();
    assert!(listed.contains("terms version v1") && listed.contains("disclaimer version d1"), "{account}");
    set_versions(&app, "v2", "d1").await;
    let params = browser.visit(&url(&app, &[("prompt", "none")])).await.params();
    assert_eq!(params["error"], "interaction_required");
    let (_, terms_url, _) = browser.visit(&url(&app, &[])).await.page();
    assert!(terms_url.contains("/terms?tx="), "a new version asks again");
}

#[tokio::test]
async fn clients_that_do_not_require_terms_never_show_them() {
    let app = TestApp::spawn().await;
    add_portal_client(&app, json!({})).await;
    app.add_user("doc@example.com", PASSWORD, Role::Clinician).await;
    set_versions(&app, "v1", "d1").await;
    let params = Browser::new(&app).sign_in(&url(&app, &[]), "doc@example.com", PASSWORD).await.params();
    assert!(params.contains_key("code"));
}
