//! Password hashing (argon2id) on a bounded blocking pool, so a login storm
//! cannot starve the async workers or the other endpoints.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

/// argon2id cost; the defaults are OWASP's (19 MiB, 2 passes, 1 lane).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordConfig {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// How many hashes may run at once (one thread each); more wait their turn.
    pub max_concurrent: usize,
}

impl Default for PasswordConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        PasswordConfig { memory_kib: 19_456, iterations: 2, parallelism: 1, max_concurrent: cores.max(2) }
    }
}

/// A hashing job, run on a hasher thread with that thread's own memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// A fixed set of threads, each keeping its argon2 memory from one hash to the
/// next: a storm of logins costs `max_concurrent` × `memory_kib` of memory once,
/// instead of a fresh allocation per hash that the allocator's per-thread
/// arenas keep long after (the RSS of the 15-minute soak).
#[derive(Clone)]
pub struct PasswordHasherPool {
    params: Params,
    jobs: mpsc::Sender<Job>,
    /// Verified against when the account does not exist, so both cases cost the same.
    dummy_hash: Arc<String>,
}

impl PasswordHasherPool {
    pub fn new(config: &PasswordConfig) -> Result<Self, String> {
        let params = Params::new(config.memory_kib, config.iterations, config.parallelism, None)
            .map_err(|e| format!("passwords: invalid argon2 parameters: {e}"))?;
        let dummy_hash = hash_with(&params, b"careid dummy password", &mut Vec::new())?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..config.max_concurrent.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("careid-argon2-{n}"))
                .spawn(move || hasher_thread(&queue))
                .map_err(|e| format!("passwords: cannot start a hasher thread: {e}"))?;
        }
        Ok(PasswordHasherPool { params, jobs, dummy_hash: Arc::new(dummy_hash) })
    }

    #[allow(
        clippy::expect_used,
        reason = "argon2 parameters are checked at start; hashing with them does not fail"
    )]
    pub async fn hash(&self, password: &str) -> String {
        let (params, password) = (self.params.clone(), password.to_owned());
        self.run(move |memory| hash_with(&params, password.as_bytes(), memory))
            .await
            .expect("argon2 hashing with valid parameters")
    }

    /// Checks `password` against `hash`; with `None` it checks a dummy hash and
    /// returns false, taking as long as a real check.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let password = password.to_owned();
        let known = hash.is_some();
        let hash = hash.map(str::to_owned).unwrap_or_else(|| self.dummy_hash.to_string());
        let matched = self.run(move |memory| verify_with(password.as_bytes(), &hash, memory)).await;
        known && matched
    }

    #[allow(
        clippy::expect_used,
        reason = "the hasher threads live as long as the pool; a job fails only by panicking, which goes on"
    )]
    async fn run<T: Send + 'static>(&self, work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static) -> T {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = answer.send(work(memory));
        });
        self.jobs.send(job).expect("the hasher threads are running");
        answered.await.expect("password hashing job")
    }
}

/// Takes jobs until every handle of the pool is gone.
fn hasher_thread(queue: &Mutex<mpsc::Receiver<Job>>) {
    let mut memory = Vec::new();
    loop {
        let next = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv();
        let Ok(job) = next else { return };
        // A panicking job loses its answer (its caller's panic says so), not the thread.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut memory)));
    }
}

/// `memory` grown to what `params` needs, kept for the next hash.
fn blocks<'m>(params: &Params, memory: &'m mut Vec<Block>) -> &'m mut [Block] {
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    &mut memory[..params.block_count()]
}

/// 16 random bytes (the PHC recommendation), as the salt of one hash.
fn new_salt() -> Result<SaltString, String> {
    let mut bytes = [0u8; 16];
    crate::crypto::random::fill(&mut bytes);
    SaltString::encode_b64(&bytes).map_err(|e| e.to_string())
}

/// A PHC string (`$argon2id$v=19$m=…`) of `password` under a fresh salt.
fn hash_with(params: &Params, password: &[u8], memory: &mut Vec<Block>) -> Result<String, String> {
    let salt = new_salt()?;
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(|e| e.to_string())?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(password, salt_bytes, &mut out, blocks(params, memory))
        .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| e.to_string())?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// Whether `password` hashes to the PHC string `phc` under the parameters it
/// names (a hash made with older parameters still verifies).
fn verify_with(password: &[u8], phc: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed))
    else {
        return false;
    };
    let version = parsed.version.map_or(Ok(Version::V0x13), Version::try_from);
    let (Ok(version), Some(salt), Some(expected)) = (version, parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else { return false };
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    if argon2.hash_password_into_with_memory(password, salt_bytes, &mut out, blocks(&params, memory)).is_err()
    {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&out).is_ok_and(|computed| computed == expected)
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

    #[tokio::test]
    async fn hashes_of_the_argon2_crate_and_of_other_parameters_verify() {
        use argon2::password_hash::PasswordHasher;
        let pool = cheap();
        let params = Params::new(128, 3, 2, None).unwrap();
        let other = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let hash = other.hash_password(b"pw", &new_salt().unwrap()).unwrap().to_string();
        assert!(pool.verify("pw", Some(&hash)).await);
        assert!(!pool.verify("pW", Some(&hash)).await);
        let ours = pool.hash("pw").await;
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(argon2::password_hash::PasswordVerifier::verify_password(&other, b"pw", &parsed).is_ok());
    }

    #[tokio::test]
    async fn many_hashes_at_once_all_answer() {
        let pool = cheap();
        let hashes = futures_util::future::join_all((0..20).map(|i| {
            let pool = pool.clone();
            async move { (i, pool.hash(&format!("pw{i}")).await) }
        }))
        .await;
        for (i, hash) in hashes {
            assert!(pool.verify(&format!("pw{i}"), Some(&hash)).await);
        }
    }

    #[test]
    fn default_cost_is_owasp() {
        let c = PasswordConfig::default();
        assert_eq!((c.memory_kib, c.iterations, c.parallelism), (19_456, 2, 1));
    }
}
