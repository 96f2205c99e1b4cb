//! Clients as the store had them at most `client_cache_secs` ago on this
//! node. Every token request authenticates a client and every authorization
//! request and sign-in page reads one; this reads each client from the store
//! once a window instead of twice a request. A change made through this node
//! (the Admin API) is seen at once; one made elsewhere (another node, the
//! command line) within the window.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::Client;
use crate::store::{Store, StoreError};

/// Past this many clients the cache starts again empty, so no sequence of
/// ids can make it grow without bound (unknown ids are never kept).
const MAX_ENTRIES: usize = 100_000;

pub struct ClientCache {
    secs: i64,
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    read_at: i64,
    client: Client,
}

impl ClientCache {
    pub fn new(secs: i64) -> ClientCache {
        ClientCache { secs, entries: Mutex::new(HashMap::new()) }
    }

    /// Client `id` as read at most `secs` before `now`.
    pub async fn get(&self, store: &Store, now: i64, id: &str) -> Result<Option<Client>, StoreError> {
        if let Some(entry) = self.entries().get(id)
            && (0..self.secs).contains(&(now - entry.read_at))
        {
            return Ok(Some(entry.client.clone()));
        }
        let client = store.client(id).await?;
        if let Some(client) = client.as_ref().filter(|_| self.secs > 0) {
            let mut entries = self.entries();
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(id.to_string(), Entry { read_at: now, client: client.clone() });
        }
        Ok(client)
    }

    /// Drops client `id`, changed or removed through this node.
    pub fn forget(&self, id: &str) {
        self.entries().remove(id);
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        // Nothing in this module panics while holding the lock, and a map of
        // clones stays consistent whatever happened: a poisoned lock is usable.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
