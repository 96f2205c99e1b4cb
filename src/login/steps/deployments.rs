//! The client's deployments: a client bound to deployments admits only their
//! members, so a clinician of one deployment cannot use another's portal.

use super::{Ctx, Need};
use crate::oidc::error::{ErrorCode, OAuthError};

pub fn needed(ctx: &Ctx<'_>) -> Option<Need> {
    let why = "this application does not serve this account's deployment";
    (!ctx.policy.deployment_admitted).then(|| Need::Refuse(OAuthError::new(ErrorCode::AccessDenied, why)))
}
