//! The email outbox: messages wait here, bodies sealed, until a transport
//! accepts them; then the bodies are blanked and the row stays as a record.

use super::{Store, StoreError, on_pool, on_pool_writing};

/// A row as stored: `text_body` and `html_body` are sealed while the message
/// waits (see `notify::outbox_seal`) and empty once it is delivered or given up.
/// No `Debug`: a body queued before sealing may still carry a link in clear.
#[derive(Clone, sqlx::FromRow)]
pub struct OutgoingEmail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    /// The From name; `None`: smtp.from's own.
    pub from_name: Option<String>,
    pub text_body: String,
    pub html_body: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
    /// Set when the sender gave up for good (too old, or a body that does not open).
    pub failed_at: Option<i64>,
}

/// A message the sender gave up on, for its warning.
#[derive(sqlx::FromRow)]
pub struct AbandonedEmail {
    pub id: String,
    pub recipient: String,
    pub attempts: i64,
}

const COLUMNS: &str = "id, recipient, subject, text_body, html_body, created_at, attempts, next_attempt_at, sent_at, last_error, failed_at, from_name";

/// Still waiting for a transport.
const PENDING: &str = "sent_at IS NULL AND failed_at IS NULL";

impl Store {
    pub async fn enqueue_email(&self, m: &OutgoingEmail) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO email_outbox ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        on_pool_writing!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&m.id).bind(&m.recipient).bind(&m.subject).bind(&m.text_body).bind(&m.html_body)
            .bind(m.created_at).bind(m.attempts).bind(m.next_attempt_at).bind(m.sent_at).bind(&m.last_error)
            .bind(m.failed_at).bind(&m.from_name)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn due_emails(&self, now: i64, limit: i64) -> Result<Vec<OutgoingEmail>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM email_outbox WHERE {PENDING} AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at LIMIT $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, OutgoingEmail>(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(limit).fetch_all(pool).await)?,
        )
    }

    /// Claims a due message for one attempt (several nodes never send one twice at once).
    pub async fn claim_email(&self, id: &str, seen_next: i64, lease_until: i64) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE email_outbox SET next_attempt_at = $1, attempts = attempts + 1 \
             WHERE id = $2 AND next_attempt_at = $3 AND {PENDING}"
        );
        let n = on_pool_writing!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(lease_until).bind(id).bind(seen_next)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records the delivery and blanks the bodies: the links they carried
    /// have reached the person and need not be kept, even sealed.
    pub async fn mark_email_sent(&self, id: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE email_outbox SET sent_at = $1, last_error = NULL, text_body = '', html_body = '' \
                   WHERE id = $2";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Records a failed attempt; the row is due again at `retry_at`.
    pub async fn mark_email_failed(&self, id: &str, error: &str, retry_at: i64) -> Result<(), StoreError> {
        let sql = "UPDATE email_outbox SET last_error = $1, next_attempt_at = $2 WHERE id = $3";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(error).bind(retry_at).bind(id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Gives up on one message for good (`error` says why) and blanks its bodies.
    pub async fn abandon_email(&self, id: &str, error: &str, now: i64) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE email_outbox SET failed_at = $1, last_error = $2, text_body = '', html_body = '' \
             WHERE id = $3 AND {PENDING}"
        );
        on_pool_writing!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(error).bind(id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Gives up for good on every message queued at or before `queued_by` and
    /// still undelivered, blanking its bodies; the last error is kept.
    pub async fn abandon_emails_queued_by(
        &self,
        queued_by: i64,
        now: i64,
    ) -> Result<Vec<AbandonedEmail>, StoreError> {
        let sql = format!(
            "UPDATE email_outbox SET failed_at = $1, text_body = '', html_body = '' \
             WHERE {PENDING} AND created_at <= $2 RETURNING id, recipient, attempts"
        );
        Ok(
            on_pool_writing!(self, pool => sqlx::query_as::<_, AbandonedEmail>(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(queued_by)
            .fetch_all(pool).await)?,
        )
    }

    /// Newest first, bodies as stored (tests and operators).
    pub async fn recent_emails(&self, limit: i64) -> Result<Vec<OutgoingEmail>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM email_outbox ORDER BY created_at DESC, id DESC LIMIT $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, OutgoingEmail>(sqlx::AssertSqlSafe(sql.as_str())).bind(limit).fetch_all(pool).await)?,
        )
    }
}
