//! The platform's APIs (resource servers) and their side of the journeys: the
//! Records and Messages APIs registered in careid, the Lab (a confidential
//! client acting for itself), token requests that name a resource, an API's
//! own introspection, and the reference API (`examples/resource_server.rs`)
//! running in-process as the real consumer of careid's tokens.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use careid::apis::ApiSpec;
use careid::apis::registry::{self, SecretChange};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::kit::app::TestApp;
use crate::kit::oauth::{Client, text};
use crate::kit::reference_api::{ResourceServer, Settings, router};

/// The patient-records API: `records.read`, `records.write`; introspects with a secret.
pub const RECORDS: &str = "https://api.example/records";
pub const RECORDS_SECRET: &str = "records-api-secret-0123456789-abcdefgh";
/// The messaging API: `messages.send`; no introspection credentials.
pub const MESSAGES: &str = "https://api.example/messages";

pub const LAB_SECRET: &str = "lab-secret-0123456789-abcdefghijklmnop";
/// A confidential client with client_credentials, allowed the scopes of both APIs.
pub const LAB: Client = Client::confidential("lab", "https://lab.example/cb", LAB_SECRET);

impl TestApp {
    /// Registers an API from a JSON `ApiSpec` (creating or replacing it).
    pub async fn add_api(&self, spec: Value) -> careid::apis::Api {
        let spec: ApiSpec = serde_json::from_value(spec).expect("API spec");
        let issuer = self.state.config.issuer_str();
        registry::save(
            &self.state.store,
            &self.state.secrets,
            spec,
            SecretChange::Keep,
            issuer,
            self.clock.now(),
        )
        .await
        .expect("API registers")
    }

    /// The Records API (with a secret) and the Messages API.
    pub async fn add_records_and_messages(&self) {
        self.add_api(json!({
            "id": RECORDS, "name": "Records API", "scopes": ["records.read", "records.write"],
            "scope_descriptions": {"records.read": "Read your health records"}, "secret": RECORDS_SECRET
        }))
        .await;
        self.add_api(json!({"id": MESSAGES, "name": "Messages API", "scopes": ["messages.send"]})).await;
    }

    /// Both APIs and the Lab, with `extra` replacing or adding to the Lab's spec.
    pub async fn with_lab(&self, extra: Value) {
        self.add_records_and_messages().await;
        let mut spec = json!({
            "id": LAB.id, "name": "Lab", "secret": LAB_SECRET, "grant_types": ["client_credentials"],
            "allowed_scopes": ["careid:invite", "records.read", "records.write", "messages.send"]
        });
        spec.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        self.add_client(spec).await;
    }

    /// careid with both APIs, the Lab, one clinician, and the Portal allowed
    /// the APIs' scopes beside careid's, with `extra` added to its spec.
    pub async fn with_apis_and_portal(extra: Value) -> TestApp {
        let app = TestApp::spawn().await;
        app.with_lab(json!({})).await;
        let mut portal = json!({"allowed_scopes": [
            "openid", "profile", "email", "offline_access", "careid:invite",
            "records.read", "records.write", "messages.send"
        ]});
        portal.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        app.add_portal(portal).await;
        app.add_clinician(crate::kit::people::CLINICIAN).await;
        app
    }

    /// A client_credentials request of `client` with `form` added: status and answer.
    pub async fn client_token(&self, client: &Client, form: &[(&str, &str)]) -> (u16, Value) {
        let mut all = vec![("grant_type", "client_credentials")];
        all.extend_from_slice(form);
        self.token_request_as(client, &all).await
    }

    /// A client_credentials access token of `client` for `resource` and `scope`.
    pub async fn api_token(&self, client: &Client, resource: &str, scope: &str) -> String {
        let (status, body) = self.client_token(client, &[("resource", resource), ("scope", scope)]).await;
        assert_eq!(status, 200, "{body}");
        text(&body, "access_token").to_string()
    }

    /// `/introspect` as an API with its secret (HTTP Basic, both halves
    /// form-urlencoded per RFC 6749 §2.3.1), asking for `accept` if given.
    pub async fn introspect_as_api(
        &self,
        api: &str,
        secret: &str,
        token: &str,
        accept: Option<&str>,
    ) -> reqwest::Response {
        let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let mut request = self
            .client
            .post(self.url("/introspect"))
            .basic_auth(encode(api), Some(encode(secret)))
            .form(&[("token", token)]);
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        request.send().await.unwrap()
    }

    /// The Records API's introspection answer about `token` (JSON), which must be a 200.
    pub async fn records_api_sees(&self, token: &str) -> Value {
        let response = self.introspect_as_api(RECORDS, RECORDS_SECRET, token, None).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// The reference API for `audience`, checking tokens offline only, on a port of its own.
    pub async fn reference_api(&self, audience: &str) -> ReferenceApi {
        self.reference_api_with(audience, |_| {}).await
    }

    /// As `reference_api`, with its settings changed by `adjust`.
    pub async fn reference_api_with(
        &self,
        audience: &str,
        adjust: impl FnOnce(&mut Settings),
    ) -> ReferenceApi {
        let offset = Arc::new(AtomicI64::new(0));
        let mut settings = Settings::new(&self.base, audience);
        let clock = offset.clone();
        let system = careid::clock::Clock::system();
        settings.now = Arc::new(move || system.now() + clock.load(Ordering::Relaxed));
        settings.refetch_after = Duration::ZERO;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        settings.url = base.clone();
        adjust(&mut settings);
        let (tx, rx) = oneshot::channel::<()>();
        let app = router(ResourceServer::new(settings));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).with_graceful_shutdown(async move { drop(rx.await) }).await;
        });
        ReferenceApi { base, offset, http: reqwest::Client::new(), _shutdown: tx }
    }
}

/// The reference API running for one test; stops when dropped.
pub struct ReferenceApi {
    base: String,
    /// Seconds added to the API's clock.
    offset: Arc<AtomicI64>,
    http: reqwest::Client,
    _shutdown: oneshot::Sender<()>,
}

/// An answer of the reference API: status, `WWW-Authenticate`, JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub challenge: String,
    pub body: Value,
}

impl ReferenceApi {
    /// Moves the API's clock forward.
    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::Relaxed);
    }

    /// The URL of the API's records route, as DPoP proofs name it.
    pub fn records_url(&self) -> String {
        format!("{}/records", self.base)
    }

    /// `method /records` with `authorization` as the header, if any.
    pub async fn call(&self, method: reqwest::Method, authorization: Option<&str>) -> Answer {
        self.call_with_proof(method, authorization, None).await
    }

    /// `method /records` with `authorization` and a DPoP `proof`, if any.
    pub async fn call_with_proof(
        &self,
        method: reqwest::Method,
        authorization: Option<&str>,
        proof: Option<&str>,
    ) -> Answer {
        let mut request = self.http.request(method, self.records_url());
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        if let Some(proof) = proof {
            request = request.header("dpop", proof);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        Answer { status, challenge, body: response.json().await.unwrap_or(Value::Null) }
    }

    /// `GET /records` (needs `records.read`) with `token` as a bearer token.
    pub async fn read(&self, token: &str) -> Answer {
        self.call(reqwest::Method::GET, Some(&format!("Bearer {token}"))).await
    }

    /// `POST /records` (needs `records.write`) with `token` as a bearer token.
    pub async fn write(&self, token: &str) -> Answer {
        self.call(reqwest::Method::POST, Some(&format!("Bearer {token}"))).await
    }
}
