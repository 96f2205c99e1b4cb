//! DPoP (RFC 9449): tokens bound to a key the client proves it holds at
//! /token, /userinfo and the reference API; refresh tokens of public clients
//! bound to the same key; codes bound by `dpop_jkt` or a pushed request;
//! proofs wrong in every way refused with `invalid_dpop_proof`, once across nodes.

use careid::crypto::Alg;
use serde_json::{Value, json};

use crate::kit::apis::{LAB, RECORDS};
use crate::kit::dpop::{Answer, DpopKey, ath};
use crate::kit::{CARE_APP, PATIENT, PKCE_VERIFIER, PORTAL, TestApp, join_all, text};

/// careid with the Care App registered as a new public client: DPoP required by default.
async fn with_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.add_client(json!({
        "id": CARE_APP.id, "name": "Care App", "public": true, "first_party": true,
        "redirect_uris": [CARE_APP.redirect_uri], "allowed_roles": ["patient"]
    }))
    .await;
    app.add_patient(PATIENT).await;
    app
}

fn code_form(code: &str) -> Vec<(&str, &str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", CARE_APP.redirect_uri),
        ("code_verifier", PKCE_VERIFIER),
    ]
}

/// The App signs in and redeems its code with a proof by `key`.
async fn app_tokens(app: &TestApp, key: &DpopKey) -> Value {
    let code = app.sign_in(&CARE_APP, PATIENT).scope("openid email offline_access").code().await;
    let answer =
        app.token_request_with_proof(&CARE_APP, &code_form(&code), Some(&key.proof("POST", "/token"))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

fn assert_invalid_proof(answer: &Answer, why: &str) {
    assert_eq!(answer.error(), (400, Some("invalid_dpop_proof")), "{why}: {}", answer.body);
}

#[tokio::test]
async fn a_public_client_gets_a_dpop_token_bound_to_its_key_and_userinfo_needs_the_key() {
    let app = with_app().await;
    let key = app.dpop_key(Alg::ES256);
    let tokens = app_tokens(&app, &key).await;
    assert_eq!(tokens["token_type"], "DPoP");
    let access = text(&tokens, "access_token");
    assert_eq!(app.access_claims(access)["cnf"], json!({ "jkt": key.jkt() }));

    let answer = app.userinfo_with("DPoP", access, Some(&key.proof_for("GET", "/userinfo", access))).await;
    assert_eq!((answer.status, answer.body["email"].as_str()), (200, Some(PATIENT)), "{}", answer.body);

    // As a bearer token, with no proof, with another key, a replayed proof,
    // or a proof for another token, method or URL: refused with a DPoP challenge.
    let proof = key.proof_for("GET", "/userinfo", access);
    assert_eq!(app.userinfo_with("DPoP", access, Some(&proof)).await.status, 200);
    let other = app.dpop_key(Alg::ES256);
    let cases = [
        ("Bearer", None, "invalid_token"),
        ("DPoP", None, "invalid_dpop_proof"),
        ("DPoP", Some(other.proof_for("GET", "/userinfo", access)), "invalid_token"),
        ("DPoP", Some(proof), "invalid_dpop_proof"),
        ("DPoP", Some(key.proof("GET", "/userinfo")), "invalid_dpop_proof"),
        ("DPoP", Some(key.proof_for("GET", "/userinfo", "another token")), "invalid_dpop_proof"),
        ("DPoP", Some(key.proof_for("POST", "/userinfo", access)), "invalid_dpop_proof"),
        ("DPoP", Some(key.proof_for("GET", "/token", access)), "invalid_dpop_proof"),
    ];
    for (scheme, proof, error) in cases {
        let answer = app.userinfo_with(scheme, access, proof.as_deref()).await;
        assert_eq!(answer.error(), (401, Some(error)), "{scheme} {proof:?}: {}", answer.body);
        let challenge = answer.header("www-authenticate");
        assert!(challenge.starts_with("DPoP ") && challenge.contains("algs=\""), "{challenge}");
        assert!(challenge.contains(&format!("error=\"{error}\"")), "{challenge}");
    }
}

#[tokio::test]
async fn a_bearer_token_is_refused_under_the_dpop_scheme() {
    let app = TestApp::spawn().await;
    app.add_care_app().await;
    app.add_patient(PATIENT).await;
    let access = app.sign_in(&CARE_APP, PATIENT).access_token().await;
    let key = app.dpop_key(Alg::ES256);
    let answer = app.userinfo_with("DPoP", &access, Some(&key.proof_for("GET", "/userinfo", &access))).await;
    assert_eq!(answer.error(), (401, Some("invalid_token")), "{}", answer.body);
    assert_eq!(app.userinfo_with("Bearer", &access, None).await.status, 200);
}

#[tokio::test]
async fn a_client_that_requires_dpop_is_refused_without_a_proof_and_keeps_its_code() {
    let app = with_app().await;
    let code = app.sign_in(&CARE_APP, PATIENT).code().await;
    let answer = app.token_request_with_proof(&CARE_APP, &code_form(&code), None).await;
    assert_invalid_proof(&answer, "no proof");
    assert!(text(&answer.body, "error_description").contains("must send a DPoP proof"));
    let key = app.dpop_key(Alg::EdDSA);
    let answer =
        app.token_request_with_proof(&CARE_APP, &code_form(&code), Some(&key.proof("POST", "/token"))).await;
    assert_eq!((answer.status, answer.body["token_type"].as_str()), (200, Some("DPoP")), "{}", answer.body);
}

#[tokio::test]
async fn proofs_wrong_in_one_way_are_invalid_dpop_proof_never_a_500() {
    let app = with_app().await;
    let key = app.dpop_key(Alg::ES256);
    let other = app.dpop_key(Alg::ES256);
    let now = app.clock.now();
    let private = {
        let mut members = key.public_jwk().as_object().unwrap().clone();
        members.extend(key.private_members().as_object().unwrap().clone());
        key.proof_with("POST", "/token", |h, _| h["jwk"] = Value::Object(members))
    };
    let mut wrong_signature = key.proof("POST", "/token");
    wrong_signature.truncate(wrong_signature.len() - 4);
    wrong_signature.push_str("AAAA");
    let cases: Vec<(&str, String)> = vec![
        ("not a JWS", "not-a-jwt".into()),
        ("four parts", format!("{}.x", key.proof("POST", "/token"))),
        ("typ JWT", key.proof_with("POST", "/token", |h, _| h["typ"] = json!("JWT"))),
        ("no typ", key.proof_with("POST", "/token", |h, _| drop(h.as_object_mut().unwrap().remove("typ")))),
        ("alg none", key.proof_with("POST", "/token", |h, _| h["alg"] = json!("none"))),
        ("alg HS256", key.proof_with("POST", "/token", |h, _| h["alg"] = json!("HS256"))),
        ("alg RS256 on an EC key", key.proof_with("POST", "/token", |h, _| h["alg"] = json!("RS256"))),
        ("no jwk", key.proof_with("POST", "/token", |h, _| drop(h.as_object_mut().unwrap().remove("jwk")))),
        ("jwk a string", key.proof_with("POST", "/token", |h, _| h["jwk"] = json!("key"))),
        ("private jwk", private),
        ("another key's jwk", key.proof_with("POST", "/token", |h, _| h["jwk"] = other.public_jwk())),
        ("bad signature", wrong_signature),
        ("htm GET", key.proof("GET", "/token")),
        ("htu /userinfo", key.proof("POST", "/userinfo")),
        (
            "htu another host",
            key.proof_with("POST", "/token", |_, c| c["htu"] = json!("https://evil.example/token")),
        ),
        ("no htu", key.proof_with("POST", "/token", |_, c| drop(c.as_object_mut().unwrap().remove("htu")))),
        ("iat 61 s old", key.proof_with("POST", "/token", |_, c| c["iat"] = json!(now - 61))),
        ("iat 30 s ahead", key.proof_with("POST", "/token", |_, c| c["iat"] = json!(now + 30))),
        ("iat a string", key.proof_with("POST", "/token", |_, c| c["iat"] = json!(now.to_string()))),
        ("no jti", key.proof_with("POST", "/token", |_, c| drop(c.as_object_mut().unwrap().remove("jti")))),
        ("empty jti", key.proof_with("POST", "/token", |_, c| c["jti"] = json!(""))),
        ("jti of 257", key.proof_with("POST", "/token", |_, c| c["jti"] = json!("j".repeat(257)))),
        ("oversized", key.proof_with("POST", "/token", |_, c| c["pad"] = json!("p".repeat(9000)))),
        ("crit", key.proof_with("POST", "/token", |h, _| h["crit"] = json!(["exp"]))),
    ];
    // The proof is checked before the code is taken: one code serves every case.
    let code = app.sign_in(&CARE_APP, PATIENT).code().await;
    for (why, proof) in cases {
        let answer = app.token_request_with_proof(&CARE_APP, &code_form(&code), Some(&proof)).await;
        assert_invalid_proof(&answer, why);
    }
    // Two DPoP headers are one too many.
    let mut form = code_form(&code);
    form.push(("client_id", CARE_APP.id));
    let response = app
        .client
        .post(app.url("/token"))
        .form(&form)
        .header("DPoP", key.proof("POST", "/token"))
        .header("DPoP", key.proof("POST", "/token"))
        .send()
        .await
        .unwrap();
    let answer = crate::kit::dpop::answer(response).await;
    assert_invalid_proof(&answer, "two headers");
    let answer =
        app.token_request_with_proof(&CARE_APP, &code_form(&code), Some(&key.proof("POST", "/token"))).await;
    assert_eq!(answer.status, 200, "the code survived every refusal: {}", answer.body);
}

#[tokio::test]
async fn every_accepted_alg_signs_proofs_and_ed25519_names_eddsa() {
    let app = with_app().await;
    for (alg, name) in [
        (Alg::ES256, "ES256"),
        (Alg::EdDSA, "EdDSA"),
        (Alg::EdDSA, "Ed25519"),
        (Alg::PS256, "PS256"),
        (Alg::RS256, "RS256"),
    ] {
        let key = app.dpop_key(alg).named(name);
        let tokens = app_tokens(&app, &key).await;
        assert_eq!(app.access_claims(text(&tokens, "access_token"))["cnf"]["jkt"], key.jkt(), "{name}");
    }
    let discovery = app.get_json("/.well-known/openid-configuration").await;
    assert_eq!(
        discovery["dpop_signing_alg_values_supported"],
        json!(["RS256", "PS256", "ES256", "EdDSA", "Ed25519"])
    );
}

#[tokio::test]
async fn a_proof_is_used_once_also_across_two_nodes() {
    let app = with_app().await;
    let key = app.dpop_key(Alg::ES256);
    let proof = key.proof("POST", "/token");
    let code = app.sign_in(&CARE_APP, PATIENT).code().await;
    assert_eq!(app.token_request_with_proof(&CARE_APP, &code_form(&code), Some(&proof)).await.status, 200);
    let code = app.sign_in(&CARE_APP, PATIENT).code().await;
    let second = app.another_node().await;
    let node = second.as_ref().unwrap_or(&app);
    let answer = node.token_request_with_proof(&CARE_APP, &code_form(&code), Some(&proof)).await;
    assert_invalid_proof(&answer, "replayed");
    assert!(text(&answer.body, "error_description").contains("already used"));
}

#[tokio::test]
async fn concurrent_requests_with_one_proof_get_one_token() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let key = app.dpop_key(Alg::ES256);
    let proof = key.proof("POST", "/token");
    let app = std::sync::Arc::new(app);
    let tries = (0..8).map(|_| {
        let (app, proof) = (app.clone(), proof.clone());
        tokio::spawn(async move {
            let form = [("grant_type", "client_credentials"), ("scope", "careid:invite")];
            app.token_request_with_proof(&LAB, &form, Some(&proof)).await.status
        })
    });
    let statuses = join_all(tries).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 400), "{statuses:?}");
}

