//! Creating accounts: the checks every new account passes, whoever creates it.

use super::password::PasswordHasherPool;
use super::password_policy;
use super::{Email, NewUser, Role, Status, User};

use crate::secret::Secret;
use crate::store::{Store, StoreError};

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A new account as an operator or an administrator types it, not yet checked.
#[derive(Debug, Clone)]
pub struct NewUserInput {
    pub email: String,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub role: String,
    /// `None`: the `default` deployment.
    pub deployment: Option<String>,
    /// `None`: no password yet (one is set later, through an invitation).
    pub password: Option<Secret>,
    pub email_verified: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    InvalidEmail(String),
    #[error("{0}")]
    InvalidRole(String),
    #[error("name is empty")]
    EmptyName,
    #[error("no deployment {0:?}")]
    UnknownDeployment(String),
    #[error("a password needs {PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters")]
    PasswordLength,
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub async fn create_user(
    store: &Store,
    passwords: &PasswordHasherPool,
    new: NewUserInput,
    now: i64,
) -> Result<User, AccountError> {
    let email = Email::parse(&new.email).map_err(AccountError::InvalidEmail)?;
    let role = Role::parse(&new.role).map_err(AccountError::InvalidRole)?;
    let name = new.name.trim();
    if name.is_empty() {
        return Err(AccountError::EmptyName);
    }
    let deployment_id = new.deployment.unwrap_or_else(|| "default".into());
    if store.deployment(&deployment_id).await?.is_none() {
        return Err(AccountError::UnknownDeployment(deployment_id));
    }
    let password_hash = match &new.password {
        Some(password) => {
            let password = password_policy::normalize(password.expose());
            let chars = password.chars().count();
            if !(PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&chars) {
                return Err(AccountError::PasswordLength);
            }
            Some(passwords.hash(&password).await)
        }
        None => None,
    };
    let optional = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let user = NewUser {
        email,
        name: name.to_string(),
        given_name: optional(new.given_name),
        family_name: optional(new.family_name),
        role,
        deployment_id,
        password_hash,
        email_verified: new.email_verified,
    };
    store.insert_user(&user, now).await?.ok_or(AccountError::EmailTaken)
}

/// Enables or disables an account; disabling also revokes every grant it holds,
/// so its refresh and access tokens stop working at once (sessions end at
/// their next use, which checks the status).
pub async fn set_status(store: &Store, user_id: &str, status: Status, now: i64) -> Result<(), AccountError> {
    store.set_user_status(user_id, status, now).await?;
    if status == Status::Disabled {
        store.revoke_user_grants(user_id, "account disabled", now).await?;
    }
    Ok(())
}
