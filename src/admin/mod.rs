//! `/api/admin`: what an administrator of a deployment may change over HTTP,
//! with an access token carrying `careid:admin` issued to them: the
//! deployment's sign-in policy, and resetting or unlocking a member's second
//! factors. The operator does the same with `careid deployments update` and
//! `careid users reset-mfa` / `unlock`.

mod policy;
mod users;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};

use crate::AppState;
use crate::accounts::{Role, User};
use crate::web::bearer::BearerUser;
use crate::web::json_error;

pub const SCOPE: &str = "careid:admin";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/admin/deployment", get(policy::show).patch(policy::update))
        .route("/api/admin/users/{id}/reset-mfa", post(users::reset_mfa))
        .route("/api/admin/users/{id}/unlock", post(users::unlock))
}

/// An administrator calling with `careid:admin`; they act on their own deployment only.
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
        Ok(Admin(caller.user))
    }
}
