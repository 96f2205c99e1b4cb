//! `outbound_ca_file`: careid's outbound HTTPS (SMS providers, back-channel
//! logout) trusts a private CA when, and only when, it is configured.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::post;
use careid::factors::phone::PhoneNumber;
use careid::factors::sms::ProviderConfig;
use careid::secret::Secret;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::kit::TestApp;

/// A private CA and a certificate it signed for `localhost`: (CA PEM, cert PEM, key PEM).
fn private_ca() -> (String, String, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca_cert, &ca_key)
        .unwrap();
    (ca_cert.pem(), cert.pem(), key.serialize_pem())
}

/// TLS in front of a TCP listener; failed handshakes are dropped.
struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else { continue };
            if let Ok(tls) = self.acceptor.accept(tcp).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A Twilio-shaped provider over HTTPS with a certificate from the private CA.
async fn https_twilio(cert_pem: &str, key_pem: &str) -> url::Url {
    use rustls::pki_types::pem::PemObject;
    let certs = rustls::pki_types::CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = tcp.local_addr().unwrap().port();
    let listener = TlsListener { tcp, acceptor: TlsAcceptor::from(Arc::new(config)) };
    let app = Router::new().route(
        "/2010-04-01/Accounts/AC123/Messages.json",
        post(|| async { (axum::http::StatusCode::CREATED, axum::Json(serde_json::json!({"sid": "SM1"}))) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("https://localhost:{port}").parse().unwrap()
}

async fn careid_sending_to(base: url::Url, ca_file: Option<std::path::PathBuf>) -> TestApp {
    TestApp::spawn_with(|c| {
        c.outbound_ca_file = ca_file;
        c.sms.provider = Some(ProviderConfig::Twilio {
            account_sid: "AC123".into(),
            auth_token: Secret::new("tok3n"),
            from: "+15005550006".into(),
            base_url: base,
        });
    })
    .await
}

#[tokio::test]
async fn a_provider_certified_by_the_configured_private_ca_is_trusted_and_otherwise_not() {
    let (ca_pem, cert_pem, key_pem) = private_ca();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca_pem).unwrap();
    let base = https_twilio(&cert_pem, &key_pem).await;
    let phone = PhoneNumber::parse("+447400123456").unwrap();

    let trusting = careid_sending_to(base.clone(), Some(ca_file)).await;
    let sent = trusting.state.sms.send(&trusting.state.http, &phone, "hello", 0).await;
    assert!(sent.is_ok(), "{sent:?}");

    let default = careid_sending_to(base, None).await;
    let refused = default.state.sms.send(&default.state.http, &phone, "hello", 0).await;
    assert!(refused.is_err(), "an unknown CA must not be trusted");
}
