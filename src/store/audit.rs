//! Audit events: who did what to whom, from where.

use serde::Serialize;

use super::{Keyset, Store, StoreError, in_transaction, on_pool, on_pool_writing};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: String,
    pub at: i64,
    pub kind: String,
    /// `person`, `administrator`, `operator` or `careid` (`audit::ActorKind`).
    pub actor_kind: Option<String>,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub client_id: Option<String>,
    pub deployment_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// JSON object.
    pub detail: Option<String>,
    /// The request's `X-Request-Id`, when a request caused the event.
    pub request_id: Option<String>,
    /// `success` or `failure`.
    pub outcome: String,
    /// The row's place in the hash chain; `None` until it is sealed.
    pub seq: Option<i64>,
    /// SHA-256 (hex) of the previous row's hash and this row's content.
    pub hash: Option<String>,
}

impl Default for AuditEvent {
    fn default() -> AuditEvent {
        AuditEvent {
            id: String::new(),
            at: 0,
            kind: String::new(),
            actor_kind: None,
            actor: None,
            subject: None,
            client_id: None,
            deployment_id: None,
            ip: None,
            user_agent: None,
            detail: None,
            request_id: None,
            outcome: "success".into(),
            seq: None,
            hash: None,
        }
    }
}

pub(crate) const INSERT_EVENT: &str = "INSERT INTO audit_events (id, at, kind, actor, subject, client_id, \
    deployment_id, ip, user_agent, detail, request_id, outcome, actor_kind) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

/// The statement that writes event `$e`, for a pool or a transaction (an
/// event recorded in the same commit as the change it records).
macro_rules! insert_audit_query {
    ($e:expr) => {
        sqlx::query($crate::store::audit::INSERT_EVENT)
            .bind(&$e.id)
            .bind($e.at)
            .bind(&$e.kind)
            .bind(&$e.actor)
            .bind(&$e.subject)
            .bind(&$e.client_id)
            .bind(&$e.deployment_id)
            .bind(&$e.ip)
            .bind(&$e.user_agent)
            .bind(&$e.detail)
            .bind(&$e.request_id)
            .bind(&$e.outcome)
            .bind(&$e.actor_kind)
    };
}
pub(crate) use insert_audit_query;

const COLUMNS: &str = "id, at, kind, actor_kind, actor, subject, client_id, deployment_id, ip, user_agent, detail, \
                       request_id, outcome, seq, hash";

/// The chain's last sealed row and the checkpoint it starts after, each with
/// its MAC (`audit::chain`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
    pub mac: String,
    pub checkpoint_seq: i64,
    pub checkpoint_hash: String,
    pub checkpoint_at: i64,
    pub checkpoint_mac: String,
}

/// How a sealing pass hashes: `row` sealed as `seq` after a row hashed
/// `prev` gives its hash; `mac` signs a head or checkpoint (`seq`, `hash`).
pub trait ChainSeal {
    fn row_hash(&self, prev: &str, seq: i64, row: &AuditEvent) -> String;
    fn mac(&self, what: &str, seq: i64, hash: &str) -> String;
}

/// Which events to read; every field narrows, `None` does not.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery<'a> {
    /// Events of this deployment or about its members (`None`: all).
    pub deployment: Option<&'a str>,
    /// From this moment (inclusive) …
    pub from: Option<i64>,
    /// … to this one (exclusive).
    pub to: Option<i64>,
    pub actor: Option<&'a str>,
    pub subject: Option<&'a str>,
    /// A kind (`account.disabled`) or a family of kinds (`account`).
    pub kind: Option<&'a str>,
    pub client: Option<&'a str>,
}

