//! The relying parties of the journeys and their side of OAuth: the public
//! Care App and the confidential Clinician Portal (defined here once), the
//! authorization request, and the back-channel calls (token, refresh,
//! introspection, revocation) with their client authentication.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::kit::app::TestApp;

pub const APP_REDIRECT: &str = "com.example.careapp:/oauth/callback";
pub const PORTAL_REDIRECT: &str = "https://portal.example/cb";
pub const PORTAL_SECRET: &str = "portal-secret-0123456789-abcdefghijkl";

/// The `acr` of a sign-in with two factors.
pub const MFA: &str = "urn:careid:acr:mfa";
/// The `acr` of a sign-in with a passkey.
pub const PHISHING_RESISTANT: &str = "urn:careid:acr:phishing-resistant";

/// The PKCE verifier public clients use (RFC 7636 appendix B).
pub const PKCE_VERIFIER: &str = "dBjftJeZ4CVP-mJ0a27yyQt_6cTBpDqv3jA4Ia2yWHT0";

/// A relying party as the tests drive it.
#[derive(Clone, Copy, Debug)]
pub struct Client {
    pub id: &'static str,
    pub redirect_uri: &'static str,
    /// `None` for a public client, which uses PKCE and names itself with `client_id`.
    pub secret: Option<&'static str>,
}

/// The public Care App (auth method none, 5 s refresh grace); patients only.
pub const CARE_APP: Client = Client::public("app", APP_REDIRECT);
/// The confidential Clinician Portal (client_secret_basic); clinicians only.
pub const PORTAL: Client = Client::confidential("portal", PORTAL_REDIRECT, PORTAL_SECRET);

impl Client {
    pub const fn public(id: &'static str, redirect_uri: &'static str) -> Client {
        Client { id, redirect_uri, secret: None }
    }

    pub const fn confidential(id: &'static str, redirect_uri: &'static str, secret: &'static str) -> Client {
        Client { id, redirect_uri, secret: Some(secret) }
    }

    /// The HTTP Basic credentials of a confidential client.
    pub fn basic(&self) -> Option<(&'static str, &'static str)> {
        self.secret.map(|secret| (self.id, secret))
    }
}

/// The S256 challenge of `verifier`.
pub fn pkce_challenge(verifier: &str) -> String {
    careid::crypto::keys::b64(&Sha256::digest(verifier.as_bytes()))
}

/// An authorization request: the client's defaults (code flow, `openid`,
/// PKCE for a public client) and whatever a test sets, removes or adds.
#[derive(Clone, Debug)]
pub struct Authorize {
    base: String,
    params: Vec<(String, String)>,
}

impl Authorize {
    /// Sets `name` to `value`, replacing a value it had.
    pub fn set(mut self, name: &str, value: &str) -> Authorize {
        match self.params.iter_mut().find(|(n, _)| n == name) {
            Some(param) => param.1 = value.to_string(),
            None => self.params.push((name.to_string(), value.to_string())),
        }
        self
    }

    /// Adds `name` = `value` beside any value it has (a repeatable `resource`).
    pub fn add(mut self, name: &str, value: &str) -> Authorize {
        self.params.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets each of `params`.
    pub fn params(self, params: &[(&str, &str)]) -> Authorize {
        params.iter().fold(self, |request, (name, value)| request.set(name, value))
    }

    pub fn remove(mut self, name: &str) -> Authorize {
        self.params.retain(|(n, _)| n != name);
        self
    }

    /// The parameters, as a form would carry them.
    pub fn query(&self) -> Vec<(&str, &str)> {
        self.params.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
    }

    pub fn url(&self) -> String {
        format!("{}/authorize?{}", self.base, urlencoded(&self.query()))
    }
}

pub fn urlencoded(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// An HTTP client for the `openidconnect` crate.
pub fn http() -> openidconnect::reqwest::Client {
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `field` of a JSON body as a string, for forms.
pub fn text<'a>(body: &'a Value, field: &str) -> &'a str {
    body[field].as_str().unwrap_or_else(|| panic!("no {field} in {body}"))
}

impl TestApp {
    /// careid with the Portal and one clinician, `CLINICIAN`.
    pub async fn with_portal() -> TestApp {
        TestApp::with_portal_and(|_| {}).await
    }

    /// As `with_portal`, with the configuration changed by `adjust`.
    pub async fn with_portal_and(adjust: impl FnOnce(&mut careid::config::Config)) -> TestApp {
        let app = TestApp::spawn_with(adjust).await;
        app.add_portal(json!({})).await;
        app.add_clinician(crate::kit::people::CLINICIAN).await;
        app
    }

