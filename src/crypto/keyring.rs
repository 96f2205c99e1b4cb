//! The signing keys in memory: which key signs now, what JWKS publishes, rotation and import.

use std::sync::{Arc, RwLock};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::jws::{self, PublicKey};
use super::keys::{Alg, KeyMaterial};
use super::seal::Sealer;
use super::signer::Signer;
use crate::clock::Clock;
use crate::crypto::config::KeysConfig;
use crate::store::{Store, StoreError, StoredKey};

const KEK_CHECK_CONTEXT: &[u8] = b"careid kek check";
const KEK_CHECK_PLAINTEXT: &[u8] = b"careid";

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "the key-encryption key does not match the one that sealed the stored signing keys \
         (check CAREID_KEY_ENCRYPTION_KEY or keys/kek); nothing was changed"
    )]
    WrongKek,
    #[error("stored signing key {kid} is unusable: {reason}")]
    BadKey { kid: String, reason: String },
    #[error("no signing key for {0}")]
    NoKey(Alg),
    #[error("signing: {0}")]
    Sign(String),
    #[error("generating signing keys: {0}")]
    Generate(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

struct LoadedKey {
    kid: String,
    alg: Alg,
    signer: Arc<Signer>,
    verifier: PublicKey,
    public_jwk: Value,
    created_at: i64,
    activates_at: i64,
    retires_at: Option<i64>,
}

/// One key as `careid keys list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    pub kid: String,
    pub alg: Alg,
    pub state: &'static str,
    pub created_at: i64,
    pub activates_at: i64,
    pub retires_at: Option<i64>,
}

#[derive(Clone)]
pub struct Keyring {
    keys: Arc<RwLock<Arc<Vec<LoadedKey>>>>,
    store: Store,
    sealer: Sealer,
    clock: Clock,
    config: KeysConfig,
}

impl Keyring {
    /// Checks the key-encryption key against the store, creates the first key set
    /// on a new store (from `initial` when given, else freshly generated), and loads.
    pub async fn open(
        store: Store,
        sealer: Sealer,
        clock: Clock,
        config: KeysConfig,
        initial: Option<&[KeyMaterial]>,
    ) -> Result<Keyring, KeyringError> {
        let keyring = Keyring { keys: Default::default(), store, sealer, clock, config };
        match keyring.store.get_meta("kek_check").await? {
            Some(check) => {
                keyring.sealer.open(&check, KEK_CHECK_CONTEXT).map_err(|_| KeyringError::WrongKek)?;
            }
            None => {
                let generated;
                let materials = match initial {
                    Some(m) => m,
                    None => {
                        // RSA key generation takes up to seconds: off the async
                        // threads, so other work (and its timeouts) carries on.
                        generated = tokio::task::spawn_blocking(generate_key_set)
                            .await
                            .map_err(|e| KeyringError::Generate(e.to_string()))?;
                        &generated
                    }
                };
                let now = keyring.clock.now();
                let rows: Vec<StoredKey> = materials.iter().map(|m| keyring.seal(m, now, now)).collect();
                let check = keyring.sealer.seal(KEK_CHECK_PLAINTEXT, KEK_CHECK_CONTEXT);
                keyring.store.insert_initial_keys(&check, &rows).await?;
            }
        }
        keyring.reload().await?;
        Ok(keyring)
    }

    /// Re-reads keys from the durable store (other nodes or the CLI may have rotated).
    pub async fn reload(&self) -> Result<(), KeyringError> {
        let rows = self.store.list_signing_keys().await?;
        let mut loaded = Vec::with_capacity(rows.len());
        for row in rows {
            loaded.push(self.unseal(row)?);
        }
        // A writer that panicked left the previous key set whole: carry on with it.
        *self.keys.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(loaded);
        Ok(())
    }

    fn snapshot(&self) -> Arc<Vec<LoadedKey>> {
        self.keys.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn seal(&self, material: &KeyMaterial, created_at: i64, activates_at: i64) -> StoredKey {
        let kid = material.thumbprint();
        StoredKey {
            sealed_private_key: self.sealer.seal(material.private_pem.as_bytes(), kid.as_bytes()),
            alg: material.alg.as_str().to_string(),
            public_jwk: material.public_jwk.to_string(),
            kid,
            created_at,
            activates_at,
            retires_at: None,
        }
    }

    fn unseal(&self, row: StoredKey) -> Result<LoadedKey, KeyringError> {
        let bad = |reason: String| KeyringError::BadKey { kid: row.kid.clone(), reason };
        let alg = Alg::parse(&row.alg).ok_or_else(|| bad(format!("unknown alg {}", row.alg)))?;
        let pem = self
            .sealer
            .open(&row.sealed_private_key, row.kid.as_bytes())
            .map_err(|_| KeyringError::WrongKek)?;
        let signer = Signer::from_pkcs8_pem(alg, &pem).map_err(bad)?;
        let public_jwk: Value = serde_json::from_str(&row.public_jwk).map_err(|e| bad(e.to_string()))?;
        let verifier = jws::public_key(alg, &public_jwk)
            .ok_or_else(|| bad(format!("its public key cannot verify {alg}")))?;
        Ok(LoadedKey {
            kid: row.kid,
            alg,
            signer: Arc::new(signer),
            verifier,
            public_jwk,
            created_at: row.created_at,
            activates_at: row.activates_at,
            retires_at: row.retires_at,
        })
    }

    /// The JWK Set: every key that signs now, will sign soon, or signed a token
    /// that may still be live.
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .snapshot()
            .iter()
            .filter(|k| self.is_published(k))
            .map(|k| {
                let mut jwk = k.public_jwk.clone();
                jwk["kid"] = json!(k.kid);
                jwk["alg"] = json!(k.alg.as_str());
                jwk["use"] = json!("sig");
                jwk
            })
            .collect();
        json!({ "keys": keys })
    }

