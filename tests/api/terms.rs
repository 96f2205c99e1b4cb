//! The terms interstitial: clients that require it get people's acceptance of
//! the deployment's current terms and disclaimer first.

use serde_json::json;

use crate::kit::{Browser, CLINICIAN, PORTAL, TestApp};

async fn set_versions(app: &TestApp, terms: &str, disclaimer: &str) {
    let mut d = app.state.store.deployment("default").await.unwrap().unwrap();
    d.terms_version = Some(terms.into());
    d.terms_url = Some("https://example.com/terms".into());
    d.disclaimer_version = Some(disclaimer.into());
    d.disclaimer_text = Some("careid does not replace your clinician's advice.".into());
    app.state.store.upsert_deployment(&d).await.unwrap();
}

#[tokio::test]
async fn new_terms_are_accepted_once_per_version_before_returning_to_the_client() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({ "require_terms": true })).await;
    let user = app.add_clinician(CLINICIAN).await;
    set_versions(&app, "v1", "d1").await;
    let browser = Browser::new(&app);
    let (status, terms_url, page) = app.sign_in(&PORTAL, CLINICIAN).in_browser(&browser).visit().await.page();
    assert_eq!(status, 200);
    assert!(terms_url.contains("/terms?tx="), "{terms_url}");
    assert!(page.contains("replace your clinician"), "the disclaimer is shown");

    let (status, _, _) = browser.submit(&page, "/terms", &[]).await.page();
    assert_eq!(status, 400, "not ticked");
    let (status, _, _) =
        browser.submit(&page, "/terms", &[("csrf", "forged"), ("accept", "yes")]).await.page();
    assert_eq!(status, 400, "forged CSRF");
    let params = browser.submit(&page, "/terms", &[("accept", "yes")]).await.params();
    assert!(params.contains_key("code"));
    let accepted = app.state.store.acceptances(&user.id).await.unwrap();
    assert_eq!(
        accepted.iter().map(|(d, v, _)| (d.as_str(), v.as_str())).collect::<Vec<_>>(),
        [("disclaimer", "d1"), ("terms", "v1")]
    );
    let events = app.state.store.audit_events(Some(&user.id), 20).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "terms.accepted").count(), 2);

    assert!(
        browser.visit(&app.authorize_url(&PORTAL, &[])).await.params().contains_key("code"),
        "accepted once"
    );
    let (_, _, account) = browser.visit("/account").await.page();
    let listed = account.split(r#"id="accepted""#).nth(1).unwrap_or_default();
    assert!(listed.contains("terms version v1") && listed.contains("disclaimer version d1"), "{account}");
    set_versions(&app, "v2", "d1").await;
    let params = browser.visit(&app.authorize_url(&PORTAL, &[("prompt", "none")])).await.params();
    assert_eq!(params["error"], "interaction_required");
    let (_, terms_url, _) = browser.visit(&app.authorize_url(&PORTAL, &[])).await.page();
    assert!(terms_url.contains("/terms?tx="), "a new version asks again");
}

#[tokio::test]
async fn clients_that_do_not_require_terms_never_show_them() {
    let app = TestApp::spawn().await;
    app.add_portal(json!({})).await;
    app.add_clinician(CLINICIAN).await;
    set_versions(&app, "v1", "d1").await;
    let params = app.sign_in(&PORTAL, CLINICIAN).params().await;
    assert!(params.contains_key("code"));
}
