//! Creating accounts: the checks every new account passes, whoever creates it.

use super::password_policy::{self, Refusal};
use super::{Email, NewUser, Role, User};

use crate::Services;
use crate::login::policy;
use crate::secret::Secret;
use crate::store::StoreError;

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
    /// The password rule of the account's role and deployment refused it.
    #[error("password refused: {0}")]
    Password(Refusal),
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates an account; a password it comes with passes the same password rule
/// as one chosen at sign-up.
pub async fn create_user(services: &Services, new: NewUserInput, now: i64) -> Result<User, AccountError> {
    let store = &services.store;
    let email = Email::parse(&new.email).map_err(AccountError::InvalidEmail)?;
    let role = Role::parse(&new.role).map_err(AccountError::InvalidRole)?;
    let name = new.name.trim();
    if name.is_empty() {
        return Err(AccountError::EmptyName);
    }
    let deployment_id = new.deployment.unwrap_or_else(|| "default".into());
    let Some(deployment) = store.deployment(&deployment_id).await? else {
        return Err(AccountError::UnknownDeployment(deployment_id));
    };
    let password_hash = match &new.password {
        Some(password) => {
            let password = password_policy::normalize(password.expose());
            let inputs = [new.email.as_str(), name, deployment.name.as_str()];
            let rule = policy::password_rule(services, Some(role), Some(&deployment));
            rule.check(&password, &inputs).map_err(AccountError::Password)?;
            Some(services.passwords.hash(&password).await)
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
