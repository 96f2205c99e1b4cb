//! Typed configuration: defaults, `careid.toml`, `CAREID_*` environment overrides, validation.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

use crate::apis::ApiSpec;
use crate::audit::config::AuditConfig;
use crate::clients::ClientSpec;
use crate::crypto::config::KeysConfig;
use crate::factors::passkeys::PasskeyConfig;
use crate::factors::sms::SmsConfig;
use crate::login::config::{LoginConfig, MfaConfig, SessionConfig};
use crate::notify::config::SmtpConfig;
use crate::oidc::backchannel::config::BackchannelConfig;
use crate::oidc::dpop::config::DpopConfig;
use crate::oidc::par::config::ParConfig;
use crate::onboarding::config::OnboardingConfig;
use crate::onboarding::deployments::DeploymentSpec;
use crate::people::password::PasswordConfig;
use crate::secret::{Secret, SecretUrl};
use crate::telemetry::LogFormat;
use crate::web::http_config::HttpConfig;

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
    pub database_url: Option<SecretUrl>,
    /// `redis://…` for Redis; unset means the in-process ephemeral store.
    /// With `redis_cluster`, the seed nodes of a Redis Cluster, comma-separated.
    pub redis_url: Option<SecretUrl>,
    /// `redis_url` names the nodes of a Redis Cluster.
    pub redis_cluster: bool,
    /// Prefix of every Redis key, so several deployments can share one Redis.
    pub redis_prefix: String,
    /// Base64 of 32 bytes; unset means `keys/kek`, created on first start.
    #[serde(skip_serializing)]
    pub key_encryption_key: Option<Secret>,
    /// Where `keys/kek` lives when `key_encryption_key` is unset.
    pub keys_dir: PathBuf,
    pub log_format: LogFormat,
    /// A folder whose files replace the built-in templates of the same name
    /// (`login.html`, `email/invitation.txt` …); unset: the built-in ones.
    pub templates_dir: Option<PathBuf>,
    /// Peers whose `X-Forwarded-For` is believed (addresses or CIDR ranges).
    #[serde(deserialize_with = "list_or_comma_string")]
    pub trusted_proxies: Vec<IpNet>,
    /// A PEM file of extra CA certificates careid's outbound HTTP (back-channel
    /// logout) trusts besides the public web PKI, e.g. a private CA.
    pub outbound_ca_file: Option<PathBuf>,
    /// Internal networks (loopback, private, link-local …) careid's outbound
    /// HTTP may reach anyway; by default it refuses them (`outbound::addresses`).
    #[serde(deserialize_with = "list_or_comma_string")]
    pub outbound_allowed_networks: Vec<IpNet>,
    /// Limits at the edge: header size, timeouts, connections, POSTs per IP.
    pub http: HttpConfig,
    pub keys: KeysConfig,
    pub passwords: PasswordConfig,
    pub session: SessionConfig,
    pub login: LoginConfig,
    pub backchannel: BackchannelConfig,
    /// Pushed authorization requests (RFC 9126).
    pub par: ParConfig,
    /// Sender-constrained tokens (RFC 9449).
    pub dpop: DpopConfig,
    pub smtp: SmtpConfig,
    pub onboarding: OnboardingConfig,
    pub sms: SmsConfig,
    pub mfa: MfaConfig,
    /// The WebAuthn relying party and the native apps that share its passkeys.
    pub passkeys: PasskeyConfig,
    /// Seconds a node reuses a client or API it read (`store::read_cache`); 0: none.
    pub client_cache_secs: i64,
    pub audit: AuditConfig,
    /// Clients declared here are created or updated at every start.
    pub clients: Vec<ClientSpec>,
    /// APIs (resource servers) declared here are created or updated at every
    /// start, before the clients that may use them.
    pub apis: Vec<ApiSpec>,
    /// Deployments declared here are created or updated at every start.
    pub deployments: Vec<DeploymentSpec>,
}

