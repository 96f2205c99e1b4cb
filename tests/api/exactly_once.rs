//! Every single-use thing, redeemed 50 times at once: exactly one success and
//! every other attempt the documented error. On the production tier
//! (PostgreSQL + Redis) the attempts alternate between two nodes; on the
//! embedded tier, whose ephemeral store lives in one process, they race on one.

use careid::crypto::Alg;
use careid::people::Role;
use serde_json::{Value, json};

use crate::kit::apis::LAB;
use crate::kit::{Browser, CLINICIAN, PORTAL, PORTAL_REDIRECT, TestApp, join_all, text};

const TRIES: usize = 50;

/// The nodes a race is split across.
struct Nodes {
    a: TestApp,
    b: Option<TestApp>,
}

impl Nodes {
    async fn of(a: TestApp) -> Nodes {
        let b = a.another_node().await;
        Nodes { a, b }
    }

    /// The base URL attempt `i` goes to.
    fn base(&self, i: usize) -> String {
        match (&self.b, i % 2) {
            (Some(b), 1) => b.base.clone(),
            _ => self.a.base.clone(),
        }
    }
}

/// Sends the `TRIES` requests `request(i, base)` builds at once; the status
/// and the `error` code (JSON, or an error page's) of each answer.
async fn race(
    nodes: &Nodes,
    request: impl Fn(usize, String) -> reqwest::RequestBuilder,
) -> Vec<(u16, String)> {
    let requests: Vec<_> = (0..TRIES).map(|i| request(i, nodes.base(i))).collect();
    let tasks = requests.into_iter().map(|request| {
        tokio::spawn(async move {
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            (status, error_code(&body))
        })
    });
    join_all(tasks).await
}

fn error_code(body: &str) -> String {
    if let Ok(json) = serde_json::from_str::<Value>(body) {
        return json["error"].as_str().unwrap_or_default().to_string();
    }
    // A page's error code, else the title of a notice page (what happened).
    let marker =
        if body.contains(r#"id="error-code">"#) { r#"id="error-code">"# } else { r#"id="notice-title">"# };
    let page = body.split(marker).nth(1).and_then(|rest| rest.split('<').next());
    page.unwrap_or_default().to_string()
}

/// One answer `ok`, every other one of `refused` (status and error code).
fn assert_exactly_once(what: &str, answers: &[(u16, String)], ok: u16, refused: &[(u16, &str)]) {
    let wins = answers.iter().filter(|(s, _)| *s == ok).count();
    let losses = answers.iter().filter(|(s, e)| refused.iter().any(|(rs, re)| s == rs && e == re)).count();
    assert_eq!((wins, losses), (1, TRIES - 1), "{what}: {answers:?}");
}

#[tokio::test]
async fn an_authorization_code_is_redeemed_once() {
    let nodes = Nodes::of(TestApp::with_portal().await).await;
    let code = nodes.a.sign_in(&PORTAL, CLINICIAN).code().await;
    let form =
        [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", PORTAL_REDIRECT)];
    let http = reqwest::Client::new();
    let answers = race(&nodes, |_, base| {
        http.post(format!("{base}/token")).basic_auth(PORTAL.id, PORTAL.secret).form(&form)
    })
    .await;
    assert_exactly_once("code", &answers, 200, &[(400, "invalid_grant")]);
}

#[tokio::test]
async fn a_refresh_token_without_grace_is_rotated_once() {
    let nodes = Nodes::of(TestApp::with_portal().await).await;
    let tokens = nodes.a.sign_in(&PORTAL, CLINICIAN).scope("openid").tokens().await;
    let form = [("grant_type", "refresh_token"), ("refresh_token", text(&tokens, "refresh_token"))];
    let http = reqwest::Client::new();
    let answers = race(&nodes, |_, base| {
        http.post(format!("{base}/token")).basic_auth(PORTAL.id, PORTAL.secret).form(&form)
    })
    .await;
    assert_exactly_once("refresh token", &answers, 200, &[(400, "invalid_grant")]);
}

#[tokio::test]
async fn a_dpop_proof_is_accepted_once() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let nodes = Nodes::of(app).await;
    let proof = nodes.a.dpop_key(Alg::ES256).proof("POST", "/token");
    let form = [("grant_type", "client_credentials"), ("scope", "careid:invite")];
    let http = reqwest::Client::new();
    let answers = race(&nodes, |_, base| {
        let (id, secret) = LAB.basic().expect("the Lab has a secret");
        http.post(format!("{base}/token")).basic_auth(id, Some(secret)).header("DPoP", &proof).form(&form)
    })
    .await;
    assert_exactly_once("DPoP proof", &answers, 200, &[(400, "invalid_dpop_proof")]);
}

#[tokio::test]
async fn a_client_assertion_is_accepted_once() {
    let app = TestApp::spawn().await;
    let lab = app.add_key_client(Alg::ES256).await;
    let nodes = Nodes::of(app).await;
    let assertion = lab.assertion(lab.alg(), json!(nodes.a.base));
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "careid:invite"),
        ("client_assertion_type", crate::kit::assertions::JWT_BEARER),
        ("client_assertion", assertion.as_str()),
    ];
    let http = reqwest::Client::new();
    let answers = race(&nodes, |_, base| http.post(format!("{base}/token")).form(&form)).await;
    assert_exactly_once("client assertion", &answers, 200, &[(401, "invalid_client")]);
}

