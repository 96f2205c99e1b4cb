//! Users: accounts, password hashes, failure counters and locks.

use super::{Store, StoreError, on_pool, on_pool_writing};
use crate::people::{NewUser, Status, User};

pub(super) const COLUMNS: &str = "id, email, email_normalized, name, given_name, family_name, role, deployment_id, \
    password_hash, email_verified, phone_number, phone_verified, status, failed_logins, locked_until, \
    sessions_valid_after, created_at, updated_at, verify_by, verification_reminded_at, two_step_enabled, \
    sms_failures, sms_locked_until, locale, operator, version";

/// Creating a user: `$1` id, then the [`NewUser`] fields, `$11` now, `$12` verify_by;
/// nothing happens when the email is taken. Bound by [`insert_user_query!`].
pub(super) const INSERT_USER: &str = "INSERT INTO users (id, email, email_normalized, name, given_name, \
    family_name, role, deployment_id, password_hash, email_verified, phone_verified, status, failed_logins, \
    sessions_valid_after, created_at, updated_at, verify_by) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE, 'active', 0, 0, $11, $11, $12) \
    ON CONFLICT (email_normalized) DO NOTHING";

/// [`INSERT_USER`] with its parameters bound.
macro_rules! insert_user_query {
    ($id:expr, $new:expr, $now:expr, $verify_by:expr) => {
        sqlx::query($crate::store::users::INSERT_USER)
            .bind($id)
            .bind($new.email.as_str())
            .bind($new.email.as_str())
            .bind(&$new.name)
            .bind(&$new.given_name)
            .bind(&$new.family_name)
            .bind($new.role.as_str())
            .bind(&$new.deployment_id)
            .bind(&$new.password_hash)
            .bind($new.email_verified)
            .bind($now)
            .bind($verify_by)
    };
}
pub(super) use insert_user_query;

impl Store {
    /// Creates a user; `Ok(None)` when the email is already taken.
    pub async fn insert_user(&self, new: &NewUser, now: i64) -> Result<Option<User>, StoreError> {
        let id = uuid::Uuid::now_v7().to_string();
        let inserted = on_pool!(self, pool => insert_user_query!(&id, new, now, None::<i64>)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        if inserted == 0 {
            return Ok(None);
        }
        self.user_by_id(&id).await
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await)?,
        )
    }

    /// By normalised email (see [`crate::people::Email`]).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE email_normalized = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql.as_str())).bind(email).fetch_optional(pool).await)?,
        )
    }

    pub async fn list_users(&self, deployment: Option<&str>) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM users WHERE ($1 IS NULL OR deployment_id = $1) ORDER BY email_normalized"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql.as_str())).bind(deployment).fetch_all(pool).await)?,
        )
    }

    /// Counts a failed sign-in; at `lock_after` failures the account locks until
    /// `lock_until`. Returns the new failure count.
    pub async fn record_login_failure(
        &self,
        user_id: &str,
        lock_after: i64,
        lock_until: i64,
    ) -> Result<i64, StoreError> {
        let sql = "UPDATE users SET failed_logins = failed_logins + 1, \
            locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END \
            WHERE id = $3 RETURNING failed_logins";
        let (count,): (i64,) = on_pool_writing!(self, pool => sqlx::query_as(sql)
            .bind(lock_after).bind(lock_until).bind(user_id).fetch_one(pool).await)?;
        Ok(count)
    }

    /// Clears the failure count and any lock (a successful sign-in, or an operator).
    pub async fn clear_login_failures(&self, user_id: &str) -> Result<(), StoreError> {
        let sql =
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND failed_logins > 0";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn set_user_status(&self, user_id: &str, status: Status, now: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE users SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(status.as_str()).bind(now).bind(user_id)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Marks the email verified and lifts the deadline.
    pub async fn mark_email_verified(&self, user_id: &str, now: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE users SET email_verified = TRUE, verify_by = NULL, updated_at = $1 WHERE id = $2";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(user_id)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The email is unverified and must be verified before `deadline` (a new
    /// deadline also allows a new reminder).
    pub async fn set_verification_deadline(
        &self,
        user_id: &str,
        deadline: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE users SET email_verified = FALSE, verify_by = $1, verification_reminded_at = NULL, \
                   updated_at = $2 WHERE id = $3";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(deadline).bind(now).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Unverified users not yet reminded whose deadline is in less than `within` seconds.
    pub async fn users_to_remind(&self, now: i64, within: i64, limit: i64) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM users WHERE email_verified = FALSE AND verify_by IS NOT NULL \
             AND verification_reminded_at IS NULL AND verify_by > $1 AND verify_by < $2 \
             ORDER BY verify_by LIMIT $3"
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(now + within).bind(limit)
            .fetch_all(pool).await)?,
        )
    }

    /// Claims the one reminder of the current deadline (of concurrent claims, one wins).
    pub async fn claim_verification_reminder(&self, user_id: &str, now: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE users SET verification_reminded_at = $1 \
                   WHERE id = $2 AND verification_reminded_at IS NULL AND email_verified = FALSE";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(user_id)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Replaces the password hash and clears failed sign-ins and their lock.
    pub async fn set_password_hash(&self, user_id: &str, hash: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 \
                   WHERE id = $3";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(hash).bind(now).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }

    /// Ends every browser session that signed in before `now` (checked at each use).
    pub async fn end_user_sessions(&self, user_id: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE users SET sessions_valid_after = $1, updated_at = $1 WHERE id = $2";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }
}

impl Store {
    pub async fn update_password_hash(&self, user_id: &str, hash: &str, now: i64) -> Result<(), StoreError> {
        let sql = "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(hash).bind(now).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }

    pub async fn update_user_name(
        &self,
        user_id: &str,
        given_name: &str,
        family_name: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql =
            "UPDATE users SET given_name = $1, family_name = $2, name = $3, updated_at = $4 WHERE id = $5";
        let name = format!("{given_name} {family_name}").trim().to_string();
        on_pool_writing!(self, pool => sqlx::query(sql).bind(given_name).bind(family_name).bind(&name).bind(now).bind(user_id)
            .execute(pool).await.map(drop))?;
        Ok(())
    }

    /// The person's language (`None`: not chosen).
    pub async fn set_user_locale(
        &self,
        user_id: &str,
        locale: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE users SET locale = $1, updated_at = $2 WHERE id = $3";
        on_pool_writing!(self, pool => sqlx::query(sql).bind(locale).bind(now).bind(user_id).execute(pool).await.map(drop))?;
        Ok(())
    }
}
