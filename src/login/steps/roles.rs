//! The client's roles: a client with `allowed_roles` admits only those.

use super::{Ctx, Need};
use crate::oidc::error::{ErrorCode, OAuthError};

pub fn needed(ctx: &Ctx<'_>) -> Option<Need> {
    let why = "this account may not use this application";
    (!ctx.policy.role_admitted).then(|| Need::Refuse(OAuthError::new(ErrorCode::AccessDenied, why)))
}
