//! Typed configuration: defaults, `careid.toml`, `CAREID_*` environment overrides, validation.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

use crate::accounts::password::PasswordConfig;
use crate::clients::ClientSpec;
use crate::factors::passkeys::PasskeyConfig;
use crate::factors::sms::SmsConfig;
use crate::onboarding::deployments::DeploymentSpec;
use crate::secret::Secret;

/// Environment variables with the prefix that are not configuration keys.
const NON_CONFIG_ENV: &[&str] = &["config"];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The issuer identifier; every link careid builds starts with it.
    pub issuer: Url,
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; unset means SQLite at `data_dir/careid.db`.
    pub database_url: Option<String>,
    /// `redis://…` for Redis; unset means the in-process ephemeral store.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key, so several deployments can share one Redis.
    pub redis_prefix: String,
    /// Base64 of 32 bytes; unset means `keys/kek`, created on first start.
    #[serde(skip_serializing)]
    pub key_encryption_key: Option<Secret>,
    /// Where `keys/kek` lives when `key_encryption_key` is unset.
    pub keys_dir: PathBuf,
    pub log_format: LogFormat,
    /// Peers whose `X-Forwarded-For` is believed (addresses or CIDR ranges).
    #[serde(deserialize_with = "list_or_comma_string")]
    pub trusted_proxies: Vec<IpNet>,
    /// A PEM file of extra CA certificates careid's outbound HTTP (back-channel
    /// logout) trusts besides the public web PKI, e.g. a private CA.
    pub outbound_ca_file: Option<PathBuf>,
    pub keys: KeysConfig,
    pub passwords: PasswordConfig,
    pub session: SessionConfig,
    pub login: LoginConfig,
    pub backchannel: BackchannelConfig,
    pub smtp: SmtpConfig,
    pub onboarding: OnboardingConfig,
    pub sms: SmsConfig,
    pub mfa: MfaConfig,
    /// The WebAuthn relying party and the native apps that share its passkeys.
    pub passkeys: PasskeyConfig,
    /// Clients declared here are created or updated at every start.
    pub clients: Vec<ClientSpec>,
    /// Deployments declared here are created or updated at every start.
    pub deployments: Vec<DeploymentSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionConfig {
    /// A browser session ends this long after sign-in, however active.
    pub lifetime_secs: i64,
    /// A browser session ends after this long without use.
    pub idle_secs: i64,
    /// How long a person has to finish signing in once an app sent them.
    pub login_transaction_secs: i64,
    /// Authorization codes live this long (RFC 6749 recommends at most 10 minutes).
    pub code_secs: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginConfig {
    /// Failed passwords in a row that lock an account for `lock_secs`.
    pub max_failures: i64,
    pub lock_secs: i64,
    /// Sign-in attempts one client IP may make per minute.
    pub per_ip_per_minute: u64,
    /// Sign-in attempts one account may receive per minute (from anywhere).
    pub per_account_per_minute: u64,
}

/// Outgoing email. Without `host`, messages are written as `.eml` files under
/// `data_dir/outbox/email/` instead, so a single machine can follow every flow.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: Option<String>,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    #[serde(skip_serializing)]
    pub password: Option<Secret>,
    /// The `From` mailbox, `name <address>` or a bare address.
    pub from: String,
    /// The name given in EHLO; unset means this machine's hostname.
    pub helo: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same host or network (e.g. a test catcher).
    None,
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: None,
            port: 587,
            tls: SmtpTls::Starttls,
            username: None,
            password: None,
            from: "careid <no-reply@localhost>".into(),
            helo: None,
        }
    }
}

/// Email verification and password reset timing and limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnboardingConfig {
    /// A reminder goes out once when less than this remains before the verification deadline.
    pub verification_reminder_secs: i64,
    /// New verification links one account may ask for per hour once blocked.
    pub verification_resends_per_hour: u64,
    /// How long a password reset link works.
    pub reset_link_secs: i64,
    /// Password reset requests per hour for one address (whether or not it has an account).
    pub reset_requests_per_address_per_hour: u64,
    /// Password reset requests per hour from one client IP.
    pub reset_requests_per_ip_per_hour: u64,
}

impl Default for OnboardingConfig {
    fn default() -> Self {
        OnboardingConfig {
            verification_reminder_secs: 6 * 3600,
            verification_resends_per_hour: 3,
            reset_link_secs: 1800,
            reset_requests_per_address_per_hour: 3,
            reset_requests_per_ip_per_hour: 20,
        }
    }
}

/// Who must sign in with two factors, besides those who chose to and deployments that require it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MfaConfig {
    /// Roles that always need a second factor (clinicians and admins by default).
    pub required_roles: Vec<crate::accounts::Role>,
}

