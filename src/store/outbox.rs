//! The email outbox: messages wait here until a transport accepts them.

use super::{Store, StoreError, on_pool};

/// No `Debug`: bodies carry single-use links.
#[derive(Clone, sqlx::FromRow)]
pub struct OutgoingEmail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

const COLUMNS: &str = "id, recipient, subject, text_body, html_body, created_at, attempts, next_attempt_at, sent_at, last_error";

impl Store {
    pub async fn enqueue_email(&self, m: &OutgoingEmail) -> Result<(), StoreError> {
        let sql =
            format!("INSERT INTO email_outbox ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&m.id).bind(&m.recipient).bind(&m.subject).bind(&m.text_body).bind(&m.html_body)
            .bind(m.created_at).bind(m.attempts).bind(m.next_attempt_at).bind(m.sent_at).bind(&m.last_error)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn due_emails(&self, now: i64, limit: i64) -> Result<Vec<OutgoingEmail>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM email_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at LIMIT $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, OutgoingEmail>(&sql).bind(now).bind(limit).fetch_all(pool).await)?,
        )
    }

    /// Claims a due message for one attempt (several nodes never send one twice at once).
    pub async fn claim_email(&self, id: &str, seen_next: i64, retry_at: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE email_outbox SET next_attempt_at = $1, attempts = attempts + 1 \
                   WHERE id = $2 AND next_attempt_at = $3 AND sent_at IS NULL";
        let n = on_pool!(self, pool => sqlx::query(sql).bind(retry_at).bind(id).bind(seen_next)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn mark_email_sent(&self, id: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE email_outbox SET sent_at = $1, last_error = NULL WHERE id = $2";
        on_pool!(self, pool => sqlx::query(sql).bind(now).bind(id).execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn mark_email_failed(&self, id: &str, error: &str) -> Result<(), StoreError> {
        let sql = "UPDATE email_outbox SET last_error = $1 WHERE id = $2";
        on_pool!(self, pool => sqlx::query(sql).bind(error).bind(id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Newest first (tests and operators).
    pub async fn recent_emails(&self, limit: i64) -> Result<Vec<OutgoingEmail>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM email_outbox ORDER BY created_at DESC, id DESC LIMIT $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, OutgoingEmail>(&sql).bind(limit).fetch_all(pool).await)?,
        )
    }
}
