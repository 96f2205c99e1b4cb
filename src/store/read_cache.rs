//! Rows as the store had them at most `client_cache_secs` ago on this node.
//! Every token request authenticates a client, and asks for an API when it
//! names a `resource`; every authorization request and sign-in page reads a
//! client. This reads each from the store once a window instead of on every
//! request. A change made through this node (the Admin API) is seen at once;
//! one made elsewhere (another node, the command line) within the window.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::StoreError;

/// Past this many rows the cache starts again empty, so no sequence of ids
/// can make it grow without bound (unknown ids are never kept).
const MAX_ENTRIES: usize = 100_000;

pub struct ReadCache<T> {
    secs: i64,
    entries: Mutex<HashMap<String, Entry<T>>>,
}

struct Entry<T> {
    read_at: i64,
    row: T,
}

impl<T: Clone> ReadCache<T> {
    pub fn new(secs: i64) -> ReadCache<T> {
        ReadCache { secs, entries: Mutex::new(HashMap::new()) }
    }

    /// Row `id` as `read` found it at most `secs` before `now`.
    pub async fn get(
        &self,
        now: i64,
        id: &str,
        read: impl Future<Output = Result<Option<T>, StoreError>>,
    ) -> Result<Option<T>, StoreError> {
        if let Some(entry) = self.entries().get(id)
            && (0..self.secs).contains(&(now - entry.read_at))
        {
            return Ok(Some(entry.row.clone()));
        }
        let row = read.await?;
        if let Some(row) = row.as_ref().filter(|_| self.secs > 0) {
            let mut entries = self.entries();
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(id.to_string(), Entry { read_at: now, row: row.clone() });
        }
        Ok(row)
    }

    /// Drops row `id`, changed or removed through this node.
    pub fn forget(&self, id: &str) {
        self.entries().remove(id);
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<String, Entry<T>>> {
        // Nothing in this module panics while holding the lock, and a map of
        // clones stays consistent whatever happened: a poisoned lock is usable.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
