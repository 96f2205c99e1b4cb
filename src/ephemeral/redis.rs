//! The Redis ephemeral store, shared by every careid node: one server (or a
//! primary behind a fixed address), or a Redis Cluster. Every operation
//! touches one key, so each stays in one slot of a cluster and no key needs
//! a hash tag; the rate-limit counter's increment-and-expire is one Lua
//! script on one key, atomic on either.

use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, FromRedisValue, Script};

use super::EphemeralError;

#[derive(Clone)]
pub struct RedisStore {
    conn: Conn,
    prefix: String,
}

#[derive(Clone)]
enum Conn {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

/// INCR, and start the window's expiry on the first increment only (Redis 7: `NX`).
static INCR_IN_WINDOW: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(
        r"
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1], 'NX')
return count",
    )
});

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
    /// `urls`: one server, or (with `cluster`) the seed nodes of a Redis Cluster.
    pub async fn connect(urls: &[&str], cluster: bool, prefix: &str) -> Result<RedisStore, String> {
        let shown = urls.iter().map(|u| crate::secret::SecretUrl::redact(u)).collect::<Vec<_>>().join(",");
        // Short limits: while Redis is away a request fails at once with 503
        // instead of waiting; the connection keeps reconnecting in the background.
        let conn = if cluster {
            let client = redis::cluster::ClusterClientBuilder::new(urls.to_vec())
                .connection_timeout(Duration::from_secs(1))
                .response_timeout(Duration::from_secs(2))
                .retries(1)
                .build()
                .map_err(|e| format!("redis_url {shown}: {e}"))?;
            let connecting = client.get_async_connection();
            Conn::Cluster(
                tokio::time::timeout(Duration::from_secs(10), connecting)
                    .await
                    .map_err(|_| format!("cannot connect to Redis Cluster at {shown}: timed out"))?
                    .map_err(|e| format!("cannot connect to Redis Cluster at {shown}: {e}"))?,
            )
        } else {
            let [url] = urls else { return Err(format!("redis_url {shown}: one URL, or set redis_cluster")) };
            let client = redis::Client::open(*url).map_err(|e| format!("redis_url {shown}: {e}"))?;
            let config = redis::aio::ConnectionManagerConfig::new()
                .set_connection_timeout(Some(Duration::from_secs(1)))
                .set_response_timeout(Some(Duration::from_secs(2)))
                .set_number_of_retries(1);
            let connecting = ConnectionManager::new_with_config(client, config);
            Conn::Single(
                tokio::time::timeout(Duration::from_secs(10), connecting)
                    .await
                    .map_err(|_| format!("cannot connect to Redis at {shown}: timed out"))?
                    .map_err(|e| format!("cannot connect to Redis at {shown}: {e}"))?,
            )
        };
        Ok(RedisStore { conn, prefix: prefix.to_string() })
    }

    async fn query<T: FromRedisValue>(&self, cmd: &Cmd) -> Result<T, EphemeralError> {
        Ok(match self.conn.clone() {
            Conn::Single(mut conn) => cmd.query_async(&mut conn).await?,
            Conn::Cluster(mut conn) => cmd.query_async(&mut conn).await?,
        })
    }

    async fn run_script<T: FromRedisValue>(
        &self,
        script: &Script,
        key: &str,
        arg: u64,
    ) -> Result<T, EphemeralError> {
        let mut invocation = script.key(key);
        invocation.arg(arg);
        Ok(match self.conn.clone() {
            Conn::Single(mut conn) => invocation.invoke_async(&mut conn).await?,
            Conn::Cluster(mut conn) => invocation.invoke_async(&mut conn).await?,
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    pub async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), EphemeralError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value).arg("PX").arg(millis(ttl));
        self.query::<()>(&cmd).await
    }

    pub async fn put_new(&self, key: &str, value: &[u8], ttl: Duration) -> Result<bool, EphemeralError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value).arg("NX").arg("PX").arg(millis(ttl));
        Ok(self.query::<Option<String>>(&cmd).await?.is_some())
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        self.query(redis::cmd("GET").arg(self.key(key))).await
    }

    pub async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        self.query(redis::cmd("GETDEL").arg(self.key(key))).await
    }

    pub async fn incr_in_window(&self, key: &str, window: Duration) -> Result<u64, EphemeralError> {
        // One script: the window starts at the first increment and is never extended.
        self.run_script(&INCR_IN_WINDOW, &self.key(key), millis(window)).await
    }

    pub async fn delete(&self, key: &str) -> Result<(), EphemeralError> {
        self.query::<i64>(redis::cmd("DEL").arg(self.key(key))).await.map(drop)
    }

    pub async fn ping(&self) -> Result<(), EphemeralError> {
        self.query::<String>(&redis::cmd("PING")).await.map(drop)
    }
}