#[tokio::test]
async fn a_public_clients_refresh_token_works_only_with_its_key() {
    let app = with_app().await;
    let key = app.dpop_key(Alg::ES256);
    let tokens = app_tokens(&app, &key).await;
    let refresh = text(&tokens, "refresh_token");
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
    let other = app.dpop_key(Alg::ES256);
    let answer = app.token_request_with_proof(&CARE_APP, &form, Some(&other.proof("POST", "/token"))).await;
    assert_eq!(answer.error(), (400, Some("invalid_grant")), "{}", answer.body);
    assert!(text(&answer.body, "error_description").contains("another DPoP key"));
    // Refused requests left the token usable: with its key it rotates.
    let answer = app.token_request_with_proof(&CARE_APP, &form, Some(&key.proof("POST", "/token"))).await;
    assert_eq!((answer.status, answer.body["token_type"].as_str()), (200, Some("DPoP")), "{}", answer.body);
    assert_eq!(app.access_claims(text(&answer.body, "access_token"))["cnf"]["jkt"], key.jkt());

    // Bound even where the client may send bearer requests: no proof is no key.
    app.add_client(json!({
        "id": CARE_APP.id, "name": "Care App", "public": true, "first_party": true,
        "redirect_uris": [CARE_APP.redirect_uri], "allowed_roles": ["patient"], "require_dpop": false
    }))
    .await;
    let form = [("grant_type", "refresh_token"), ("refresh_token", text(&answer.body, "refresh_token"))];
    let refused = app.token_request_with_proof(&CARE_APP, &form, None).await;
    assert_eq!(refused.error(), (400, Some("invalid_grant")), "{}", refused.body);
}

