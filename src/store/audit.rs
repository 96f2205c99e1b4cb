//! Audit events: who did what to whom, from where.

use serde::Serialize;

use super::{Keyset, Store, StoreError, on_pool, on_pool_writing};

#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: String,
    pub at: i64,
    pub kind: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub client_id: Option<String>,
    pub deployment_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// JSON object.
    pub detail: Option<String>,
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
        let sql = "SELECT id, at, kind, actor, subject, client_id, deployment_id, ip, user_agent, detail \
            FROM audit_events WHERE ($1 IS NULL OR deployment_id = $1 \
              OR subject IN (SELECT id FROM users WHERE deployment_id = $1)) \
            AND ($2 IS NULL OR at >= $2) AND ($3 IS NULL OR at < $3) \
            AND ($4 IS NULL OR actor = $4) AND ($5 IS NULL OR subject = $5) \
            AND ($6 IS NULL OR kind = $6 OR kind LIKE $7 ESCAPE '\\') AND ($8 IS NULL OR client_id = $8) \
            AND ($9 IS NULL OR at < $9 OR (at = $9 AND id < $10)) \
            ORDER BY at DESC, id DESC LIMIT $11";
        let family = query.kind.map(|k| format!("{}.%", super::escape_like(k)));
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AuditEvent>(sql)
            .bind(query.deployment).bind(query.from).bind(query.to).bind(query.actor).bind(query.subject)
            .bind(query.kind).bind(&family).bind(query.client).bind(page.after_at()).bind(page.after_id())
            .bind(page.limit)
            .fetch_all(pool).await)?)
    }

    pub async fn insert_audit_event(&self, e: &AuditEvent) -> Result<(), StoreError> {
        let sql = "INSERT INTO audit_events (id, at, kind, actor, subject, client_id, deployment_id, ip, \
                   user_agent, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        on_pool_writing!(self, pool => sqlx::query(sql)
            .bind(&e.id).bind(e.at).bind(&e.kind).bind(&e.actor).bind(&e.subject).bind(&e.client_id)
            .bind(&e.deployment_id).bind(&e.ip).bind(&e.user_agent).bind(&e.detail)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Newest first; `subject` narrows to one user.
    pub async fn audit_events(
        &self,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = "SELECT id, at, kind, actor, subject, client_id, deployment_id, ip, user_agent, detail \
                   FROM audit_events WHERE ($1 IS NULL OR subject = $1) ORDER BY at DESC, id DESC LIMIT $2";
        Ok(on_pool!(self, pool => sqlx::query_as::<_, AuditEvent>(sql).bind(subject).bind(limit)
            .fetch_all(pool).await)?)
    }
}
