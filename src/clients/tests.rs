//! Client registration rules.

use super::*;

fn spec() -> ClientSpec {
    ClientSpec {
        id: "portal".into(),
        name: "Clinician Portal".into(),
        public: false,
        secret: None,
        auth_method: None,
        jwks: None,
        redirect_uris: vec!["https://portal.example/cb".into()],
        post_logout_redirect_uris: vec![],
        grant_types: None,
        allowed_scopes: None,
        allowed_roles: vec![],
        deployments: vec![],
        id_token_alg: None,
        first_party: false,
        require_terms: false,
        backchannel_logout_uri: None,
        access_token_ttl: None,
        id_token_ttl: None,
        refresh_token_ttl: None,
        refresh_grace_secs: None,
        min_acr: None,
        default_resource: None,
        allowed_origins: vec![],
        require_pushed_authorization_requests: false,
        require_dpop: None,
        initiate_login_uri: None,
    }
}

#[test]
fn confidential_clients_need_a_secret_and_public_ones_none() {
    assert!(spec().validate(None, 0).unwrap_err().contains("secret is required"));
    let client = spec().validate(Some(vec![1]), 0).unwrap();
    assert_eq!(client.auth_method, AuthMethod::ClientSecretBasic);
    assert_eq!(client.id_token_alg, Alg::RS256);
    let public = ClientSpec { public: true, ..spec() }.validate(None, 0).unwrap();
    assert_eq!(public.auth_method, AuthMethod::None);
    assert!(!public.allows_grant("client_credentials"));
    assert_eq!(public.refresh_grace_secs, 5);
    let bad = ClientSpec { public: true, auth_method: Some(AuthMethod::ClientSecretPost), ..spec() };
    assert!(bad.validate(None, 0).is_err());
}

#[test]
fn unknown_scopes_and_grants_are_refused() {
    let s = ClientSpec { allowed_scopes: Some(vec!["admin".into()]), ..spec() };
    assert!(s.validate(Some(vec![1]), 0).unwrap_err().contains("unknown scope"));
    let s = ClientSpec { grant_types: Some(vec!["password".into()]), ..spec() };
    assert!(s.validate(Some(vec![1]), 0).unwrap_err().contains("unknown grant type"));
}

#[test]
fn a_client_turned_back_into_a_spec_validates_to_itself() {
    let client = spec().validate(Some(vec![1]), 7).unwrap();
    let again = client.to_spec().validate(Some(vec![1]), 7).unwrap();
    assert_eq!(serde_json::to_value(&again).unwrap(), serde_json::to_value(&client).unwrap());
}

#[test]
fn private_key_jwt_needs_keys() {
    let s = ClientSpec { auth_method: Some(AuthMethod::PrivateKeyJwt), ..spec() };
    assert!(s.validate(None, 0).unwrap_err().contains("JWKS"));
}

#[test]
fn api_scopes_and_a_default_resource_need_a_registered_api() {
    let records = "https://api.example/records".to_string();
    let apis = [(records.clone(), vec!["records.read".to_string(), "records.write".to_string()])];
    let wants = |scopes: &[&str], default: Option<&str>| ClientSpec {
        allowed_scopes: Some(scopes.iter().map(|s| s.to_string()).collect()),
        default_resource: default.map(str::to_owned),
        ..spec()
    };
    let err = wants(&["records.read"], None).validate(Some(vec![1]), 0).unwrap_err();
    assert!(err.contains("unknown scope"), "{err}");
    let client =
        wants(&["openid", "records.read"], Some(&records)).validate_with(Some(vec![1]), &apis, 0).unwrap();
    assert_eq!(client.default_resource.as_deref(), Some(records.as_str()));
    let err = wants(&["openid"], Some(&records)).validate_with(Some(vec![1]), &apis, 0).unwrap_err();
    assert!(err.contains("allowed none"), "{err}");
    let err =
        wants(&["records.read"], Some("https://api.example/other")).validate_with(Some(vec![1]), &apis, 0);
    assert!(err.unwrap_err().contains("no API"));
}