#[tokio::test]
async fn a_request_object_is_pushed_once() {
    let key = crate::kit::ClientKey::es256("k1");
    let app = TestApp::with_portal().await;
    app.add_portal_with_keys(&[&key]).await;
    let claims = app.request_object_claims(&PORTAL, &app.authorize(&PORTAL));
    let request = key.sign(&claims);
    let nodes = Nodes::of(app).await;
    let http = reqwest::Client::new();
    let answers = race(&nodes, |_, base| {
        http.post(format!("{base}/par")).basic_auth(PORTAL.id, PORTAL.secret).form(&[("request", &request)])
    })
    .await;
    assert_exactly_once("request object", &answers, 201, &[(400, "invalid_request_object")]);
}

#[tokio::test]
async fn a_request_uri_is_used_once() {
    let app = TestApp::with_portal().await;
    let request_uri = app.request_uri(&PORTAL, &app.authorize(&PORTAL)).await;
    let nodes = Nodes::of(app).await;
    let query = crate::kit::oauth::urlencoded(&[("client_id", PORTAL.id), ("request_uri", &request_uri)]);
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answers = race(&nodes, |_, base| http.get(format!("{base}/authorize?{query}"))).await;
    assert_exactly_once("request_uri", &answers, 303, &[(400, "invalid_request_uri")]);
}

#[tokio::test]
async fn an_invitation_signs_up_once() {
    let app = TestApp::spawn().await;
    let link = app.invite(Role::Patient, Some("pat@example.com")).await;
    let path = link.strip_prefix(&app.base).unwrap().to_string();
    let nodes = Nodes::of(app).await;
    // Each attempt is its own browser with its own form.
    let mut forms = Vec::new();
    for i in 0..TRIES {
        let browser = Browser::new(&nodes.a);
        let page =
            browser.http.get(format!("{}{path}", nodes.base(i))).send().await.unwrap().text().await.unwrap();
        let fields = [("given_name", "Pat"), ("family_name", "Doe"), ("password", crate::kit::PASSWORD)];
        forms.push((browser, crate::kit::forms::fill(&page, &path, &fields)));
    }
    let answers =
        race(&nodes, |i, base| forms[i].0.http.post(format!("{base}{path}")).form(&forms[i].1)).await;
    assert_exactly_once("invitation", &answers, 303, &[(404, "")]);
    let users = nodes.a.state.store.list_users(None).await.unwrap();
    assert_eq!(users.iter().filter(|u| u.email == "pat@example.com").count(), 1);
}

#[tokio::test]
async fn an_sms_code_completes_a_sign_in_once() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let form = crate::kit::forms::fill(&page, "/login/sms", &[("code", &app.last_code())]);
    let nodes = Nodes::of(app).await;
    let answers = race(&nodes, |_, base| browser.http.post(format!("{base}/login/sms")).form(&form)).await;
    // The one success shows the new recovery codes (this is the first second
    // step). A loser racing it finds its form spent; one coming after finds
    // the sign-in finished and its transaction gone.
    // The others: the code page saying the code no longer works (no error code), or an expired sign-in.
    assert_exactly_once("SMS code", &answers, 200, &[(400, ""), (400, "expired")]);
}

