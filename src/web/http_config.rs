//! The `[http]` section: the limits every connection and request meets at
//! the edge, before any handler runs.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// hyper refuses a read buffer smaller than this (`max_buf_size`).
const MIN_HEADER_BYTES: usize = 8192;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// The request line and headers together, in bytes; more is answered 431.
    pub max_header_bytes: usize,
    /// Header fields in one request; more is answered 431.
    pub max_headers: usize,
    /// A whole request, body included, from its headers to the answer; past
    /// it the answer is 408.
    pub request_timeout_secs: u64,
    /// How long a connection may take to send a request's headers, and how
    /// long it may stay idle between requests; past it the connection is
    /// closed, so a client trickling bytes holds no slot.
    pub header_read_timeout_secs: u64,
    /// Open connections one node serves at once; one more is answered 503
    /// and closed.
    pub max_connections: usize,
    /// POSTs one IP address may send a minute to the endpoints that need no
    /// bearer token (sign-in, sign-up, `/token`, `/par` …); more are answered 429.
    pub posts_per_ip_per_minute: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            max_header_bytes: 64 * 1024,
            max_headers: 100,
            request_timeout_secs: 30,
            header_read_timeout_secs: 10,
            max_connections: 1024,
            posts_per_ip_per_minute: 300,
        }
    }
}

impl HttpConfig {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs)
    }

    /// The section's problem, in one line naming the key.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_header_bytes < MIN_HEADER_BYTES {
            return Err(format!("http.max_header_bytes: at least {MIN_HEADER_BYTES}"));
        }
        let positive = [
            ("max_headers", self.max_headers as u64),
            ("request_timeout_secs", self.request_timeout_secs),
            ("header_read_timeout_secs", self.header_read_timeout_secs),
            ("max_connections", self.max_connections as u64),
            ("posts_per_ip_per_minute", self.posts_per_ip_per_minute),
        ];
        match positive.iter().find(|(_, v)| *v == 0) {
            Some((key, _)) => Err(format!("http.{key}: must be positive")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_must_be_usable() {
        assert_eq!(HttpConfig::default().validate(), Ok(()));
        let small = HttpConfig { max_header_bytes: 4096, ..HttpConfig::default() };
        assert_eq!(small.validate(), Err("http.max_header_bytes: at least 8192".into()));
        let none = HttpConfig { max_connections: 0, ..HttpConfig::default() };
        assert_eq!(none.validate(), Err("http.max_connections: must be positive".into()));
        let never = HttpConfig { posts_per_ip_per_minute: 0, ..HttpConfig::default() };
        assert_eq!(never.validate(), Err("http.posts_per_ip_per_minute: must be positive".into()));
    }
}
