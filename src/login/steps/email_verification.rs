//! Email verification: an account past its deadline (`verify_by`) signs in
//! nowhere until it verifies; the page offers a new link.

use super::{Ctx, Need};
use crate::oidc::error::ErrorCode;
use crate::onboarding::verification;

pub const PAGE: &str = "/login/verify-email";

pub fn needed(ctx: &Ctx<'_>) -> Option<Need> {
    verification::is_overdue(ctx.user, ctx.state.clock.now()).then_some(Need::Page {
        page: PAGE,
        silent: ErrorCode::InteractionRequired,
        why: "the user must verify their email address first",
    })
}
