//! careid: an OpenID Connect provider for digital health.
//!
//! [`build`] turns a [`Config`] into running services and a router; `main` and
//! the integration tests both start careid through it.

pub mod account;
pub mod admin;
pub mod apis;
pub mod app;
pub mod audit;
pub mod brand;
pub mod clients;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod ephemeral;
pub mod factors;
pub mod i18n;
pub mod limits;
pub mod login;
pub mod notify;
pub mod oidc;
pub mod onboarding;
pub mod openapi;
pub mod outbound;
pub mod people;
pub mod secret;
pub mod serde_lists;
pub mod store;
pub mod telemetry;
pub mod web;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::clients::registry::RegistryError;
use crate::clients::secret::SecretHasher;
use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::{KeyMaterial, Keyring, KeyringError, Sealer};
use crate::ephemeral::Ephemeral;
use crate::onboarding::deployments::DeploymentError;
use crate::people::password::PasswordHasherPool;
use crate::store::Store;

/// Everything a request handler may need; cheap to clone.
pub type AppState = Arc<Services>;

pub struct Services {
    pub config: Config,
    pub passwords: PasswordHasherPool,
    pub secrets: SecretHasher,
    /// Outbound HTTP (back-channel logout, SMS providers).
    pub http: outbound::Http,
    pub templates: web::templates::Templates,
    pub email_templates: notify::email::EmailTemplates,
    /// Text messages (one-time codes).
    pub sms: factors::sms::Delivery,
    /// The WebAuthn relying party; `None` when the issuer's host is an IP address.
    pub passkeys: Option<factors::passkeys::Passkeys>,
    /// Seals email bodies in the outbox (they carry single-use links).
    pub outbox_seal: notify::outbox_seal::OutboxSeal,
    /// Wakes the email sender when a message is queued.
    pub mail_wakeup: Arc<tokio::sync::Notify>,
    pub store: Store,
    pub ephemeral: Ephemeral,
    pub keyring: Keyring,
    pub clock: Clock,
    pub metrics: PrometheusHandle,
    /// Wakes the back-channel logout worker when a delivery is queued, so it
    /// goes out at once instead of at the next poll.
    pub backchannel_wake: tokio::sync::Notify,
    /// The web origins of browser apps, for CORS.
    pub browser_origins: oidc::cors::BrowserOrigins,
    /// Clients and APIs read on the hot paths, reused for `client_cache_secs`.
    pub clients: store::read_cache::ReadCache<clients::Client>,
    pub apis: store::read_cache::ReadCache<apis::Api>,
    /// DPoP nonces every node issues and accepts alike.
    pub dpop_nonces: oidc::dpop::Nonces,
    /// Discovery and the JWK Set, rendered once per key-set change.
    pub published_discovery: web::published::Published<Vec<crypto::Alg>>,
    pub published_jwks: web::published::Published<u64>,
    /// Seals the audit trail's hash chain (`audit::chain`).
    pub audit_chain: audit::chain::ChainKey,
}

/// Start-up choices that are not configuration: tests inject a clock and a
/// pre-generated key set (RSA generation is slow and every test has a fresh store).
#[derive(Default)]
pub struct Options {
    pub clock: Clock,
    pub initial_keys: Option<Vec<KeyMaterial>>,
}

/// Why careid could not start; each says what to fix in one line.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Keys(#[from] KeyringError),
}

impl Services {
    /// Client `id` through this node's cache (`store::read_cache`): for the
    /// hot paths; what changes a client reads the store.
    pub async fn client(&self, id: &str) -> Result<Option<clients::Client>, store::StoreError> {
        self.clients.get(self.clock.now(), id, self.store.client(id)).await
    }

    /// API `id` through this node's cache, as [`Services::client`].
    pub async fn api(&self, id: &str) -> Result<Option<apis::Api>, store::StoreError> {
        self.apis.get(self.clock.now(), id, self.store.api(id)).await
    }
}

impl StartupError {
    /// 2 for what the operator must fix in configuration or keys, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            StartupError::Config(_) | StartupError::Keys(KeyringError::WrongKek) => 2,
            _ => 1,
        }
    }
}

