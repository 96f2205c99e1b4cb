//! Invitations: stored by token digest, redeemed once, atomically with the
//! account they create.

use serde::Serialize;

use super::users::insert_user_query;
use super::{Keyset, Store, StoreError, on_pool, on_pool_writing};
use crate::people::{NewUser, User};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Invitation {
    pub id: String,
    #[serde(skip)]
    pub token_hash: String,
    pub role: String,
    pub deployment_id: String,
    pub inviter_id: Option<String>,
    pub email: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub redeemed_at: Option<i64>,
    pub redeemed_by: Option<String>,
    pub revoked_at: Option<i64>,
    pub sent_at: Option<i64>,
    /// The language the invitation was written in (a code of [`crate::i18n::Lang`]).
    pub locale: Option<String>,
    /// The client the invitation leads to (`None`: the deployment's default for its role).
    pub client_id: Option<String>,
}

impl Invitation {
    /// Open: neither redeemed, revoked nor expired.
    pub fn is_open(&self, now: i64) -> bool {
        self.redeemed_at.is_none() && self.revoked_at.is_none() && self.expires_at > now
    }
}

const COLUMNS: &str = "id, token_hash, role, deployment_id, inviter_id, email, created_at, expires_at, \
    redeemed_at, redeemed_by, revoked_at, sent_at, locale, client_id";

/// How a redemption ended.
#[derive(Debug)]
pub enum Redemption {
    Created(Box<User>),
    /// Unknown, used, revoked or expired: callers show one neutral page for all.
    NotOpen,
    EmailTaken,
}

/// The SQL condition for an invitation status (`$1` is now).
fn status_condition(status: Option<&str>) -> &'static str {
    match status {
        None => "TRUE",
        Some("redeemed") => "redeemed_at IS NOT NULL",
        Some("revoked") => "redeemed_at IS NULL AND revoked_at IS NOT NULL",
        Some("expired") => "redeemed_at IS NULL AND revoked_at IS NULL AND expires_at <= $1",
        Some("open") => "redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
        Some(_) => "FALSE",
    }
}

impl Store {
    /// A page of invitations in creation order: of `deployment` (`None`:
    /// every one), with `status` (open, redeemed, revoked, expired) and `role`.
    pub async fn page_invitations(
        &self,
        deployment: Option<&str>,
        status: Option<&str>,
        role: Option<&str>,
        now: i64,
        page: &Keyset,
    ) -> Result<Vec<Invitation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM invitations WHERE {} AND ($2 IS NULL OR deployment_id = $2) \
             AND ($3 IS NULL OR role = $3) \
             AND ($4 IS NULL OR created_at > $4 OR (created_at = $4 AND id > $5)) \
             ORDER BY created_at, id LIMIT $6",
            status_condition(status)
        );
        Ok(on_pool!(self, pool => sqlx::query_as::<_, Invitation>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(now).bind(deployment).bind(role).bind(page.after_at()).bind(page.after_id()).bind(page.limit)
            .fetch_all(pool).await)?)
    }

    pub async fn insert_invitation(&self, i: &Invitation) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO invitations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        on_pool_writing!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&i.id).bind(&i.token_hash).bind(&i.role).bind(&i.deployment_id).bind(&i.inviter_id)
            .bind(&i.email).bind(i.created_at).bind(i.expires_at).bind(i.redeemed_at).bind(&i.redeemed_by)
            .bind(i.revoked_at).bind(i.sent_at).bind(&i.locale).bind(&i.client_id)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn invitation_by_token_hash(&self, token_hash: &str) -> Result<Option<Invitation>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM invitations WHERE token_hash = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Invitation>(sqlx::AssertSqlSafe(sql.as_str())).bind(token_hash).fetch_optional(pool).await)?,
        )
    }

    pub async fn invitation(&self, id: &str) -> Result<Option<Invitation>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM invitations WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Invitation>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await)?,
        )
    }

    /// The invitation that created the account `user_id`, if it came through one.
    pub async fn invitation_redeemed_by(&self, user_id: &str) -> Result<Option<Invitation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM invitations WHERE redeemed_by = $1 ORDER BY redeemed_at DESC LIMIT 1"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Invitation>(sqlx::AssertSqlSafe(sql.as_str())).bind(user_id).fetch_optional(pool).await)?,
        )
    }

    /// Invitations made by `inviter` (or by the operator when `None`), newest first.
    pub async fn invitations_by(
        &self,
        inviter: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Invitation>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM invitations WHERE ($1 IS NULL AND inviter_id IS NULL) OR inviter_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Invitation>(sqlx::AssertSqlSafe(sql.as_str())).bind(inviter).bind(limit).fetch_all(pool).await)?,
        )
    }

    pub async fn revoke_invitation(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND redeemed_at IS NULL";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Replaces the token of an open invitation (a resend makes a new link and voids the old).
    pub async fn replace_invitation_token(
        &self,
        id: &str,
        token_hash: &str,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE invitations SET token_hash = $1, expires_at = $2 \
                   WHERE id = $3 AND revoked_at IS NULL AND redeemed_at IS NULL";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(token_hash).bind(expires_at).bind(id)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn mark_invitation_sent(&self, id: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE invitations SET sent_at = $1 WHERE id = $2";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Marks the invitation redeemed and creates the account in one transaction:
    /// of two simultaneous redemptions exactly one creates an account.
    pub async fn redeem_invitation(
        &self,
        token_hash: &str,
        new: &NewUser,
        verify_by: Option<i64>,
        now: i64,
    ) -> Result<Redemption, StoreError> {
        let user_id = uuid::Uuid::now_v7().to_string();
        let claim = "UPDATE invitations SET redeemed_at = $1, redeemed_by = NULL \
                     WHERE token_hash = $2 AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > $1";
        let link = "UPDATE invitations SET redeemed_by = $1 WHERE token_hash = $2";
        macro_rules! redeem {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let claimed =
                    sqlx::query(claim).bind(now).bind(token_hash).execute(&mut *tx).await?.rows_affected();
                if claimed == 0 {
                    return Ok(Redemption::NotOpen);
                }
                let inserted = insert_user_query!(&user_id, new, now, verify_by)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if inserted == 0 {
                    // Rolled back on drop: the invitation stays open.
                    return Ok(Redemption::EmailTaken);
                }
                sqlx::query(link).bind(&user_id).bind(token_hash).execute(&mut *tx).await?;
                tx.commit().await?;
            }};
        }
        match &self.db {
            super::Db::Sqlite(pool) => redeem!(pool),
            super::Db::Postgres(pool) => redeem!(pool),
        }
        let user = self
            .user_by_id(&user_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("redeemed user vanished".into()))?;
        Ok(Redemption::Created(Box::new(user)))
    }
}
