//! Invite-only onboarding: deployments as declared, invitations, the sign-up
//! an invitation leads to, proving an email address, resetting a forgotten password.

pub mod api;
pub mod config;
pub mod deployment_change;
pub mod deployments;
pub mod invitation_view;
pub mod invitations;
pub mod journey;
mod journey_page;
pub mod password_reset;
pub mod signup;
mod signup_page;
pub mod verification;

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The pages people use: sign-up, email verification, password reset.
pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/invite/{token}", get(signup_page::show).post(signup_page::submit))
        .route("/start/{client}", get(journey_page::start))
        .merge(verification::routes())
        .merge(password_reset::routes())
}

/// The invitation API (bearer tokens, no cookies), with its OpenAPI paths.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::list, api::create))
        .routes(routes!(api::revoke))
        .routes(routes!(api::resend))
}