impl Store {
    /// A page of events matching `query`, newest first; rows recorded
    /// meanwhile are newer than any cursor, so paging neither skips nor repeats.
    pub async fn page_audit_events(
        &self,
        query: &AuditQuery<'_>,
        page: &Keyset,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_events WHERE ($1 IS NULL OR deployment_id = $1 \
              OR subject IN (SELECT id FROM users WHERE deployment_id = $1)) \
            AND ($2 IS NULL OR at >= $2) AND ($3 IS NULL OR at < $3) \
            AND ($4 IS NULL OR actor = $4) AND ($5 IS NULL OR subject = $5) \
            AND ($6 IS NULL OR kind = $6 OR kind LIKE $7 ESCAPE '\\') AND ($8 IS NULL OR client_id = $8) \
            AND ($9 IS NULL OR at < $9 OR (at = $9 AND id < $10)) \
            ORDER BY at DESC, id DESC LIMIT $11"
        );
        let family = query.kind.map(|k| format!("{}.%", super::escape_like(k)));
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AuditEvent>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(query.deployment).bind(query.from).bind(query.to).bind(query.actor).bind(query.subject)
            .bind(query.kind).bind(&family).bind(query.client).bind(page.after_at()).bind(page.after_id())
            .bind(page.limit)
            .fetch_all(pool).await)?)
    }

    pub async fn insert_audit_event(&self, e: &AuditEvent) -> Result<(), StoreError> {
        on_pool_writing!(self, pool => insert_audit_query!(e).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Newest first; `subject` narrows to one user.
    pub async fn audit_events(
        &self,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_events WHERE ($1 IS NULL OR subject = $1) \
             ORDER BY at DESC, id DESC LIMIT $2"
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AuditEvent>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(subject).bind(limit).fetch_all(pool).await)?)
    }

    /// Events from `from` (inclusive) to `to` (exclusive), oldest first, after
    /// the event `after` (time and id) when given: an export a batch at a time.
    pub async fn audit_events_in_order(
        &self,
        deployment: Option<&str>,
        (from, to): (i64, i64),
        after: Option<&(i64, String)>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_events WHERE ($1 IS NULL OR deployment_id = $1 \
              OR subject IN (SELECT id FROM users WHERE deployment_id = $1)) \
             AND at >= $2 AND at < $3 AND ($4 IS NULL OR at > $4 OR (at = $4 AND id > $5)) \
             ORDER BY at, id LIMIT $6"
        );
        let (after_at, after_id) = (after.map(|a| a.0), after.map(|a| a.1.as_str()));
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AuditEvent>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(deployment).bind(from).bind(to).bind(after_at).bind(after_id).bind(limit)
            .fetch_all(pool).await)?)
    }

    pub async fn audit_chain_head(&self) -> Result<ChainHead, StoreError> {
        let sql = format!("SELECT {HEAD_COLUMNS} FROM audit_chain WHERE id = 1");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, ChainHead>(sqlx::AssertSqlSafe(sql.as_str()))
            .fetch_one(pool).await)?)
    }

    /// Sealed rows after `seq`, in chain order.
    pub async fn sealed_audit_events(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AuditEvent>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(after_seq).bind(limit).fetch_all(pool).await)?)
    }

    /// Rows written but not yet sealed.
    pub async fn unsealed_audit_count(&self) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) FROM audit_events WHERE seq IS NULL";
        let (count,): (i64,) = on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        Ok(count)
    }

    /// Seals up to `limit` unsealed rows (oldest first) onto the chain, with
    /// the chain's row locked so that nodes sealing at once take turns.
    /// Returns how many it sealed.
    pub async fn seal_audit_events(
        &self,
        seal: &(dyn ChainSeal + Sync),
        limit: i64,
    ) -> Result<usize, StoreError> {
        // Most ticks find nothing to seal: a read, not a write, tells.
        let any = "SELECT id FROM audit_events WHERE seq IS NULL LIMIT 1";
        let waiting: Option<(String,)> =
            on_pool!(self, pool => sqlx::query_as(any).fetch_optional(pool).await)?;
        if waiting.is_none() {
            return Ok(0);
        }
        let pending =
            format!("SELECT {COLUMNS} FROM audit_events WHERE seq IS NULL ORDER BY at, id LIMIT $1");
        let head = format!("SELECT {HEAD_COLUMNS} FROM audit_chain WHERE id = 1");
        in_transaction!(self, tx => {
            sqlx::query("UPDATE audit_chain SET id = id WHERE id = 1").execute(&mut *tx).await?;
            let mut chain = sqlx::query_as::<_, ChainHead>(sqlx::AssertSqlSafe(head.as_str()))
                .fetch_one(&mut *tx).await?;
            let rows = sqlx::query_as::<_, AuditEvent>(sqlx::AssertSqlSafe(pending.as_str()))
                .bind(limit).fetch_all(&mut *tx).await?;
            for row in &rows {
                chain.seq += 1;
                chain.hash = seal.row_hash(&chain.hash, chain.seq, row);
                sqlx::query("UPDATE audit_events SET seq = $1, hash = $2 WHERE id = $3 AND seq IS NULL")
                    .bind(chain.seq).bind(&chain.hash).bind(&row.id).execute(&mut *tx).await?;
            }
            if !rows.is_empty() {
                sqlx::query("UPDATE audit_chain SET seq = $1, hash = $2, mac = $3 WHERE id = 1")
                    .bind(chain.seq).bind(&chain.hash).bind(seal.mac("head", chain.seq, &chain.hash))
                    .execute(&mut *tx).await?;
            }
            Ok(rows.len())
        })
    }

    /// Removes the sealed rows from the start of the chain up to the first
    /// one at or after `before`, leaving a checkpoint (the last removed row's
    /// place and hash, with its MAC) for the chain to start after. Returns the
    /// new checkpoint's `seq` when rows went.
    pub async fn purge_audit_events(
        &self,
        seal: &(dyn ChainSeal + Sync),
        before: i64,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let head = format!("SELECT {HEAD_COLUMNS} FROM audit_chain WHERE id = 1");
        in_transaction!(self, tx => {
            sqlx::query("UPDATE audit_chain SET id = id WHERE id = 1").execute(&mut *tx).await?;
            let chain = sqlx::query_as::<_, ChainHead>(sqlx::AssertSqlSafe(head.as_str()))
                .fetch_one(&mut *tx).await?;
            let (kept,): (Option<i64>,) =
                sqlx::query_as("SELECT MIN(seq) FROM audit_events WHERE seq IS NOT NULL AND at >= $1")
                    .bind(before).fetch_one(&mut *tx).await?;
            let last = kept.map_or(chain.seq, |seq| seq - 1);
            if last <= chain.checkpoint_seq {
                return Ok(None);
            }
            let (hash,): (String,) = sqlx::query_as("SELECT hash FROM audit_events WHERE seq = $1")
                .bind(last).fetch_one(&mut *tx).await?;
            sqlx::query("DELETE FROM audit_events WHERE seq <= $1").bind(last).execute(&mut *tx).await?;
            sqlx::query(
                "UPDATE audit_chain SET checkpoint_seq = $1, checkpoint_hash = $2, checkpoint_at = $3, \
                 checkpoint_mac = $4 WHERE id = 1",
            )
            .bind(last).bind(&hash).bind(now).bind(seal.mac("checkpoint", last, &hash))
            .execute(&mut *tx).await?;
            Ok(Some(last))
        })
    }
}

const HEAD_COLUMNS: &str = "seq, hash, mac, checkpoint_seq, checkpoint_hash, checkpoint_at, checkpoint_mac";
