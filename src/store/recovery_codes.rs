//! Recovery codes, by digest: a fresh set replaces the old one, and using one
//! marks it so it never works twice.

use super::{Store, StoreError, in_transaction, on_pool, on_pool_writing};

impl Store {
    /// Replaces every recovery code of `user_id` with `digests`.
    pub async fn replace_recovery_codes(
        &self,
        user_id: &str,
        digests: &[String],
        now: i64,
    ) -> Result<(), StoreError> {
        in_transaction!(self, tx => {
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            for digest in digests {
                sqlx::query("INSERT INTO recovery_codes (user_id, code_digest, created_at) VALUES ($1, $2, $3)")
                    .bind(user_id)
                    .bind(digest)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }

    /// Marks the unused code `digest` as used; false when there is none (of
    /// concurrent uses of one code, exactly one is true).
    pub async fn use_recovery_code(&self, user_id: &str, digest: &str, now: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE recovery_codes SET used_at = $1 \
                   WHERE user_id = $2 AND code_digest = $3 AND used_at IS NULL";
        let done = on_pool_writing!(self, pool => sqlx::query(sql).bind(now).bind(user_id).bind(digest).execute(pool).await
            .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// How many codes `user_id` has in all, and how many are still unused.
    pub async fn recovery_code_counts(&self, user_id: &str) -> Result<(i64, i64), StoreError> {
        let sql = "SELECT COUNT(*), COUNT(*) - COUNT(used_at) FROM recovery_codes WHERE user_id = $1";
        let counts: (i64, i64) =
            on_pool!(self, pool => sqlx::query_as(sql).bind(user_id).fetch_one(pool).await)?;
        Ok(counts)
    }

    /// Forgets every second factor of `user_id` (an operator's or admin's
    /// reset): the phone, the recovery codes, the passkeys, the SMS failure
    /// count and lock.
    pub async fn reset_second_factors(&self, user_id: &str, now: i64) -> Result<(), StoreError> {
        in_transaction!(self, tx => {
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM passkeys WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            sqlx::query(
                "UPDATE users SET phone_number = NULL, phone_verified = FALSE, sms_failures = 0, \
                 sms_locked_until = NULL, updated_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }
}
