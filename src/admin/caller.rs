//! Who calls the admin API: a `careid:admin` access token from a two-factor
//! sign-in (RFC 9470 step-up otherwise), held by an administrator, who
//! manages their own deployment, or a platform operator, who manages every
//! deployment.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;

use super::SCOPE;
use super::problem::Problem;
use crate::AppState;
use crate::login::acr::Level;
use crate::people::{Role, User};
use crate::web::bearer::BearerUser;

pub struct Caller(pub User, pub(super) Option<String>);

impl Caller {
    pub fn id(&self) -> &str {
        &self.0.id
    }

    /// The client the caller's token was issued to.
    pub fn client(&self) -> Option<&str> {
        self.1.as_deref()
    }

    pub fn is_operator(&self) -> bool {
        self.0.operator
    }

    /// The one deployment the caller may see (`None`: an operator sees all).
    pub fn only(&self) -> Option<&str> {
        (!self.is_operator()).then_some(self.0.deployment_id.as_str())
    }

    pub fn manages(&self, deployment_id: &str) -> bool {
        self.is_operator() || self.0.deployment_id == deployment_id
    }

    /// The deployment a list is narrowed to, given the one `asked` for:
    /// `Some(None)` every one (an operator asking for none), `None` when an
    /// administrator asks for another's (which has nothing for them).
    pub fn deployment_filter<'a>(&'a self, asked: Option<&'a str>) -> Option<Option<&'a str>> {
        match (self.only(), asked) {
            (Some(own), Some(asked)) if own != asked => None,
            (Some(own), _) => Some(Some(own)),
            (None, asked) => Some(asked),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let bearer = BearerUser::from_request_parts(parts, state).await?;
        bearer.require(SCOPE)?;
        if bearer.user.role() != Some(Role::Admin) && !bearer.user.operator {
            return Err(Problem::forbidden("only administrators and operators may use this API"));
        }
        if !bearer.acr.as_deref().and_then(Level::parse).is_some_and(Level::is_multi_factor) {
            return Err(step_up_required());
        }
        Ok(Caller(bearer.user, bearer.client_id))
    }
}

/// RFC 9470: a token from a password-only sign-in is not enough to change
/// security policy; the client sends the administrator back to `/authorize`
/// with the `acr_values` named here and tries again with the new token.
fn step_up_required() -> Problem {
    let why = "administration needs a sign-in with two factors";
    let challenge = format!(
        "Bearer error=\"insufficient_user_authentication\", error_description=\"{why}\", acr_values=\"{}\"",
        Level::Mfa
    );
    Problem {
        challenge: Some(challenge),
        ..Problem::new(StatusCode::UNAUTHORIZED, "insufficient_user_authentication", why)
    }
}
