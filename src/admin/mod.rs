//! `/api/admin`: what an administrator of a deployment may change over HTTP,
//! with an access token carrying `careid:admin` issued to them after a
//! two-factor sign-in (RFC 9470 step-up otherwise): the deployment's sign-in
//! policy, and resetting or unlocking a member's second factors. The operator
//! does the same with `careid deployments update` and `careid users reset-mfa`
//! / `unlock`.

mod policy;
mod users;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};

use crate::AppState;
use crate::accounts::{Role, User};
use crate::login::acr;
use crate::web::bearer::BearerUser;
use crate::web::json_error;

pub const SCOPE: &str = "careid:admin";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/admin/deployment", get(policy::show).patch(policy::update))
        .route("/api/admin/users/{id}/reset-mfa", post(users::reset_mfa))
        .route("/api/admin/users/{id}/unlock", post(users::unlock))
}

/// An administrator calling with `careid:admin` from a two-factor sign-in;
/// they act on their own deployment only.
pub struct Admin(pub User);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let caller = BearerUser::from_request_parts(parts, state).await?;
        caller.require(SCOPE)?;
        if caller.user.role() != Some(Role::Admin) {
            return Err(json_error(
                StatusCode::FORBIDDEN,
                "forbidden",
                "only administrators may use this API",
            ));
        }
        if !caller.acr.as_deref().is_some_and(crate::login::policy::is_multi_factor) {
            return Err(step_up_required());
        }
        Ok(Admin(caller.user))
    }
}

/// RFC 9470: a token from a password-only sign-in is not enough to change
/// security policy; the client sends the administrator back to `/authorize`
/// with the `acr_values` named here and tries again with the new token.
fn step_up_required() -> Response {
    let why = "administration needs a sign-in with two factors";
    let mut response = json_error(StatusCode::UNAUTHORIZED, "insufficient_user_authentication", why);
    let challenge = format!(
        "Bearer error=\"insufficient_user_authentication\", error_description=\"{why}\", acr_values=\"{}\"",
        acr::MFA
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