    /// Registers the Care App. Its journeys here present bearer tokens; the
    /// DPoP tests (tests/api/dpop.rs) register it with DPoP, a public client's default.
    pub async fn add_care_app(&self) {
        self.add_client(json!({
            "id": CARE_APP.id, "name": "Care App", "public": true, "first_party": true,
            "redirect_uris": [APP_REDIRECT], "allowed_roles": ["patient"], "require_dpop": false
        }))
        .await;
    }

    /// Registers the Clinician Portal, with `extra` replacing or adding to its spec.
    pub async fn add_portal(&self, extra: Value) {
        let mut spec = json!({
            "id": PORTAL.id, "name": "Clinician Portal", "secret": PORTAL_SECRET, "first_party": true,
            "redirect_uris": [PORTAL_REDIRECT], "allowed_roles": ["clinician"]
        });
        spec.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        self.add_client(spec).await;
    }

    /// An authorization request of `client`.
    pub fn authorize(&self, client: &Client) -> Authorize {
        let mut params = vec![
            ("response_type", "code".to_string()),
            ("client_id", client.id.to_string()),
            ("redirect_uri", client.redirect_uri.to_string()),
            ("scope", "openid".to_string()),
        ];
        if client.secret.is_none() {
            params.push(("code_challenge", pkce_challenge(PKCE_VERIFIER)));
            params.push(("code_challenge_method", "S256".to_string()));
        }
        let params = params.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
        Authorize { base: self.base.clone(), params }
    }

    /// The URL of `client`'s authorization request with `params` set.
    pub fn authorize_url(&self, client: &Client, params: &[(&str, &str)]) -> String {
        self.authorize(client).params(params).url()
    }

    /// POSTs `form` to `path`, with HTTP Basic client credentials if given.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        basic: Option<(&str, &str)>,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).form(form);
        if let Some((id, secret)) = basic {
            request = request.basic_auth(id, Some(secret));
        }
        request.send().await.unwrap()
    }

    /// A token request: the status and the JSON answer.
    pub async fn token_request(&self, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> (u16, Value) {
        let response = self.post_form("/token", form, basic).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// A token request as `client` makes it: HTTP Basic for a confidential
    /// client, `client_id` in the form for a public one.
    pub async fn token_request_as(&self, client: &Client, form: &[(&str, &str)]) -> (u16, Value) {
        let mut form = form.to_vec();
        if client.secret.is_none() {
            form.push(("client_id", client.id));
        }
        self.token_request(&form, client.basic()).await
    }

    /// Redeems `code` for `client` (with the PKCE verifier if public); the
    /// token response, which must be a 200.
    pub async fn exchange(&self, client: &Client, code: &str) -> Value {
        let mut form =
            vec![("grant_type", "authorization_code"), ("code", code), ("redirect_uri", client.redirect_uri)];
        if client.secret.is_none() {
            form.push(("code_verifier", PKCE_VERIFIER));
        }
        let (status, tokens) = self.token_request_as(client, &form).await;
        assert_eq!(status, 200, "{tokens}");
        tokens
    }

    /// Uses `refresh_token` as `client`; the status and the JSON answer.
    pub async fn refresh(&self, client: &Client, refresh_token: &str) -> (u16, Value) {
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token)];
        self.token_request_as(client, &form).await
    }

    /// Asks careid to revoke: `form` (token, hint …) with the given client credentials.
    pub async fn revoke(&self, form: &[(&str, &str)], basic: Option<(&str, &str)>) -> reqwest::Response {
        self.post_form("/revoke", form, basic).await
    }

    /// Introspects `token` with the given client credentials.
    pub async fn introspect(&self, token: &str, basic: Option<(&str, &str)>) -> (u16, Value) {
        let response = self.post_form("/introspect", &[("token", token)], basic).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// Whether the Portal's introspection calls `token` active.
    pub async fn is_active(&self, token: &str) -> bool {
        let (status, body) = self.introspect(token, PORTAL.basic()).await;
        assert_eq!(status, 200, "{body}");
        body["active"].as_bool().unwrap()
    }

    /// The claims of an access token careid issued (signature checked, expiry not).
    pub fn access_claims(&self, token: &str) -> Value {
        self.state.keyring.verify(token, &self.base, None).unwrap()
    }

    /// The claims of the ID token in a token response (signature checked, expiry not).
    pub fn id_claims(&self, tokens: &Value) -> Value {
        self.state.keyring.verify(text(tokens, "id_token"), &self.base, None).unwrap()
    }
}