impl Default for MfaConfig {
    fn default() -> Self {
        MfaConfig { required_roles: vec![crate::accounts::Role::Clinician, crate::accounts::Role::Admin] }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            lifetime_secs: 12 * 3600,
            idle_secs: 3600,
            login_transaction_secs: 1800,
            code_secs: 60,
        }
    }
}

impl Default for LoginConfig {
    fn default() -> Self {
        LoginConfig { max_failures: 10, lock_secs: 900, per_ip_per_minute: 30, per_account_per_minute: 10 }
    }
}

/// Delivery of back-channel logout tokens to relying parties.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackchannelConfig {
    /// How often each node looks for deliveries that are due again.
    pub poll_millis: u64,
    /// Attempts before a delivery is given up as failed.
    pub max_attempts: i64,
    /// How long one POST to a relying party may take.
    pub timeout_secs: u64,
}

impl Default for BackchannelConfig {
    fn default() -> Self {
        BackchannelConfig { poll_millis: 1000, max_attempts: 8, timeout_secs: 5 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    /// How long a new key is published in JWKS before it signs, so relying
    /// parties that cache JWKS have seen it first.
    pub publish_before_use_secs: i64,
    /// How long a retired key stays published; at least the longest token lifetime.
    pub retain_retired_secs: i64,
    /// How often each node reloads keys from the durable store.
    pub reload_secs: u64,
    /// `Cache-Control: max-age` of the JWKS response.
    pub jwks_max_age_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            issuer: Url::parse("http://localhost:8080").expect("default issuer is a URL"),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            redis_url: None,
            redis_prefix: "careid:".into(),
            key_encryption_key: None,
            keys_dir: PathBuf::from("keys"),
            log_format: LogFormat::Human,
            trusted_proxies: Vec::new(),
            outbound_ca_file: None,
            keys: KeysConfig::default(),
            passwords: PasswordConfig::default(),
            session: SessionConfig::default(),
            login: LoginConfig::default(),
            backchannel: BackchannelConfig::default(),
            smtp: SmtpConfig::default(),
            onboarding: OnboardingConfig::default(),
            sms: SmsConfig::default(),
            mfa: MfaConfig::default(),
            passkeys: PasskeyConfig::default(),
            clients: Vec::new(),
            deployments: Vec::new(),
        }
    }
}

impl Default for KeysConfig {
    fn default() -> Self {
        KeysConfig {
            publish_before_use_secs: 600,
            retain_retired_secs: 86_400,
            reload_secs: 30,
            jwks_max_age_secs: 300,
        }
    }
}

/// A configuration problem, said in one line that names the key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Defaults, then the file (when given), then `CAREID_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            std::fs::read_to_string(path).map_err(|e| {
                ConfigError(format!("cannot read configuration file {}: {e}", path.display()))
            })?;
            figment = figment.merge(Toml::file_exact(path));
        }
        let env = Env::prefixed("CAREID_").split("__").filter(|key| {
            // Keys arrive as written in the environment (usually upper case).
            let key = key.as_str().to_ascii_lowercase();
            !NON_CONFIG_ENV.contains(&key.as_str()) && !key.starts_with("test_")
        });
        figment = figment.merge(env);
        let config: Config = figment.extract().map_err(describe)?;
        config.validate()
    }

    fn validate(mut self) -> Result<Config, ConfigError> {
        self.issuer = validate_issuer(self.issuer)?;
        if let Some(url) = &self.database_url {
            let scheme = url.split(':').next().unwrap_or_default();
            if !matches!(scheme, "postgres" | "postgresql" | "sqlite") {
                return Err(ConfigError(format!(
                    "database_url: unsupported scheme {scheme:?} (use postgres://… or sqlite:…)"
                )));
            }
        }
        if let Some(url) = &self.redis_url {
            let parsed = Url::parse(url).map_err(|e| ConfigError(format!("redis_url: not a URL: {e}")))?;
            if !matches!(parsed.scheme(), "redis" | "rediss") {
                return Err(ConfigError("redis_url: use redis://… or rediss://…".into()));
            }
        }
        if let Some(kek) = &self.key_encryption_key {
            crate::crypto::seal::decode_kek(kek.expose())
                .map_err(|e| ConfigError(format!("key_encryption_key: {e}")))?;
        }
        let s = &self.session;
        if [s.lifetime_secs, s.idle_secs, s.login_transaction_secs, s.code_secs].iter().any(|v| *v <= 0) {
            return Err(ConfigError("session: durations must be positive".into()));
        }
        if self.session.code_secs > 600 {
            return Err(ConfigError("session.code_secs: at most 600 (RFC 6749 §4.1.2)".into()));
        }
        if self.passwords.memory_kib < 19_456 || self.passwords.iterations < 2 {
            return Err(ConfigError(
                "passwords: argon2id needs at least memory_kib = 19456 and iterations = 2 (OWASP)".into(),
            ));
        }
        let mut ids = std::collections::HashSet::new();
        for spec in &self.deployments {
            spec.clone().validate(0, 0).map_err(|e| ConfigError(format!("deployments: {e}")))?;
            if !ids.insert(spec.id.trim()) {
                return Err(ConfigError(format!("deployments: {:?} is declared twice", spec.id)));
            }
        }
        let b = &self.backchannel;
        if b.poll_millis == 0 || b.max_attempts < 1 || b.timeout_secs == 0 {
            return Err(ConfigError(
                "backchannel: poll_millis, max_attempts and timeout_secs must be positive".into(),
            ));
        }
        if self.keys.publish_before_use_secs < 0 || self.keys.retain_retired_secs < 0 {
            return Err(ConfigError("keys: durations cannot be negative".into()));
        }
        self.smtp
            .from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| ConfigError(format!("smtp.from: {:?} is not a mailbox: {e}", self.smtp.from)))?;
        if self.smtp.host.as_deref().is_some_and(|h| h.trim().is_empty()) {
            return Err(ConfigError("smtp.host: empty (leave it unset for the file outbox)".into()));
        }
        if self.smtp.password.is_some() && self.smtp.username.is_none() {
            return Err(ConfigError("smtp.password: set smtp.username too".into()));
        }
        let sms = &self.sms;
        if sms.max_failures < 1 || sms.lock_secs < 1 {
            return Err(ConfigError("sms: max_failures and lock_secs must be positive".into()));
        }
        self.passkeys.relying_party(&self.issuer).map_err(ConfigError)?;
        let o = &self.onboarding;
        if o.verification_reminder_secs < 0 || o.reset_link_secs <= 0 {
            return Err(ConfigError("onboarding: durations must be positive".into()));
        }
        Ok(self)
    }

    /// Whether the issuer is https, which decides `Secure` cookies and HSTS.
    pub fn is_https(&self) -> bool {
        self.issuer.scheme() == "https"
    }

    /// The issuer as the string used in tokens and discovery (no trailing slash).
    pub fn issuer_str(&self) -> &str {
        self.issuer.as_str().trim_end_matches('/')
    }

    /// An absolute URL under the issuer.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer_str(), path)
    }
}

