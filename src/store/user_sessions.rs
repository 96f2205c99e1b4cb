//! The durable index of browser sessions by user, so people can see and end
//! them; the sessions themselves live in the ephemeral store.

use serde::Serialize;

use super::{Store, StoreError, on_pool, on_pool_writing};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct UserSession {
    pub sid: String,
    pub user_id: String,
    #[serde(skip)]
    pub session_key: String,
    pub created_at: i64,
    pub last_seen: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub ended_at: Option<i64>,
}

const COLUMNS: &str = "sid, user_id, session_key, created_at, last_seen, ip, user_agent, ended_at";

impl Store {
    pub async fn insert_user_session(&self, s: &UserSession) -> Result<(), StoreError> {
        let sql = format!("INSERT INTO user_sessions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        on_pool_writing!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&s.sid).bind(&s.user_id).bind(&s.session_key).bind(s.created_at).bind(s.last_seen)
            .bind(&s.ip).bind(&s.user_agent).bind(s.ended_at)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn touch_user_session(&self, sid: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE user_sessions SET last_seen = $1 WHERE sid = $2";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(sid).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Marks a session ended; returns it when it was still open.
    pub async fn end_user_session(&self, sid: &str, now: i64) -> Result<Option<UserSession>, StoreError> {
        let sql = format!(
            "UPDATE user_sessions SET ended_at = $1 WHERE sid = $2 AND ended_at IS NULL RETURNING {COLUMNS}"
        );
        Ok(
            on_pool_writing!(self, pool => sqlx::query_as::<_, UserSession>(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(sid).fetch_optional(pool).await)?,
        )
    }

    pub async fn end_user_session_by_key(&self, session_key: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE user_sessions SET ended_at = $1 WHERE session_key = $2 AND ended_at IS NULL";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(session_key).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Sessions of a user that have not ended and were used since `active_since`.
    pub async fn open_user_sessions(
        &self,
        user_id: &str,
        active_since: i64,
    ) -> Result<Vec<UserSession>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM user_sessions WHERE user_id = $1 AND ended_at IS NULL AND last_seen >= $2 \
             ORDER BY last_seen DESC"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, UserSession>(sqlx::AssertSqlSafe(sql.as_str())).bind(user_id).bind(active_since).fetch_all(pool).await)?,
        )
    }
}
