//! Invite-only onboarding: deployments as declared, invitations, the sign-up
//! an invitation leads to, proving an email address, resetting a forgotten password.

pub mod api;
pub mod deployments;
pub mod invitations;
pub mod password_reset;
pub mod signup;
mod signup_page;
pub mod verification;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/invite/{token}", get(signup_page::show).post(signup_page::submit))
        .route("/api/invitations", get(api::list).post(api::create))
        .route("/api/invitations/{id}", delete(api::revoke))
        .route("/api/invitations/{id}/resend", post(api::resend))
}
