//! The audit trail as a hash chain. Events are written as they happen and
//! sealed about a second later, oldest first, by whichever node takes the
//! chain's row: each sealed row gets its place (`seq`) and the SHA-256 of the
//! previous row's hash and its own content. The chain's head and the
//! checkpoint a retention purge leaves carry a MAC under a key derived from
//! the key-encryption key, so the chain cannot be rebuilt without that key.
//! `careid audit verify` walks it and names the first row that does not fit.

use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::AppState;
use crate::crypto::mac::hmac_sha256;
use crate::store::{AuditEvent, ChainHead, ChainSeal, Store, StoreError};

/// The hash of nothing: what the first row follows.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Rows sealed in one transaction.
const SEAL_BATCH: i64 = 1000;
/// Rows read at a time while verifying.
const VERIFY_BATCH: i64 = 1000;

/// Hashes rows and MACs heads and checkpoints.
#[derive(Clone)]
pub struct ChainKey {
    mac_key: [u8; 32],
}

impl ChainKey {
    /// Derives the chain's MAC key from the key-encryption key, apart from every other use of it.
    pub fn from_kek(kek: &[u8; 32]) -> ChainKey {
        ChainKey { mac_key: hmac_sha256(kek, b"careid audit chain v1") }
    }
}

impl ChainSeal for ChainKey {
    fn row_hash(&self, prev: &str, seq: i64, row: &AuditEvent) -> String {
        // The content in a fixed order, as JSON: each field unambiguous,
        // `detail` as the text stored.
        let content = serde_json::json!([
            seq,
            row.id,
            row.at,
            row.kind,
            row.actor_kind,
            row.actor,
            row.subject,
            row.client_id,
            row.deployment_id,
            row.ip,
            row.user_agent,
            row.request_id,
            row.outcome,
            row.detail,
        ]);
        let mut digest = Sha256::new();
        digest.update(prev.as_bytes());
        digest.update(b"\n");
        digest.update(content.to_string().as_bytes());
        hex::encode(digest.finalize())
    }

    fn mac(&self, what: &str, seq: i64, hash: &str) -> String {
        hex::encode(hmac_sha256(&self.mac_key, format!("careid audit {what}\n{seq}\n{hash}").as_bytes()))
    }
}

/// Seals what every node wrote, every `audit.seal_every_ms`, until the
/// process ends; and once an hour removes what `audit.retention_days` no
/// longer keeps.
pub async fn seal_forever(state: AppState) {
    let every = state.config.audit.seal_every_ms;
    if every == 0 {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_millis(every));
    let mut last_purge = 0;
    loop {
        tick.tick().await;
        if let Err(e) = seal_pending(&state.store, &state.audit_chain).await {
            tracing::warn!(error = %e, "sealing audit events failed");
        }
        let now = state.clock.now();
        if state.config.audit.retention_days > 0 && now - last_purge >= 3600 {
            last_purge = now;
            if let Err(e) = purge(&state, now).await {
                tracing::warn!(error = %e, "purging old audit events failed");
            }
        }
    }
}

/// Seals every row written so far; how many.
pub async fn seal_pending(store: &Store, key: &ChainKey) -> Result<usize, StoreError> {
    let mut sealed = 0;
    loop {
        let n = store.seal_audit_events(key, SEAL_BATCH).await?;
        sealed += n;
        if n < SEAL_BATCH as usize {
            return Ok(sealed);
        }
    }
}

/// Removes sealed events older than the retention period behind a checkpoint.
pub async fn purge(state: &AppState, now: i64) -> Result<Option<i64>, StoreError> {
    let before = now - state.config.audit.retention_days * 86_400;
    let checkpoint = state.store.purge_audit_events(&state.audit_chain, before, now).await?;
    if let Some(seq) = checkpoint {
        tracing::info!(checkpoint = seq, "audit events past retention removed");
    }
    Ok(checkpoint)
}

