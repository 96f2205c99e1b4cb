//! `/api/admin`: the Admin Portal's API (deployments, members and their
//! sessions, invitations, clients, the policy answer, audit). Every call needs an access token
//! with `careid:admin` from a two-factor sign-in, held by an administrator
//! (their own deployment) or a platform operator (every deployment); errors
//! are RFC 9457 problem details, lists are paged by cursor, resources carry
//! an ETag and updates need `If-Match`. The CLI calls the same domain
//! functions.

mod audit;
mod caller;
mod clients;
mod deployments;
mod input;
mod invitations;
mod members;
mod page;
mod policy;
pub mod problem;
mod sessions;
mod users;

use axum::routing::any;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use problem::Problem;

pub const SCOPE: &str = "careid:admin";

/// Schemas only query parameters name (the paths collect the rest).
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(members::MemberStatus, invitations::InvitationStatus, crate::people::Role)))]
struct QuerySchemas;

/// The admin API's routes, each with its OpenAPI path.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(<QuerySchemas as utoipa::OpenApi>::openapi())
        .routes(routes!(deployments::show_own, deployments::update_own))
        .routes(routes!(deployments::list, deployments::create))
        .routes(routes!(deployments::show, deployments::update))
        .routes(routes!(members::list))
        .routes(routes!(members::show, members::update))
        .routes(routes!(members::disable))
        .routes(routes!(members::enable))
        .routes(routes!(members::reset_second_factors))
        .routes(routes!(members::unlock))
        .routes(routes!(members::resend_verification))
        .routes(routes!(sessions::list, sessions::end_all))
        .routes(routes!(sessions::end_one))
        .routes(routes!(invitations::list, invitations::create))
        .routes(routes!(invitations::show))
        .routes(routes!(invitations::resend))
        .routes(routes!(invitations::revoke))
        .routes(routes!(audit::list))
        .routes(routes!(audit::export))
        .routes(routes!(clients::list, clients::create))
        .routes(routes!(clients::show, clients::update, clients::remove))
        .routes(routes!(clients::rotate_secret))
        .routes(routes!(policy::explain))
        .routes(routes!(users::reset_mfa))
        .routes(routes!(users::unlock))
        .route("/api/admin/{*rest}", any(no_such_resource))
}

/// Any other path under `/api/admin` (the routes above win over this one).
async fn no_such_resource() -> Problem {
    Problem::not_found("resource")
}
