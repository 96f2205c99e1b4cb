//! The Redis ephemeral store, shared by every careid node.

use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::ConnectionManager;

use super::EphemeralError;

#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: String,
}

impl From<redis::RedisError> for EphemeralError {
    fn from(e: redis::RedisError) -> Self {
        EphemeralError(e.to_string())
    }
}

/// Redis rounds TTLs to milliseconds and refuses zero.
fn millis(ttl: Duration) -> u64 {
    (ttl.as_millis() as u64).max(1)
}

impl RedisStore {
    pub async fn connect(url: &str, prefix: &str) -> Result<RedisStore, String> {
        let shown = crate::store::redact_url(url);
        let client = redis::Client::open(url).map_err(|e| format!("redis_url {shown}: {e}"))?;
        // Short limits: while Redis is away a request fails at once with 503
        // instead of waiting; the manager keeps reconnecting in the background.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(1))
            .set_response_timeout(Duration::from_secs(2))
            .set_number_of_retries(1);
        let conn =
            tokio::time::timeout(Duration::from_secs(10), ConnectionManager::new_with_config(client, config))
                .await
                .map_err(|_| format!("cannot connect to Redis at {shown}: timed out"))?
                .map_err(|e| format!("cannot connect to Redis at {shown}: {e}"))?;
        Ok(RedisStore { conn, prefix: prefix.to_string() })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    pub async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), EphemeralError> {
        let mut conn = self.conn.clone();
        let _: () = redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut conn)
            .await?;
        Ok(())
    }

    pub async fn put_new(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, EphemeralError> {
        let mut conn = self.conn.clone();
        let reply: Option<String> = redis::cmd("SET")
            .arg(self.key(key))
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut conn)
            .await?;
        Ok(reply.is_some())
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        let mut conn = self.conn.clone();
        Ok(conn.get(self.key(key)).await?)
    }

    pub async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        let mut conn = self.conn.clone();
        Ok(redis::cmd("GETDEL").arg(self.key(key)).query_async(&mut conn).await?)
    }

    pub async fn incr_in_window(&self, key: &str, window: Duration) -> Result<u64, EphemeralError> {
        let mut conn = self.conn.clone();
        let key = self.key(key);
        // One transaction: the window starts at the first increment and is never extended.
        let (count, _): (u64, i64) = redis::pipe()
            .atomic()
            .incr(&key, 1u64)
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(millis(window))
            .arg("NX")
            .query_async(&mut conn)
            .await?;
        Ok(count)
    }

    pub async fn delete(&self, key: &str) -> Result<(), EphemeralError> {
        let mut conn = self.conn.clone();
        let _: i64 = conn.del(self.key(key)).await?;
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), EphemeralError> {
        let mut conn = self.conn.clone();
        let _: String = redis::cmd("PING").query_async(&mut conn).await?;
        Ok(())
    }
}
