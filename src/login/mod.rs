//! The hosted sign-in: browser sessions, login transactions, the password
//! step, consent, signing out.

pub mod acr;
pub mod consent;
pub mod logout;
pub mod password;
pub mod session;
pub mod terms;
pub mod transaction;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(password::show).post(password::submit))
        .route("/consent", get(consent::show).post(consent::submit))
        .route("/terms", get(terms::show).post(terms::submit))
}
