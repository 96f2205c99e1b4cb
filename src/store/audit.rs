//! Audit events: who did what to whom, from where.

use serde::Serialize;

use super::{Store, StoreError, on_pool};

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

impl Store {
    pub async fn insert_audit_event(&self, e: &AuditEvent) -> Result<(), StoreError> {
        let sql = "INSERT INTO audit_events (id, at, kind, actor, subject, client_id, deployment_id, ip, \
                   user_agent, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        on_pool!(self, pool => sqlx::query(sql)
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
