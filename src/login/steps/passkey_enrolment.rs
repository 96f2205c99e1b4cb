//! "Biometric login mandatory": a member of a deployment with
//! `passkey_required` who has no passkey adds one, right after the password.

use super::{Ctx, Need};
use crate::oidc::error::ErrorCode;

pub fn needed(ctx: &Ctx<'_>) -> Option<Need> {
    if !ctx.policy.passkey_enrolment {
        return None;
    }
    if !ctx.fresh {
        return Some(Need::SignInAgain);
    }
    Some(Need::Page {
        page: "/login/passkey/register",
        silent: ErrorCode::InteractionRequired,
        why: "the user must register a passkey first",
    })
}
