//! Consent: a client that is not first-party asks once per user and set of
//! scopes (again with `prompt=consent`).

use super::{Ctx, Need, StepError};
use crate::oidc::authorize::request::Prompt;
use crate::oidc::error::ErrorCode;

pub async fn needed(ctx: &Ctx<'_>) -> Result<Option<Need>, StepError> {
    if ctx.client.first_party || ctx.consent_given {
        return Ok(None);
    }
    let granted = ctx.state.store.consented_scopes(&ctx.user.id, &ctx.client.id).await?;
    let covered = ctx.request.scopes.iter().all(|s| granted.contains(s));
    if covered && !ctx.request.has_prompt(Prompt::Consent) {
        return Ok(None);
    }
    Ok(Some(Need::Page { page: "/consent", silent: ErrorCode::ConsentRequired, why: "consent is required" }))
}