#[tokio::test]
async fn dpop_jkt_binds_the_code_to_one_key() {
    let app = with_app().await;
    let key = app.dpop_key(Alg::ES256);
    let other = app.dpop_key(Alg::ES256);
    let code = app.sign_in(&CARE_APP, PATIENT).with("dpop_jkt", &key.jkt()).code().await;
    let answer = app
        .token_request_with_proof(&CARE_APP, &code_form(&code), Some(&other.proof("POST", "/token")))
        .await;
    assert_eq!(answer.error(), (400, Some("invalid_grant")), "{}", answer.body);
    let code = app.sign_in(&CARE_APP, PATIENT).with("dpop_jkt", &key.jkt()).code().await;
    let answer =
        app.token_request_with_proof(&CARE_APP, &code_form(&code), Some(&key.proof("POST", "/token"))).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    for bad in ["short", &format!("{}=", key.jkt()), &"a".repeat(44)] {
        let url = app.authorize(&CARE_APP).set("dpop_jkt", bad).url();
        let params = crate::kit::Browser::new(&app).visit(&url).await.params();
        assert_eq!(params.get("error").map(String::as_str), Some("invalid_request"), "{bad}: {params:?}");
    }
}

#[tokio::test]
async fn a_proof_sent_with_a_pushed_request_binds_its_code() {
    let app = TestApp::with_portal().await;
    let key = app.dpop_key(Alg::ES256);
    let request = app.authorize(&PORTAL);
    let pushed = app.push_with_proof(&PORTAL, &request, &key.proof("POST", "/par")).await;
    assert_eq!(pushed.status, 201, "{}", pushed.body);
    let url = app.authorize_pushed(&PORTAL, text(&pushed.body, "request_uri"));
    let code = crate::kit::Browser::new(&app)
        .sign_in(&url, crate::kit::CLINICIAN, crate::kit::PASSWORD)
        .await
        .params()["code"]
        .clone();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", PORTAL.redirect_uri),
    ];
    let answer = app.token_request_with_proof(&PORTAL, &form, None).await;
    assert_eq!(answer.error(), (400, Some("invalid_grant")), "{}", answer.body);

    // dpop_jkt naming another key than the push's proof is refused.
    let other = app.dpop_key(Alg::ES256);
    let request = app.authorize(&PORTAL).set("dpop_jkt", &other.jkt());
    let pushed = app.push_with_proof(&PORTAL, &request, &key.proof("POST", "/par")).await;
    assert_eq!(pushed.error(), (400, Some("invalid_dpop_proof")), "{}", pushed.body);
    let pushed = app.push_with_proof(&PORTAL, &app.authorize(&PORTAL), &key.proof("POST", "/token")).await;
    assert_eq!(pushed.error(), (400, Some("invalid_dpop_proof")), "a proof for /token: {}", pushed.body);
}