/// What `careid audit verify` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every sealed row is in place: `from` to `to` (after the checkpoint),
    /// and `unsealed` rows wait for sealing.
    Intact { from: i64, to: i64, unsealed: i64 },
    /// The first place the chain breaks, and how.
    Broken { seq: i64, row: Option<String>, why: String },
}

/// Walks the chain from its checkpoint to its head.
pub async fn verify(store: &Store, key: &ChainKey) -> Result<Verdict, StoreError> {
    let head = store.audit_chain_head().await?;
    if let Some(broken) = check_marks(&head, key) {
        return Ok(broken);
    }
    let (mut expected, mut prev) = (head.checkpoint_seq + 1, head.checkpoint_hash.clone());
    loop {
        let rows = store.sealed_audit_events(expected - 1, VERIFY_BATCH).await?;
        for row in &rows {
            let seq = row.seq.unwrap_or_default();
            if seq != expected {
                let why = format!("row {expected} is missing: the chain goes from {} to {seq}", expected - 1);
                return Ok(Verdict::Broken { seq: expected, row: None, why });
            }
            let hash = key.row_hash(&prev, seq, row);
            if row.hash.as_deref() != Some(hash.as_str()) {
                let why = "its content does not match its hash: it was changed, or moved from another place"
                    .to_string();
                return Ok(Verdict::Broken { seq, row: Some(row.id.clone()), why });
            }
            (expected, prev) = (seq + 1, hash);
        }
        if rows.len() < VERIFY_BATCH as usize {
            break;
        }
    }
    let last = expected - 1;
    if last != head.seq || prev != head.hash {
        let why = if last < head.seq {
            format!("rows {} to {} are missing (the chain's head is row {})", last + 1, head.seq, head.seq)
        } else {
            format!("the chain's head names row {} but the rows go on to {last}", head.seq)
        };
        return Ok(Verdict::Broken { seq: last + 1, row: None, why });
    }
    let unsealed = store.unsealed_audit_count().await?;
    Ok(Verdict::Intact { from: head.checkpoint_seq + 1, to: head.seq, unsealed })
}

/// The head's and the checkpoint's MACs (none before anything was sealed or purged).
fn check_marks(head: &ChainHead, key: &ChainKey) -> Option<Verdict> {
    let fresh = head.seq == 0 && head.hash == GENESIS && head.mac.is_empty();
    if !fresh && head.mac != key.mac("head", head.seq, &head.hash) {
        let why = "the chain's head does not carry careid's MAC: it was altered".to_string();
        return Some(Verdict::Broken { seq: head.seq, row: None, why });
    }
    let never_purged = head.checkpoint_seq == 0 && head.checkpoint_mac.is_empty();
    let checkpoint_mac = key.mac("checkpoint", head.checkpoint_seq, &head.checkpoint_hash);
    if !never_purged && head.checkpoint_mac != checkpoint_mac {
        let why = "the checkpoint does not carry careid's MAC: it was altered".to_string();
        return Some(Verdict::Broken { seq: head.checkpoint_seq, row: None, why });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_hash_covers_every_field_and_the_row_before() {
        let key = ChainKey::from_kek(&[7; 32]);
        let row =
            AuditEvent { id: "e1".into(), at: 10, kind: "login.success".into(), ..AuditEvent::default() };
        let hash = key.row_hash(GENESIS, 1, &row);
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, key.row_hash(&hash, 1, &row), "another previous row");
        assert_ne!(hash, key.row_hash(GENESIS, 2, &row), "another place");
        for changed in [
            AuditEvent { ip: Some("10.0.0.1".into()), ..row.clone() },
            AuditEvent { outcome: "failure".into(), ..row.clone() },
            AuditEvent { detail: Some("{}".into()), ..row.clone() },
            AuditEvent { request_id: Some("r".into()), ..row.clone() },
        ] {
            assert_ne!(hash, key.row_hash(GENESIS, 1, &changed));
        }
        assert_ne!(key.mac("head", 1, &hash), ChainKey::from_kek(&[8; 32]).mac("head", 1, &hash));
    }
}
