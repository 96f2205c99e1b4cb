//! The second factor the person, their role, their deployment, the client or
//! the request asks for: a passkey for someone who has one, else a code by
//! SMS. A first number is enrolled only right after the password (an older
//! session types it again first), and only where the account has no second
//! factor at all.

use super::{Ctx, Need};
use crate::login::policy::Needed;
use crate::oidc::error::{ErrorCode, OAuthError};

pub fn needed(ctx: &Ctx<'_>) -> Option<Need> {
    let passkey_only = match ctx.policy.needed(ctx.level) {
        Needed::Enough => return None,
        Needed::Unmet => {
            let why = "the required acr cannot be satisfied";
            return Some(Need::Refuse(OAuthError::new(ErrorCode::UnmetAuthenticationRequirements, why)));
        }
        Needed::Passkey => true,
        Needed::SecondFactor => false,
    };
    let passkey = passkey_only || ctx.policy.has_passkey;
    if !passkey && ctx.user.verified_phone().is_none() && !ctx.fresh {
        return Some(Need::SignInAgain);
    }
    let page = if passkey { "/login/passkey/confirm" } else { "/login/sms" };
    Some(Need::Page { page, silent: ErrorCode::InteractionRequired, why: "a second factor is required" })
}
