//! The test kit: a real careid on an ephemeral port with fresh stores per test.
//!
//! Embedded tier by default (temp SQLite file, in-process ephemeral store);
//! `CAREID_TEST_DATABASE_URL` gives each test a fresh PostgreSQL schema and
//! `CAREID_TEST_REDIS_URL` a fresh Redis key prefix.

use std::net::SocketAddr;
use std::sync::OnceLock;

use careid::accounts::{Email, NewUser, Role, User};
use careid::clients::{Client, ClientSpec};
use careid::clock::Clock;
use careid::config::Config;
use careid::crypto::KeyMaterial;
use careid::crypto::keyring::generate_key_set;
use careid::store::OutgoingEmail;
use careid::{AppState, Options};
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub state: AppState,
    pub clock: Clock,
    pub client: reqwest::Client,
    /// Holds the test's data and keys until the app is dropped.
    _dir: TempDir,
    shutdown: Option<oneshot::Sender<()>>,
}

/// RSA key generation is slow; every test store starts from this one set.
pub fn shared_keys() -> Vec<KeyMaterial> {
    static KEYS: OnceLock<Vec<KeyMaterial>> = OnceLock::new();
    KEYS.get_or_init(generate_key_set).clone()
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A database URL for one test: a fresh PostgreSQL schema when the PostgreSQL
/// tier is under test, otherwise `None` (SQLite under the test's data dir).
pub async fn fresh_database_url() -> Option<String> {
    let base = env("CAREID_TEST_DATABASE_URL")?;
    let schema = format!("careid_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("CAREID_TEST_DATABASE_URL {base} is unreachable: {e}"));
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut conn).await.expect("create schema");
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{separator}options=-c%20search_path%3D{schema}"))
}

/// Configuration for one test under `dir`, on the tier chosen by the environment.
pub async fn test_config(dir: &std::path::Path) -> Config {
    let mut config = Config {
        data_dir: dir.join("data"),
        keys_dir: dir.join("keys"),
        database_url: fresh_database_url().await,
        ..Config::default()
    };
    // Journeys about other things sign clinicians in with a password alone;
    // the SMS tests turn the role rule back on.
    config.mfa.required_roles = Vec::new();
    if let Some(url) = env("CAREID_TEST_REDIS_URL") {
        config.redis_url = Some(url);
        config.redis_prefix = format!("careid-test:{}:", uuid::Uuid::new_v4().simple());
    }
    config
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// Starts careid with the test configuration changed by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let mut config = test_config(dir.path()).await;
        config.issuer = format!("http://localhost:{}", addr.port()).parse().unwrap();
        config.listen = addr;
        adjust(&mut config);
        let clock = Clock::system();
        let options = Options { clock: clock.clone(), initial_keys: Some(shared_keys()) };
        let careid = careid::build(config, options).await.expect("careid starts");
        let state = careid.state.clone();
        let (tx, rx) = oneshot::channel();
        tokio::spawn(careid.serve(listener, async move {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        TestApp {
            base: format!("http://localhost:{}", addr.port()),
            addr,
            state,
            clock,
            client,
            _dir: dir,
            shutdown: Some(tx),
        }
    }

    /// Creates an active user with a verified email.
    pub async fn add_user(&self, email: &str, password: &str, role: Role) -> User {
        let hash = self.state.passwords.hash(password).await;
        let new = NewUser {
            email: Email::parse(email).expect("test email"),
            name: format!("Test {role}"),
            given_name: Some("Test".into()),
            family_name: Some(role.to_string()),
            role,
            deployment_id: "default".into(),
            password_hash: Some(hash),
            email_verified: true,
        };
        self.state.store.insert_user(&new, self.clock.now()).await.unwrap().expect("new email")
    }

    /// Registers a client from a JSON `ClientSpec`; returns it.
    pub async fn add_client(&self, spec: serde_json::Value) -> Client {
        let spec: ClientSpec = serde_json::from_value(spec).expect("client spec");
        let now = self.clock.now();
        careid::clients::registry::save(&self.state.store, &self.state.secrets, spec, false, now)
            .await
            .expect("client registers")
            .0
    }

    /// Every queued email, newest first.
    pub async fn emails(&self) -> Vec<OutgoingEmail> {
        self.state.store.recent_emails(100).await.unwrap()
    }

    /// The text of every "Your sign-in settings changed" email queued for `to`, newest first.
    pub async fn sign_in_changes(&self, to: &str) -> Vec<String> {
        let emails = self.emails().await.into_iter();
        emails
            .filter(|e| e.recipient == to && e.subject == "Your sign-in settings changed")
            .map(|e| e.text_body)
            .collect()
    }

    /// Waits (up to 10 s) until at least `n` emails are queued; newest first.
    pub async fn wait_for_emails(&self, n: usize) -> Vec<OutgoingEmail> {
        for _ in 0..200 {
            let emails = self.emails().await;
            if emails.len() >= n {
                return emails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("expected {n} queued emails, found {}", self.emails().await.len());
    }

    /// The path of the first careid link in `email`'s text, checking it starts with the issuer.
    pub fn link_in(&self, email: &OutgoingEmail) -> String {
        let link = email
            .text_body
            .split_whitespace()
            .find(|w| w.starts_with("http"))
            .unwrap_or_else(|| panic!("no link in {}", email.text_body));
        link.strip_prefix(&self.base)
            .unwrap_or_else(|| panic!("{link} is not under {}", self.base))
            .to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON body")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
