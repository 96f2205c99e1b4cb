//! The in-process ephemeral store of the embedded default.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Sweep expired entries once every this many writes, so memory stays bounded
/// without a background task.
const SWEEP_EVERY: u64 = 1024;

#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    writes: u64,
}

struct Entry {
    value: Vec<u8>,
    expires: Instant,
}

impl Inner {
    fn live(&mut self, key: &str, now: Instant) -> Option<&mut Entry> {
        if self.entries.get(key).is_some_and(|e| e.expires <= now) {
            self.entries.remove(key);
        }
        self.entries.get_mut(key)
    }

    fn insert(&mut self, key: &str, value: Vec<u8>, expires: Instant, now: Instant) {
        self.writes += 1;
        if self.writes.is_multiple_of(SWEEP_EVERY) {
            self.entries.retain(|_, e| e.expires > now);
        }
        self.entries.insert(key.to_string(), Entry { value, expires });
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn put(&self, key: &str, value: &[u8], ttl: Duration) {
        let now = Instant::now();
        self.lock().insert(key, value.to_vec(), now + ttl, now);
    }

    pub fn put_new(&self, key: &str, value: &[u8], ttl: Duration) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        if inner.live(key, now).is_some() {
            return false;
        }
        inner.insert(key, value.to_vec(), now + ttl, now);
        true
    }

    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.lock().live(key, Instant::now()).map(|e| e.value.clone())
    }

    pub fn take(&self, key: &str) -> Option<Vec<u8>> {
        let mut inner = self.lock();
        inner.live(key, Instant::now())?;
        inner.entries.remove(key).map(|e| e.value)
    }

    pub fn incr_in_window(&self, key: &str, window: Duration) -> u64 {
        let now = Instant::now();
        let mut inner = self.lock();
        if let Some(entry) = inner.live(key, now) {
            let count = decode_count(&entry.value) + 1;
            entry.value = count.to_string().into_bytes();
            return count;
        }
        inner.insert(key, b"1".to_vec(), now + window, now);
        1
    }

    pub fn delete(&self, key: &str) {
        self.lock().entries.remove(key);
    }
}

fn decode_count(value: &[u8]) -> u64 {
    std::str::from_utf8(value).ok().and_then(|s| s.parse().ok()).unwrap_or(0)
}