/// Connects both stores, migrates, and opens the keyring.
pub async fn open_services(config: Config, options: Options) -> Result<Services, StartupError> {
    let kek = crypto::seal::load_kek(config.key_encryption_key.as_ref(), &config.keys_dir)
        .map_err(StartupError::Config)?;
    let store = Store::connect(config.database_url.as_deref(), &config.data_dir)
        .await
        .map_err(StartupError::Unavailable)?;
    store.migrate().await.map_err(|e| StartupError::Unavailable(e.to_string()))?;
    let ephemeral =
        Ephemeral::connect(config.redis_url.as_deref(), config.redis_cluster, &config.redis_prefix)
            .await
            .map_err(StartupError::Unavailable)?;
    let secrets = SecretHasher::from_kek(&kek);
    let outbox_seal = notify::outbox_seal::OutboxSeal::from_kek(&kek);
    let dpop_nonces = oidc::dpop::Nonces::from_kek(&kek);
    let audit_chain = audit::chain::ChainKey::from_kek(&kek);
    let passwords = PasswordHasherPool::new(&config.passwords).map_err(StartupError::Config)?;
    let issuer = config.issuer_str();
    apis::registry::sync_declared(&store, &secrets, &config.apis, issuer, options.clock.now())
        .await
        .map_err(|e| match e {
            RegistryError::Invalid(msg) => StartupError::Config(format!("apis: {msg}")),
            RegistryError::Store(e) => StartupError::Unavailable(e.to_string()),
        })?;
    // Deployments first: declared clients may serve them.
    onboarding::deployments::sync_declared(&store, &config.deployments, options.clock.now()).await.map_err(
        |e| match e {
            DeploymentError::Invalid(msg) => StartupError::Config(format!("deployments: {msg}")),
            other => StartupError::Unavailable(other.to_string()),
        },
    )?;
    let (declared, allowed) = (&config.clients, &config.outbound_allowed_networks);
    clients::registry::sync_declared(&store, &secrets, declared, allowed, options.clock.now())
        .await
        .map_err(|e| match e {
            RegistryError::Invalid(msg) => StartupError::Config(format!("clients: {msg}")),
            RegistryError::Store(e) => StartupError::Unavailable(e.to_string()),
        })?;
    onboarding::deployments::check_declared_clients(&store, &config.deployments).await.map_err(
        |e| match e {
            DeploymentError::Invalid(msg) => StartupError::Config(format!("deployments: {msg}")),
            other => StartupError::Unavailable(other.to_string()),
        },
    )?;
    account::register_account_client(&store, &secrets, config.url("/account/callback"), options.clock.now())
        .await
        .map_err(|e| StartupError::Unavailable(format!("account client: {e}")))?;
    let http = outbound::Http::with_cas(
        config.outbound_ca_file.as_deref(),
        config.outbound_allowed_networks.clone(),
    )?;
    let keyring = Keyring::open(
        store.clone(),
        Sealer::new(&kek),
        options.clock.clone(),
        config.keys.clone(),
        options.initial_keys.as_deref(),
    )
    .await?;
    let sms = factors::sms::Delivery::from_config(&config.sms, &config.data_dir);
    let overrides = config.templates_dir.as_deref();
    let templates = web::templates::Templates::with_overrides(overrides).map_err(StartupError::Config)?;
    let email_templates = notify::email::EmailTemplates::with_overrides(overrides.map(|d| d.join("email")))
        .map_err(StartupError::Config)?;
    let passkeys = match config.passkeys.relying_party(&config.issuer).map_err(StartupError::Config)? {
        Some(rp) => Some(factors::passkeys::Passkeys::new(&rp).map_err(StartupError::Config)?),
        None => {
            tracing::warn!(
                "passkeys are off: the issuer's host is an IP address and passkeys.rp_id is unset"
            );
            None
        }
    };
    let clients = store::read_cache::ReadCache::new(config.client_cache_secs);
    let apis = store::read_cache::ReadCache::new(config.client_cache_secs);
    Ok(Services {
        config,
        sms,
        passkeys,
        passwords,
        secrets,
        http,
        templates,
        email_templates,
        outbox_seal,
        mail_wakeup: Arc::new(tokio::sync::Notify::new()),
        store,
        ephemeral,
        keyring,
        clock: options.clock,
        metrics: telemetry::metrics_handle(),
        backchannel_wake: tokio::sync::Notify::new(),
        browser_origins: oidc::cors::BrowserOrigins::default(),
        clients,
        apis,
        dpop_nonces,
        published_discovery: Default::default(),
        published_jwks: Default::default(),
        audit_chain,
    })
}

/// A started careid: its state, its router and its background work.
pub struct Careid {
    pub state: AppState,
    background: Vec<JoinHandle<()>>,
}

pub async fn build(config: Config, options: Options) -> Result<Careid, StartupError> {
    let transport = notify::smtp::Transport::from_config(&config).map_err(StartupError::Config)?;
    let state: AppState = Arc::new(open_services(config, options).await?);
    let background = vec![
        tokio::spawn(housekeeping(state.clone())),
        tokio::spawn(oidc::backchannel::delivery::deliver_forever(state.clone())),
        tokio::spawn(notify::outbox_sender::run(state.clone(), transport)),
        tokio::spawn(onboarding::verification::remind_periodically(state.clone())),
        tokio::spawn(audit::chain::seal_forever(state.clone())),
    ];
    Ok(Careid { state, background })
}

impl Careid {
    pub fn router(&self) -> Router {
        app::router(self.state.clone())
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let limits = self.state.config.http.clone();
        let result = web::listener::serve(listener, self.router(), &limits, shutdown).await;
        self.state.store.close().await;
        result
    }
}

impl Drop for Careid {
    fn drop(&mut self) {
        for task in &self.background {
            task.abort();
        }
    }
}

/// Picks up keys rotated by another node or the CLI, and drops expired keys
/// and grants.
async fn housekeeping(state: AppState) {
    let period = Duration::from_secs(state.config.keys.reload_secs.max(1));
    let mut tick = tokio::time::interval(period);
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Err(e) = state.keyring.purge_expired().await {
            tracing::warn!(error = %e, "purging expired signing keys failed");
        }
        if let Err(e) = state.keyring.reload().await {
            tracing::warn!(error = %e, "reloading signing keys failed");
        }
        if let Err(e) = state.store.purge_expired_grants(state.clock.now()).await {
            tracing::warn!(error = %e, "purging expired grants failed");
        }
    }
}
