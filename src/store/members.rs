//! A deployment's members as administrators see them: searched, filtered and
//! paged, and the changes only an operator or administrator makes.

use super::{Keyset, Store, StoreError, on_pool, on_pool_writing, users::COLUMNS};
use crate::people::User;

/// Which members to list; every field narrows, `None` does not.
#[derive(Debug, Clone, Default)]
pub struct MemberQuery<'a> {
    /// `None`: every deployment (an operator's view).
    pub deployment: Option<&'a str>,
    /// Part of the email address, any case.
    pub email: Option<&'a str>,
    /// Part of the name, any case.
    pub name: Option<&'a str>,
    pub role: Option<&'a str>,
    /// `active`, `disabled`, `locked`, `unverified` or `no_second_factor`;
    /// anything else matches nobody.
    pub status: Option<&'a str>,
    pub now: i64,
}

/// The SQL condition for a member status (`$1` is now).
fn status_condition(status: Option<&str>) -> &'static str {
    match status {
        None => "TRUE",
        Some("active") => "status = 'active'",
        Some("disabled") => "status = 'disabled'",
        Some("locked") => "(locked_until > $1 OR sms_locked_until > $1)",
        Some("unverified") => "email_verified = FALSE",
        Some("no_second_factor") => {
            "NOT (phone_verified AND phone_number IS NOT NULL) \
             AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = users.id)"
        }
        Some(_) => "FALSE",
    }
}

/// `%part%` for LIKE, with the pattern characters of `part` taken literally.
pub(super) fn contains(part: Option<&str>) -> Option<String> {
    part.map(|p| format!("%{}%", super::escape_like(&p.to_lowercase())))
}

impl Store {
    /// Members matching `query`, a page at a time in creation order.
    pub async fn list_members(
        &self,
        query: &MemberQuery<'_>,
        page: &Keyset,
    ) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM users WHERE {} \
             AND ($2 IS NULL OR deployment_id = $2) \
             AND ($3 IS NULL OR email_normalized LIKE $3 ESCAPE '\\') \
             AND ($4 IS NULL OR LOWER(name) LIKE $4 ESCAPE '\\') \
             AND ($5 IS NULL OR role = $5) \
             AND ($6 IS NULL OR created_at > $6 OR (created_at = $6 AND id > $7)) \
             ORDER BY created_at, id LIMIT $8",
            status_condition(query.status)
        );
        let (email, name) = (contains(query.email), contains(query.name));
        Ok(on_pool!(self, pool => sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(query.now).bind(query.deployment).bind(&email).bind(&name).bind(query.role)
            .bind(page.after_at()).bind(page.after_id()).bind(page.limit)
            .fetch_all(pool).await)?)
    }

    /// Gives or takes the operator right; `false` when there is no such user.
    pub async fn set_operator(&self, user_id: &str, operator: bool, now: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE users SET operator = $1, updated_at = $2, version = version + 1 WHERE id = $3";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(operator).bind(now).bind(user_id)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Changes the role if the account is still at `version` (what the caller
    /// read); `false` when another change came first.
    pub async fn set_role_if(
        &self,
        user_id: &str,
        role: &str,
        version: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let sql = "UPDATE users SET role = $1, updated_at = $2, version = version + 1 \
                   WHERE id = $3 AND version = $4";
        let n = on_pool_writing!(self, pool => sqlx::query(sql).bind(role).bind(now).bind(user_id).bind(version)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