#[allow(clippy::expect_used, reason = "a constant URL")]
impl Default for Config {
    fn default() -> Self {
        Config {
            issuer: Url::parse("http://localhost:8080").expect("default issuer is a URL"),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            redis_url: None,
            redis_cluster: false,
            redis_prefix: "careid:".into(),
            key_encryption_key: None,
            keys_dir: PathBuf::from("keys"),
            log_format: LogFormat::Human,
            templates_dir: None,
            trusted_proxies: Vec::new(),
            outbound_ca_file: None,
            outbound_allowed_networks: Vec::new(),
            http: HttpConfig::default(),
            keys: KeysConfig::default(),
            passwords: PasswordConfig::default(),
            session: SessionConfig::default(),
            login: LoginConfig::default(),
            backchannel: BackchannelConfig::default(),
            par: ParConfig::default(),
            dpop: DpopConfig::default(),
            smtp: SmtpConfig::default(),
            onboarding: OnboardingConfig::default(),
            sms: SmsConfig::default(),
            mfa: MfaConfig::default(),
            passkeys: PasskeyConfig::default(),
            client_cache_secs: 1,
            audit: AuditConfig::default(),
            clients: Vec::new(),
            apis: Vec::new(),
            deployments: Vec::new(),
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
        if let Some(urls) = &self.redis_url {
            let urls: Vec<&str> = urls.split(',').map(str::trim).filter(|u| !u.is_empty()).collect();
            if urls.len() != 1 && !self.redis_cluster {
                return Err(ConfigError(
                    "redis_url: one URL (several only with redis_cluster = true)".into(),
                ));
            }
            for url in urls {
                let parsed =
                    Url::parse(url).map_err(|e| ConfigError(format!("redis_url: not a URL: {e}")))?;
                if !matches!(parsed.scheme(), "redis" | "rediss") {
                    return Err(ConfigError("redis_url: use redis://… or rediss://…".into()));
                }
            }
        } else if self.redis_cluster {
            return Err(ConfigError("redis_cluster: needs redis_url, the cluster's seed nodes".into()));
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
        if self.smtp.give_up_after_secs <= 0 {
            return Err(ConfigError("smtp.give_up_after_secs: must be positive".into()));
        }
        let sms = &self.sms;
        if sms.max_failures < 1 || sms.lock_secs < 1 {
            return Err(ConfigError("sms: max_failures and lock_secs must be positive".into()));
        }
        self.http.validate().map_err(ConfigError)?;
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
    crate::serde_lists::comma_items(d)?
        .iter()
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

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail wants its own error type
    fn outbound_allowed_networks_come_as_a_comma_separated_variable() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CAREID_OUTBOUND_ALLOWED_NETWORKS", "127.0.0.0/8, ::1/128,10.1.2.3");
            let config = Config::load(None).map_err(|e| e.0)?;
            let nets: Vec<String> = config.outbound_allowed_networks.iter().map(|n| n.to_string()).collect();
            assert_eq!(nets, ["127.0.0.0/8", "::1/128", "10.1.2.3/32"]);
            jail.set_env("CAREID_OUTBOUND_ALLOWED_NETWORKS", "10.0.0.0/8, intranet");
            let error = Config::load(None).unwrap_err().0;
            assert!(error.starts_with("outbound_allowed_networks:") && error.contains("intranet"), "{error}");
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail wants its own error type
    fn undelivered_email_is_given_up_after_a_day_unless_configured() {
        figment::Jail::expect_with(|jail| {
            assert_eq!(Config::load(None).map_err(|e| e.0)?.smtp.give_up_after_secs, 24 * 3600);
            jail.set_env("CAREID_SMTP__GIVE_UP_AFTER_SECS", "0");
            let err = Config::load(None).unwrap_err().0;
            assert!(err.contains("smtp.give_up_after_secs"), "{err}");
            jail.set_env("CAREID_SMTP__GIVE_UP_AFTER_SECS", "3600");
            assert_eq!(Config::load(None).map_err(|e| e.0)?.smtp.give_up_after_secs, 3600);
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail wants its own error type
    fn lists_come_from_the_environment_comma_separated() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CAREID_MFA__REQUIRED_ROLES", "admin,clinician");
            jail.set_env("CAREID_PASSKEYS__APPLE_APP_IDS", "ABCDE12345.com.example.app");
            let config = Config::load(None).map_err(|e| e.0)?;
            assert_eq!(
                config.mfa.required_roles,
                [crate::people::Role::Admin, crate::people::Role::Clinician]
            );
            assert_eq!(config.passkeys.apple_app_ids, ["ABCDE12345.com.example.app"]);
            jail.set_env("CAREID_MFA__REQUIRED_ROLES", "admin,nurse");
            let error = Config::load(None).unwrap_err().0;
            assert!(error.contains("mfa.required_roles") && error.contains("nurse"), "{error}");
            Ok(())
        });
    }
}
