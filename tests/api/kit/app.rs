//! A real careid on an ephemeral port with fresh stores per test.
//!
//! Embedded tier by default (temp SQLite file, in-process ephemeral store);
//! `CAREID_TEST_DATABASE_URL` gives each test a fresh PostgreSQL schema and
//! `CAREID_TEST_REDIS_URL` a fresh Redis key prefix.

use std::net::SocketAddr;
use std::sync::OnceLock;

use careid::clients::{Client, ClientSpec};
use careid::clock::Clock;
use careid::config::Config;
use careid::crypto::KeyMaterial;
use careid::crypto::keyring::generate_key_set;
use careid::onboarding::deployments::{self, DeploymentSpec};
use careid::people::{Email, NewUser, Role, User};
use careid::{AppState, Options};
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub state: AppState,
    pub clock: Clock,
    /// A client with its own cookie jar, for requests outside any browser.
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
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create schema");
    let separator = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{separator}options=-c%20search_path%3D{schema}"))
}

/// Configuration for one test under `dir`, on the tier chosen by the environment.
pub async fn test_config(dir: &std::path::Path) -> Config {
    let mut config = Config {
        data_dir: dir.join("data"),
        keys_dir: dir.join("keys"),
        database_url: fresh_database_url().await.map(Into::into),
        ..Config::default()
    };
    // Journeys about other things sign clinicians in with a password alone;
    // `TestApp::two_step` turns the role rule back on.
    config.mfa.required_roles = Vec::new();
    // Tests change clients from the command line (another process) and use
    // them at once; tests/api/client_cache.rs turns the cache back on.
    config.client_cache_secs = 0;
    // A test's careid shares the test's one thread, and the kit runs the
    // command line blocking that thread: a background sealing transaction
    // caught open there would hold SQLite's write lock against the command.
    // Tests seal when they mean to (`audit::chain::seal_pending`, `careid
    // audit verify`).
    config.audit.seal_every_ms = 0;
    // The fake relying parties and SMS providers listen on loopback.
    config.outbound_allowed_networks = vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
    if let Some(url) = env("CAREID_TEST_REDIS_URL") {
        config.redis_url = Some(url.into());
        // The seed nodes of a Redis Cluster (`.ci/run` starts a three-master one).
        config.redis_cluster = env("CAREID_TEST_REDIS_CLUSTER").is_some();
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
        TestApp::start(config, listener, dir).await
    }

    /// Another careid node on this one's stores (the same issuer, database,
    /// Redis and keys), for journeys across nodes; `None` on the embedded
    /// tier, whose ephemeral store lives in one process.
    pub async fn another_node(&self) -> Option<TestApp> {
        self.state.config.database_url.as_ref()?;
        self.state.config.redis_url.as_ref()?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let config =
            Config { listen: listener.local_addr().expect("local addr"), ..self.state.config.clone() };
        Some(TestApp::start(config, listener, tempfile::tempdir().expect("temp dir")).await)
    }

    async fn start(config: Config, listener: tokio::net::TcpListener, dir: TempDir) -> TestApp {
        let addr = config.listen;
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
        self.add_user_in(email, password, role, "default").await
    }

    /// Creates an active user with a verified email, member of `deployment`.
    pub async fn add_user_in(&self, email: &str, password: &str, role: Role, deployment: &str) -> User {
        let hash = self.state.passwords.hash(password).await;
        let new = NewUser {
            email: Email::parse(email).expect("test email"),
            name: format!("Test {role}"),
            given_name: Some("Test".into()),
            family_name: Some(role.to_string()),
            role,
            deployment_id: deployment.into(),
            password_hash: Some(hash),
            email_verified: true,
        };
        self.state.store.insert_user(&new, self.clock.now()).await.unwrap().expect("new email")
    }

    /// The account of `email`, as stored now.
    pub async fn user(&self, email: &str) -> User {
        self.state.store.user_by_email(email).await.unwrap().unwrap_or_else(|| panic!("no account {email}"))
    }

    /// Whether an account of `email` exists.
    pub async fn has_account(&self, email: &str) -> bool {
        self.state.store.user_by_email(email).await.unwrap().is_some()
    }

    /// Registers a client from a JSON `ClientSpec`; returns it.
    pub async fn add_client(&self, spec: Value) -> Client {
        let spec: ClientSpec = serde_json::from_value(spec).expect("client spec");
        let now = self.clock.now();
        let allowed = &self.state.config.outbound_allowed_networks;
        careid::clients::registry::save(&self.state.store, &self.state.secrets, spec, false, allowed, now)
            .await
            .expect("client registers")
            .0
    }

    /// Saves a deployment from a JSON `DeploymentSpec` (creating or replacing it).
    pub async fn save_deployment(&self, spec: Value) {
        let spec: DeploymentSpec = serde_json::from_value(spec).expect("deployment spec");
        deployments::save(&self.state.store, spec, self.clock.now()).await.unwrap();
    }

    /// Creates deployment `id` with the default policy.
    pub async fn add_deployment(&self, id: &str) {
        self.save_deployment(serde_json::json!({ "id": id, "name": format!("Care programme {id}") })).await;
    }

    /// The kinds of every audit event, oldest first.
    pub async fn audit_kinds(&self) -> Vec<String> {
        let mut events = self.state.store.audit_events(None, 500).await.unwrap();
        events.reverse();
        events.into_iter().map(|e| e.kind).collect()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON body")
    }
}

/// A deployment spec from JSON, for configuration (`c.deployments`).
pub fn deployment(spec: Value) -> DeploymentSpec {
    serde_json::from_value(spec).expect("deployment spec")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
