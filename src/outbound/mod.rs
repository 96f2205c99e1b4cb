//! Outbound HTTP: the one client careid calls other servers with (back-channel
//! logout, SMS providers), which never reaches an internal address unless the
//! operator allowed its network (`outbound_allowed_networks`).
//!
//! Names are checked by the client's resolver at every connection; IP literals
//! never reach a resolver, so [`Request::send`] checks them first. Redirects
//! stay off: a redirect to an IP literal would skip that check.

pub mod addresses;
mod resolver;

use std::error::Error as _;
use std::fmt::Display;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use reqwest::{Body, IntoUrl, RequestBuilder, Response};
use serde::Serialize;

use addresses::check_ip_literal;
pub use addresses::{Refused, check_url};

use crate::StartupError;

/// Why an outbound request did not get an answer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Refused(#[from] Refused),
    /// The transport's error with its causes, without the URL (it may carry
    /// an account id).
    #[error("{0}")]
    Failed(String),
}

/// careid's outbound HTTP client; cheap to clone.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    allowed: Arc<Vec<IpNet>>,
}

impl Http {
    /// The client that also trusts the CA certificates in `ca_file` and may
    /// reach internal addresses only in `allowed`.
    pub fn with_cas(ca_file: Option<&std::path::Path>, allowed: Vec<IpNet>) -> Result<Http, StartupError> {
        let mut builder = reqwest::Client::builder();
        if let Some(path) = ca_file {
            for cert in extra_cas(path).map_err(StartupError::Config)? {
                builder = builder.add_root_certificate(cert);
            }
        }
        Http::build(builder, allowed).map_err(StartupError::Unavailable)
    }

    /// A client with the public web PKI that may reach internal addresses only in `allowed`.
    pub fn new(allowed: Vec<IpNet>) -> Result<Http, String> {
        Http::build(reqwest::Client::builder(), allowed)
    }

    fn build(builder: reqwest::ClientBuilder, allowed: Vec<IpNet>) -> Result<Http, String> {
        let allowed = Arc::new(allowed);
        let client = builder
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("careid/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(resolver::CheckingResolver { allowed: allowed.clone() }))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Http { client, allowed })
    }

    pub fn post(&self, url: impl IntoUrl) -> Request {
        Request { builder: self.client.post(url), allowed: self.allowed.clone() }
    }
}

/// A request being built; only [`Request::send`] sends it, after the checks.
pub struct Request {
    builder: RequestBuilder,
    allowed: Arc<Vec<IpNet>>,
}

impl Request {
    pub fn basic_auth(self, username: impl Display, password: Option<impl Display>) -> Request {
        Request { builder: self.builder.basic_auth(username, password), ..self }
    }

    pub fn header(self, name: &'static str, value: impl AsRef<str>) -> Request {
        Request { builder: self.builder.header(name, value.as_ref()), ..self }
    }

    pub fn form<T: Serialize + ?Sized>(self, form: &T) -> Request {
        Request { builder: self.builder.form(form), ..self }
    }

    pub fn body(self, body: impl Into<Body>) -> Request {
        Request { builder: self.builder.body(body), ..self }
    }

    pub fn timeout(self, timeout: Duration) -> Request {
        Request { builder: self.builder.timeout(timeout), ..self }
    }

    pub async fn send(self) -> Result<Response, Error> {
        let (client, request) = self.builder.build_split();
        let request = request.map_err(|e| Error::Failed(describe(e)))?;
        check_ip_literal(request.url(), &self.allowed)?;
        client.execute(request).await.map_err(|e| Error::Failed(describe(e)))
    }
}

/// The error with its causes (reqwest's own message alone says little).
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// The certificates of `outbound_ca_file`; at least one, or a configuration error.
fn extra_cas(path: &Path) -> Result<Vec<reqwest::Certificate>, String> {
    let pem = std::fs::read(path).map_err(|e| format!("outbound_ca_file {}: {e}", path.display()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("outbound_ca_file {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("outbound_ca_file {}: no PEM certificate in it", path.display()));
    }
    Ok(certs)
}
