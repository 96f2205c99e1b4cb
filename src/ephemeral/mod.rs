//! The ephemeral store: short-lived state that may be lost (sessions, codes,
//! challenges, rate-limit windows). Losing it signs people out or voids a code,
//! never more. In-process by default, Redis for several nodes.

mod memory;
pub mod records;
mod redis;

use std::time::Duration;

pub use memory::MemoryStore;
pub use redis::RedisStore;

#[derive(Debug, thiserror::Error)]
#[error("ephemeral store: {0}")]
pub struct EphemeralError(pub String);

#[derive(Clone)]
pub enum Ephemeral {
    Memory(MemoryStore),
    Redis(RedisStore),
}

impl Ephemeral {
    /// The in-process store, or Redis when `redis_url` is set: one server,
    /// or with `cluster` a Redis Cluster whose seed nodes `redis_url` lists,
    /// comma-separated.
    pub async fn connect(redis_url: Option<&str>, cluster: bool, prefix: &str) -> Result<Ephemeral, String> {
        match redis_url {
            None => Ok(Ephemeral::Memory(MemoryStore::new())),
            Some(urls) => {
                let urls: Vec<&str> = urls.split(',').map(str::trim).filter(|u| !u.is_empty()).collect();
                RedisStore::connect(&urls, cluster, prefix).await.map(Ephemeral::Redis)
            }
        }
    }

    /// Stores `value` under `key` for `ttl`, replacing what was there.
    pub async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), EphemeralError> {
        match self {
            Ephemeral::Memory(m) => {
                m.put(key, value, ttl);
                Ok(())
            }
            Ephemeral::Redis(r) => r.put(key, value, ttl).await,
        }
    }

    /// Stores `value` only if `key` holds nothing; returns whether it was stored.
    pub async fn put_new(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, EphemeralError> {
        match self {
            Ephemeral::Memory(m) => Ok(m.put_new(key, value, ttl)),
            Ephemeral::Redis(r) => r.put_new(key, value, ttl).await,
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        match self {
            Ephemeral::Memory(m) => Ok(m.get(key)),
            Ephemeral::Redis(r) => r.get(key).await,
        }
    }

    /// Gets and deletes in one atomic step: of many concurrent takes of one key,
    /// exactly one sees the value.
    pub async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        match self {
            Ephemeral::Memory(m) => Ok(m.take(key)),
            Ephemeral::Redis(r) => r.take(key).await,
        }
    }

    /// Adds one to the counter under `key` and returns the new count; the counter
    /// starts at 1 and disappears `window` after its first increment.
    pub async fn incr_in_window(&self, key: &str, window: Duration) -> Result<u64, EphemeralError> {
        match self {
            Ephemeral::Memory(m) => Ok(m.incr_in_window(key, window)),
            Ephemeral::Redis(r) => r.incr_in_window(key, window).await,
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), EphemeralError> {
        match self {
            Ephemeral::Memory(m) => {
                m.delete(key);
                Ok(())
            }
            Ephemeral::Redis(r) => r.delete(key).await,
        }
    }

    /// A cheap round trip, for readiness.
    pub async fn ping(&self) -> Result<(), EphemeralError> {
        match self {
            Ephemeral::Memory(_) => Ok(()),
            Ephemeral::Redis(r) => r.ping().await,
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Ephemeral::Memory(_) => "memory",
            Ephemeral::Redis(_) => "redis",
        }
    }
}