/// One filled form a link's page gives each attempt (its CSRF token is single-use too).
async fn forms_for(nodes: &Nodes, path: &str, fields: &[(&str, &str)]) -> Vec<Vec<(String, String)>> {
    let mut forms = Vec::new();
    for i in 0..TRIES {
        let page = nodes.a.client.get(format!("{}{path}", nodes.base(i))).send().await.unwrap();
        forms.push(crate::kit::forms::fill(&page.text().await.unwrap(), path, fields));
    }
    forms
}

#[tokio::test]
async fn a_password_reset_link_resets_once() {
    let app = TestApp::spawn().await;
    app.add_clinician(CLINICIAN).await;
    app.forgot_password(CLINICIAN).await;
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    let nodes = Nodes::of(app).await;
    let password = "a new password that is long enough";
    let forms = forms_for(&nodes, &link, &[("password", password), ("confirm", password)]).await;
    let answers = race(&nodes, |i, base| nodes.a.client.post(format!("{base}{link}")).form(&forms[i])).await;
    assert_exactly_once("reset link", &answers, 200, &[(400, "invalid_link")]);
}

#[tokio::test]
async fn an_email_verification_link_verifies_once() {
    let app = TestApp::spawn().await;
    let doc = app.add_unverified(CLINICIAN, Role::Clinician, 86_400).await;
    careid::onboarding::verification::send(&app.state, &doc).await.unwrap();
    let link = app.link_in(&app.wait_for_emails(1).await[0]);
    let nodes = Nodes::of(app).await;
    let forms = forms_for(&nodes, &link, &[]).await;
    let answers = race(&nodes, |i, base| nodes.a.client.post(format!("{base}{link}")).form(&forms[i])).await;
    // The others hear the address is verified already, or, when they came
    // between the link's use and the address's verification, that the link is used.
    let verified = answers.iter().filter(|a| *a == &(200, "Email address verified".to_string())).count();
    let lost = |a: &&(u16, String)| {
        *a == &(200, "Your email address is already verified".to_string())
            || *a == &(400, "invalid_link".to_string())
    };
    assert_eq!(
        (verified, answers.iter().filter(lost).count()),
        (1, TRIES - 1),
        "verification link: {answers:?}"
    );
}

#[tokio::test]
async fn a_webauthn_challenge_is_answered_once() {
    let app = TestApp::two_step(|_| {}).await;
    let mut authenticator = app.add_with_passkey(crate::kit::PATIENT, Role::Patient).await;
    app.add_care_app().await;
    let browser = Browser::new(&app);
    let (tx, csrf) = browser.login_page(&app.authorize_url(&crate::kit::CARE_APP, &[])).await;
    let challenge = browser.passkey_challenge(&(tx.clone(), csrf.clone())).await;
    let credential = authenticator.assert(&challenge["publicKey"]);
    let body = json!({ "tx": tx, "csrf": csrf, "ceremony": challenge["ceremony"], "credential": credential });
    let nodes = Nodes::of(app).await;
    let answers =
        race(&nodes, |_, base| browser.http.post(format!("{base}/login/passkey")).json(&body)).await;
    // A late attempt may find the sign-in already finished by the winner (its transaction gone).
    assert_exactly_once("WebAuthn challenge", &answers, 200, &[(400, "expired_challenge"), (400, "expired")]);
}

#[tokio::test]
async fn an_account_phone_code_confirms_the_number_once() {
    let app = TestApp::two_step(|_| {}).await;
    app.add_clinician(CLINICIAN).await;
    let browser = Browser::new(&app);
    let page = browser.open_account(&app, CLINICIAN).await;
    let change = [("phone", "+49 151 23456789"), ("current_password", crate::kit::PASSWORD)];
    let (status, _, code_page) = browser.submit(&page, "/account/phone", &change).await.page();
    assert_eq!(status, 200, "{code_page}");
    let form = crate::kit::forms::fill(&code_page, "/account/phone/verify", &[("code", &app.last_code())]);
    let nodes = Nodes::of(app).await;
    let answers =
        race(&nodes, |_, base| browser.http.post(format!("{base}/account/phone/verify")).form(&form)).await;
    assert_exactly_once("account phone code", &answers, 303, &[(400, "invalid_request")]);
    assert_eq!(nodes.a.user(CLINICIAN).await.verified_phone(), Some("+4915123456789"));
}
