//! Password hashing (argon2id) on a bounded blocking pool, so a login storm
//! cannot starve the async workers or the other endpoints.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

/// argon2id cost; the defaults are OWASP's (19 MiB, 2 passes, 1 lane).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordConfig {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// How many hashes may run at once; more wait their turn.
    pub max_concurrent: usize,
}

impl Default for PasswordConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        PasswordConfig { memory_kib: 19_456, iterations: 2, parallelism: 1, max_concurrent: cores.max(2) }
    }
}

#[derive(Clone)]
pub struct PasswordHasherPool {
    argon2: Argon2<'static>,
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so both cases cost the same.
    dummy_hash: Arc<String>,
}

impl PasswordHasherPool {
    pub fn new(config: &PasswordConfig) -> Result<Self, String> {
        let params = Params::new(config.memory_kib, config.iterations, config.parallelism, None)
            .map_err(|e| format!("passwords: invalid argon2 parameters: {e}"))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_hash = argon2
            .hash_password(b"careid dummy password", &SaltString::generate(&mut OsRng))
            .map_err(|e| e.to_string())?
            .to_string();
        Ok(PasswordHasherPool {
            argon2,
            permits: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
            dummy_hash: Arc::new(dummy_hash),
        })
    }

    pub async fn hash(&self, password: &str) -> String {
        let argon2 = self.argon2.clone();
        let password = password.to_owned();
        self.run(move || {
            argon2
                .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
                .expect("argon2 hashing with valid parameters")
                .to_string()
        })
        .await
    }

    /// Checks `password` against `hash`; with `None` it checks a dummy hash and
    /// returns false, taking as long as a real check.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let argon2 = self.argon2.clone();
        let password = password.to_owned();
        let known = hash.is_some();
        let hash = hash.map(str::to_owned).unwrap_or_else(|| self.dummy_hash.to_string());
        let matched = self
            .run(move || match PasswordHash::new(&hash) {
                Ok(parsed) => argon2.verify_password(password.as_bytes(), &parsed).is_ok(),
                Err(_) => false,
            })
            .await;
        known && matched
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> T {
        let _permit = self.permits.acquire().await.expect("the semaphore is never closed");
        tokio::task::spawn_blocking(work).await.expect("password hashing task")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> PasswordHasherPool {
        PasswordHasherPool::new(&PasswordConfig {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
            max_concurrent: 2,
        })
        .unwrap()
    }

    #[tokio::test]
    async fn hashes_verify_only_the_right_password() {
        let pool = cheap();
        let hash = pool.hash("correct horse battery staple").await;
        assert!(hash.starts_with("$argon2id$"));
        assert!(pool.verify("correct horse battery staple", Some(&hash)).await);
        assert!(!pool.verify("wrong", Some(&hash)).await);
        assert!(!pool.verify("anything", None).await);
        assert!(!pool.verify("anything", Some("not a hash")).await);
    }

    #[test]
    fn default_cost_is_owasp() {
        let c = PasswordConfig::default();
        assert_eq!((c.memory_kib, c.iterations, c.parallelism), (19_456, 2, 1));
    }
}
