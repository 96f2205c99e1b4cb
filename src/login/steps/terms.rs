//! Terms: for a client with `require_terms`, the first sign-in after a new
//! terms or disclaimer version of the person's deployment asks for acceptance.

use super::{Ctx, Need, StepError};
use crate::AppState;
use crate::oidc::error::ErrorCode;
use crate::people::User;
use crate::store::{Deployment, StoreError};

pub async fn needed(ctx: &Ctx<'_>) -> Result<Option<Need>, StepError> {
    if !ctx.policy.terms || pending(ctx.state, ctx.user).await?.is_empty() {
        return Ok(None);
    }
    Ok(Some(Need::Page {
        page: "/terms",
        silent: ErrorCode::InteractionRequired,
        why: "the user must accept new terms first",
    }))
}

/// `(document, version)` pairs of the deployment the user has not accepted yet.
pub async fn pending(state: &AppState, user: &User) -> Result<Vec<(&'static str, String)>, StoreError> {
    let Some(deployment) = state.store.deployment(&user.deployment_id).await? else { return Ok(Vec::new()) };
    let mut pending = Vec::new();
    for (document, version) in documents(&deployment) {
        if !state.store.has_accepted(&user.id, document, &version).await? {
            pending.push((document, version));
        }
    }
    Ok(pending)
}

/// The documents of deployment `d` people accept: `(document, version)`.
pub fn documents(d: &Deployment) -> Vec<(&'static str, String)> {
    let mut docs = Vec::new();
    if let Some(v) = &d.terms_version {
        docs.push(("terms", v.clone()));
    }
    if let Some(v) = &d.disclaimer_version {
        docs.push(("disclaimer", v.clone()));
    }
    docs
}
