//! Grants (one per code redemption), their refresh-token families, and revoked access tokens.

use super::audit::insert_audit_query;
use super::{AuditEvent, Store, StoreError, in_transaction, on_pool, on_pool_writing};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Grant {
    pub id: String,
    pub client_id: String,
    pub user_id: String,
    pub sid: Option<String>,
    pub scope: String,
    pub auth_time: i64,
    pub acr: String,
    /// JSON array.
    pub amr: String,
    pub offline: bool,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub revoked_reason: Option<String>,
    /// The APIs it was made for (RFC 8707), as a JSON array; empty: careid.
    pub resources: String,
    /// The DPoP key a public client's refresh tokens are bound to (RFC 9449 §5).
    pub dpop_jkt: Option<String>,
}

impl Grant {
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }

    pub fn amr(&self) -> Vec<String> {
        serde_json::from_str(&self.amr).unwrap_or_default()
    }

    pub fn resources(&self) -> Vec<String> {
        serde_json::from_str(&self.resources).unwrap_or_default()
    }

    pub fn scopes(&self) -> Vec<String> {
        self.scope.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefreshToken {
    pub token_hash: String,
    pub grant_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub rotated_at: Option<i64>,
}

/// What happened when a refresh token was presented for rotation.
#[derive(Debug)]
pub enum Rotation {
    /// The token was current and is now rotated.
    Rotated(Grant),
    /// The token had been rotated within the client's grace window.
    RetriedWithinGrace(Grant),
    /// The token had been rotated before the grace window: the family is now revoked.
    ReuseDetected,
    /// Unknown, expired, or its grant is revoked or expired.
    Invalid,
}

const GRANT_COLUMNS: &str = "id, client_id, user_id, sid, scope, auth_time, acr, amr, offline, created_at, \
    expires_at, revoked_at, revoked_reason, resources, dpop_jkt";

impl Store {
    /// A new grant, the event recording it and, when it has one, its first
    /// refresh token: one commit.
    pub async fn insert_grant(
        &self,
        g: &Grant,
        first: Option<&RefreshToken>,
        recorded: &AuditEvent,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO grants ({GRANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        );
        in_transaction!(self, tx => {
            sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(&g.id).bind(&g.client_id).bind(&g.user_id).bind(&g.sid).bind(&g.scope)
                .bind(g.auth_time).bind(&g.acr).bind(&g.amr).bind(g.offline).bind(g.created_at)
                .bind(g.expires_at).bind(g.revoked_at).bind(&g.revoked_reason).bind(&g.resources)
                .bind(&g.dpop_jkt)
                .execute(&mut *tx).await?;
            if let Some(t) = first {
                sqlx::query(
                    "INSERT INTO refresh_tokens (token_hash, grant_id, created_at, expires_at, rotated_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&t.token_hash).bind(&g.id).bind(t.created_at).bind(t.expires_at).bind(t.rotated_at)
                .execute(&mut *tx).await?;
            }
            insert_audit_query!(recorded).execute(&mut *tx).await?;
            Ok(())
        })
    }

    pub async fn grant(&self, id: &str) -> Result<Option<Grant>, StoreError> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM grants WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Grant>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await)?,
        )
    }

    /// Revokes one grant (and so its refresh tokens and the access tokens naming it).
    pub async fn revoke_grant(&self, id: &str, reason: &str, now: i64) -> Result<bool, StoreError> {
        let sql =
            "UPDATE grants SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(reason).bind(id)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Revokes the grants made in a browser session, except `offline_access` ones.
    pub async fn revoke_session_grants(&self, sid: &str, reason: &str, now: i64) -> Result<u64, StoreError> {
        let sql = "UPDATE grants SET revoked_at = $1, revoked_reason = $2 \
                   WHERE sid = $3 AND offline = FALSE AND revoked_at IS NULL";
        Ok(on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(reason).bind(sid)
            .execute(pool).await.map(|r| r.rows_affected()))?)
    }

    /// Revokes every grant of a user (password reset, account disabled).
    pub async fn revoke_user_grants(&self, user_id: &str, reason: &str, now: i64) -> Result<u64, StoreError> {
        let sql = "UPDATE grants SET revoked_at = $1, revoked_reason = $2 WHERE user_id = $3 AND revoked_at IS NULL";
        Ok(on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(reason).bind(user_id)
            .execute(pool).await.map(|r| r.rows_affected()))?)
    }

    /// Revokes every grant of a user not made in browser session `sid`,
    /// `offline_access` ones included (a password change).
    pub async fn revoke_user_grants_outside_session(
        &self,
        user_id: &str,
        sid: &str,
        reason: &str,
        now: i64,
    ) -> Result<u64, StoreError> {
        let sql = "UPDATE grants SET revoked_at = $1, revoked_reason = $2 \
                   WHERE user_id = $3 AND (sid IS NULL OR sid <> $4) AND revoked_at IS NULL";
        Ok(on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(reason).bind(user_id).bind(sid)
            .execute(pool).await.map(|r| r.rows_affected()))?)
    }

    /// Stores a grant's new refresh token and, in the same transaction, retires
    /// any other live one, so a grant never has two: a retry within the grace
    /// window whose first answer was lost (a node killed after committing)
    /// supersedes that answer's token. The grant row is locked first, so two
    /// retries racing on one grant still leave one live token.
    pub async fn issue_refresh_token(&self, t: &RefreshToken) -> Result<(), StoreError> {
        in_transaction!(self, tx => {
            sqlx::query("UPDATE grants SET id = id WHERE id = $1").bind(&t.grant_id).execute(&mut *tx).await?;
            sqlx::query("UPDATE refresh_tokens SET rotated_at = $1 WHERE grant_id = $2 AND rotated_at IS NULL")
                .bind(t.created_at).bind(&t.grant_id).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO refresh_tokens (token_hash, grant_id, created_at, expires_at, rotated_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&t.token_hash).bind(&t.grant_id).bind(t.created_at).bind(t.expires_at).bind(t.rotated_at)
            .execute(&mut *tx).await?;
            Ok(())
        })
    }

    pub async fn refresh_token(&self, token_hash: &str) -> Result<Option<RefreshToken>, StoreError> {
        let sql = "SELECT token_hash, grant_id, created_at, expires_at, rotated_at FROM refresh_tokens \
                   WHERE token_hash = $1";
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, RefreshToken>(sql).bind(token_hash).fetch_optional(pool).await)?,
        )
    }

    /// Marks a refresh token rotated in one atomic step, so of two concurrent
    /// uses only one rotates; the other sees a rotated token (grace or reuse).
    pub async fn rotate_refresh_token(
        &self,
        token_hash: &str,
        grace_secs: i64,
        now: i64,
    ) -> Result<Rotation, StoreError> {
        let Some(token) = self.refresh_token(token_hash).await? else { return Ok(Rotation::Invalid) };
        let Some(grant) = self.grant(&token.grant_id).await? else { return Ok(Rotation::Invalid) };
        if !grant.is_live(now) || token.expires_at <= now {
            return Ok(Rotation::Invalid);
        }
        let sql = "UPDATE refresh_tokens SET rotated_at = $1 WHERE token_hash = $2 AND rotated_at IS NULL";
        let won = on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(token_hash)
            .execute(pool).await.map(|r| r.rows_affected()))?
            == 1;
        if won {
            return Ok(Rotation::Rotated(grant));
        }
        let rotated_at = self.refresh_token(token_hash).await?.and_then(|t| t.rotated_at).unwrap_or(0);
        // A grace of 0 means none: a reuse within the same second is still a reuse.
        if grace_secs > 0 && now - rotated_at <= grace_secs {
            return Ok(Rotation::RetriedWithinGrace(grant));
        }
        self.revoke_grant(&grant.id, "refresh token reuse", now).await?;
        Ok(Rotation::ReuseDetected)
    }

    pub async fn revoke_access_token(&self, jti: &str, expires_at: i64) -> Result<(), StoreError> {
        let sql = "INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(jti).bind(expires_at).execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn is_access_token_revoked(&self, jti: &str) -> Result<bool, StoreError> {
        let sql = "SELECT jti FROM revoked_access_tokens WHERE jti = $1";
        let row: Option<(String,)> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(jti).fetch_optional(pool).await)?;
        Ok(row.is_some())
    }

    /// Deletes what can no longer matter: expired grants (with their refresh
    /// tokens) and revocations of access tokens that have expired anyway.
    pub async fn purge_expired_grants(&self, now: i64) -> Result<u64, StoreError> {
        in_transaction!(self, tx => {
            let a = sqlx::query("DELETE FROM refresh_tokens WHERE grant_id IN (SELECT id FROM grants WHERE expires_at < $1)")
                .bind(now).execute(&mut *tx).await?.rows_affected();
            let b = sqlx::query("DELETE FROM grants WHERE expires_at < $1").bind(now).execute(&mut *tx).await?.rows_affected();
            let c = sqlx::query("DELETE FROM revoked_access_tokens WHERE expires_at < $1")
                .bind(now).execute(&mut *tx).await?.rows_affected();
            Ok(a + b + c)
        })
    }
}
