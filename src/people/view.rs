//! An account as operators and administrators see it (`careid users show`
//! and the admin API's member): its factors and locks, never a secret.

use serde::Serialize;

use super::User;
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub role: String,
    pub deployment: String,
    pub status: String,
    pub operator: bool,
    pub email_verified: bool,
    pub phone_number: Option<String>,
    pub phone_verified: bool,
    pub has_password: bool,
    pub failed_logins: i64,
    pub locked: bool,
    pub locked_until: Option<i64>,
    pub two_step_enabled: bool,
    /// Wrong second-factor codes in a row, and the lock they caused.
    pub second_step_failures: i64,
    pub second_step_locked: bool,
    pub second_step_locked_until: Option<i64>,
    pub recovery_codes_left: i64,
    pub passkeys: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl AccountView {
    /// `user` with the counts of their recovery codes and passkeys.
    pub async fn load(store: &Store, user: &User, now: i64) -> Result<AccountView, StoreError> {
        let (_, recovery_codes_left) = store.recovery_code_counts(&user.id).await?;
        let passkeys = store.passkey_count(&user.id).await?;
        let u = user.clone();
        Ok(AccountView {
            locked: u.is_locked(now),
            second_step_locked: u.sms_locked_until.is_some_and(|until| until > now),
            has_password: u.password_hash.is_some(),
            id: u.id,
            email: u.email,
            name: u.name,
            given_name: u.given_name,
            family_name: u.family_name,
            role: u.role,
            deployment: u.deployment_id,
            status: u.status,
            operator: u.operator,
            email_verified: u.email_verified,
            phone_number: u.phone_number,
            phone_verified: u.phone_verified,
            failed_logins: u.failed_logins,
            locked_until: u.locked_until,
            two_step_enabled: u.two_step_enabled,
            second_step_failures: u.sms_failures,
            second_step_locked_until: u.sms_locked_until,
            recovery_codes_left,
            passkeys,
            created_at: u.created_at,
            updated_at: u.updated_at,
        })
    }
}