/// One line naming the key and where its value came from.
fn describe(errors: figment::Error) -> ConfigError {
    let Some(e) = errors.into_iter().next() else {
        return ConfigError("invalid configuration".into());
    };
    let key = e.path.join(".").to_lowercase();
    let kind = e.kind.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
    let source = match e.metadata.as_ref() {
        Some(m) if m.name.contains("environment") && !key.is_empty() => {
            format!(" (environment variable CAREID_{})", key.to_uppercase().replace('.', "__"))
        }
        Some(m) => match &m.source {
            Some(source) => format!(" (in {source})"),
            None => format!(" (in {})", m.name),
        },
        None => String::new(),
    };
    if key.is_empty() {
        ConfigError(format!("{kind}{source}"))
    } else {
        ConfigError(format!("{key}: {kind}{source}"))
    }
}

/// OpenID issuers are https URLs without query or fragment; plain http is
/// accepted only for loopback hosts, for development.
fn validate_issuer(issuer: Url) -> Result<Url, ConfigError> {
    let loopback = match issuer.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match issuer.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(ConfigError(format!(
                "issuer: {issuer} must use https (http is only allowed for localhost)"
            )));
        }
        other => return Err(ConfigError(format!("issuer: unsupported scheme {other:?}"))),
    }
    if issuer.query().is_some() || issuer.fragment().is_some() {
        return Err(ConfigError(format!("issuer: {issuer} must not have a query or fragment")));
    }
    if !issuer.username().is_empty() || issuer.password().is_some() {
        return Err(ConfigError("issuer: must not contain credentials".into()));
    }
    Ok(issuer)
}

/// Accepts `["10.0.0.0/8", "127.0.0.1"]` or `"10.0.0.0/8, 127.0.0.1"` (as an env var gives it).
fn list_or_comma_string<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        List(Vec<String>),
        One(String),
    }
    let items = match Raw::deserialize(d)? {
        Raw::List(items) => items,
        Raw::One(s) => s.split(',').map(str::to_owned).collect(),
    };
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| serde::de::Error::custom(format!("{s:?} is not an IP address or CIDR range")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail wants its own error type
    fn test_and_config_path_variables_are_not_configuration_keys() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CAREID_TEST_DATABASE_URL", "postgres://x/y");
            jail.set_env("CAREID_CONFIG", "elsewhere.toml");
            jail.set_env("CAREID_LISTEN", "127.0.0.1:9999");
            let config = Config::load(None).map_err(|e| e.0)?;
            assert_eq!(config.listen.port(), 9999);
            Ok(())
        });
    }
}