#[tokio::test]
async fn a_confidential_clients_dpop_tokens_show_cnf_at_introspection() {
    let app = TestApp::with_portal().await;
    let key = app.dpop_key(Alg::ES256);
    let code = app.sign_in(&PORTAL, crate::kit::CLINICIAN).code().await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", PORTAL.redirect_uri),
    ];
    let answer = app.token_request_with_proof(&PORTAL, &form, Some(&key.proof("POST", "/token"))).await;
    assert_eq!(answer.body["token_type"], "DPoP", "{}", answer.body);
    let (status, seen) = app.introspect(text(&answer.body, "access_token"), PORTAL.basic()).await;
    assert_eq!(status, 200);
    assert_eq!((seen["token_type"].as_str(), &seen["cnf"]), (Some("DPoP"), &json!({ "jkt": key.jkt() })));
    // A confidential client's refresh token is bound to its credentials, not the key.
    let form = [("grant_type", "refresh_token"), ("refresh_token", text(&answer.body, "refresh_token"))];
    let refreshed = app.token_request_with_proof(&PORTAL, &form, None).await;
    assert_eq!(
        (refreshed.status, refreshed.body["token_type"].as_str()),
        (200, Some("Bearer")),
        "{}",
        refreshed.body
    );
}

#[tokio::test]
async fn where_nonces_are_required_a_proof_without_careids_nonce_gets_one() {
    let app = TestApp::spawn_with(|c| c.dpop.require_nonce = true).await;
    app.add_client(json!({
        "id": CARE_APP.id, "name": "Care App", "public": true, "first_party": true,
        "redirect_uris": [CARE_APP.redirect_uri], "allowed_roles": ["patient"]
    }))
    .await;
    app.add_patient(PATIENT).await;
    let key = app.dpop_key(Alg::ES256);
    let code = app.sign_in(&CARE_APP, PATIENT).code().await;
    let first =
        app.token_request_with_proof(&CARE_APP, &code_form(&code), Some(&key.proof("POST", "/token"))).await;
    assert_eq!(first.error(), (400, Some("use_dpop_nonce")), "{}", first.body);
    let nonce = first.header("dpop-nonce").to_string();
    assert!(!nonce.is_empty());
    let forged = app
        .token_request_with_proof(
            &CARE_APP,
            &code_form(&code),
            Some(&key.proof_with_nonce("POST", "/token", "forged")),
        )
        .await;
    assert_eq!(forged.error(), (400, Some("use_dpop_nonce")), "{}", forged.body);
    let answer = app
        .token_request_with_proof(
            &CARE_APP,
            &code_form(&code),
            Some(&key.proof_with_nonce("POST", "/token", &nonce)),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(!answer.header("dpop-nonce").is_empty(), "the next nonce comes with the answer");
    let access = text(&answer.body, "access_token");

    let proof = key.proof_with("GET", "/userinfo", |_, c| {
        c["ath"] = ath(access);
    });
    let refused = app.userinfo_with("DPoP", access, Some(&proof)).await;
    assert_eq!(refused.error(), (401, Some("use_dpop_nonce")), "{}", refused.body);
    assert!(refused.header("www-authenticate").contains("error=\"use_dpop_nonce\""));
    let nonce = refused.header("dpop-nonce").to_string();
    let proof = key.proof_with("GET", "/userinfo", |_, c| {
        c["ath"] = ath(access);
        c["nonce"] = json!(nonce);
    });
    assert_eq!(app.userinfo_with("DPoP", access, Some(&proof)).await.status, 200);

    // A nonce older than two windows (10 minutes) is stale.
    app.clock.advance(601);
    let code = app.sign_in(&CARE_APP, PATIENT).code().await;
    let stale = app
        .token_request_with_proof(
            &CARE_APP,
            &code_form(&code),
            Some(&key.proof_with_nonce("POST", "/token", &nonce)),
        )
        .await;
    assert_eq!(stale.error(), (400, Some("use_dpop_nonce")), "{}", stale.body);
}

#[tokio::test]
async fn client_credentials_with_a_proof_and_a_resource_give_a_bound_api_token() {
    let app = TestApp::spawn().await;
    app.with_lab(json!({})).await;
    let key = app.dpop_key(Alg::ES256);
    let form = [("grant_type", "client_credentials"), ("resource", RECORDS), ("scope", "records.read")];
    let answer = app.token_request_with_proof(&LAB, &form, Some(&key.proof("POST", "/token"))).await;
    assert_eq!(answer.body["token_type"], "DPoP", "{}", answer.body);
    let claims = app.access_claims(text(&answer.body, "access_token"));
    assert_eq!((claims["aud"].as_str(), &claims["cnf"]["jkt"]), (Some(RECORDS), &json!(key.jkt())));
    let seen = app.records_api_sees(text(&answer.body, "access_token")).await;
    assert_eq!((seen["active"].as_bool(), seen["token_type"].as_str()), (Some(true), Some("DPoP")));
}