    /// Names what [`Keyring::jwks`] holds now: the published kids, hashed
    /// (a kid is its key's thumbprint, so equal kids mean an equal document).
    pub fn jwks_version(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for key in self.snapshot().iter().filter(|k| self.is_published(k)) {
            key.kid.hash(&mut hasher);
        }
        hasher.finish()
    }

    fn is_published(&self, key: &LoadedKey) -> bool {
        key.retires_at.is_none_or(|r| r + self.config.retain_retired_secs > self.clock.now())
    }

    /// Algorithms that have a key signing right now.
    pub fn signing_algs(&self) -> Vec<Alg> {
        let mut algs: Vec<Alg> = Alg::ALL.into_iter().filter(|a| self.current(*a).is_some()).collect();
        algs.sort();
        algs
    }

    fn current(&self, alg: Alg) -> Option<(String, Arc<Signer>)> {
        let now = self.clock.now();
        self.snapshot()
            .iter()
            .filter(|k| k.alg == alg && k.activates_at <= now && k.retires_at.is_none_or(|r| r > now))
            .max_by_key(|k| k.activates_at)
            .map(|k| (k.kid.clone(), k.signer.clone()))
    }

    /// Signs `claims` as a compact JWS with the current key of `alg`.
    pub fn sign<T: Serialize>(
        &self,
        alg: Alg,
        typ: Option<&str>,
        claims: &T,
    ) -> Result<String, KeyringError> {
        let (kid, signer) = self.current(alg).ok_or(KeyringError::NoKey(alg))?;
        signer.sign_jws(&kid, typ, claims).map_err(KeyringError::Sign)
    }

    /// Verifies a token careid signed with a published key: signature, `iss`
    /// and, when `now` is given, `exp` against it (the injectable clock, not
    /// the system's). The audience is the caller's to check.
    pub fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        issuer: &str,
        now: Option<i64>,
    ) -> Result<T, String> {
        let header = jws::header(token).map_err(|e| e.to_string())?;
        let kid = header.kid.clone().ok_or("the token has no kid")?;
        let keys = self.snapshot();
        let key = keys.iter().find(|k| k.kid == kid).ok_or("the token was not signed by a published key")?;
        if key.alg != header.alg {
            return Err("the token's alg does not match its key".into());
        }
        let claims = jws::check_signature(token, header, std::slice::from_ref(&key.verifier))
            .map_err(|e| e.to_string())?
            .claims;
        if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
            return Err("the token was not issued by careid".into());
        }
        let claims = Value::Object(claims);
        if let Some(now) = now {
            match claims["exp"].as_i64() {
                Some(exp) if exp > now => {}
                Some(_) => return Err("the token has expired".into()),
                None => return Err("the token has no exp".into()),
            }
        }
        serde_json::from_value(claims).map_err(|e| e.to_string())
    }

    /// Every stored key with its state now.
    pub fn list(&self) -> Vec<KeyInfo> {
        let now = self.clock.now();
        self.snapshot()
            .iter()
            .map(|k| KeyInfo {
                kid: k.kid.clone(),
                alg: k.alg,
                state: match (k.activates_at > now, k.retires_at) {
                    (true, _) => "next",
                    (false, Some(r)) if r <= now => "retired",
                    _ => "current",
                },
                created_at: k.created_at,
                activates_at: k.activates_at,
                retires_at: k.retires_at,
            })
            .collect()
    }

    /// Adds `material` as the next key of its algorithm: published now, signing
    /// after `publish_before_use_secs` (or at once with `immediately`), when the
    /// key it replaces retires.
    pub async fn add_next(&self, material: &KeyMaterial, immediately: bool) -> Result<String, KeyringError> {
        let now = self.clock.now();
        let delay = if immediately { 0 } else { self.config.publish_before_use_secs };
        let row = self.seal(material, now, now + delay);
        let kid = row.kid.clone();
        self.store.add_rotated_key(&row).await?;
        self.reload().await?;
        Ok(kid)
    }

    /// Deletes keys whose retirement is older than the retention window.
    pub async fn purge_expired(&self) -> Result<u64, KeyringError> {
        let cutoff = self.clock.now() - self.config.retain_retired_secs;
        let purged = self.store.purge_retired_keys(cutoff).await?;
        if purged > 0 {
            self.reload().await?;
        }
        Ok(purged)
    }
}

/// One fresh key for every algorithm careid signs with.
pub fn generate_key_set() -> Vec<KeyMaterial> {
    Alg::ALL.into_iter().map(KeyMaterial::generate).collect()
}
