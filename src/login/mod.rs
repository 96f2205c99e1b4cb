//! The hosted sign-in: browser sessions, login transactions, the password
//! step, the second step (SMS or a recovery code), consent, signing out.

pub mod acr;
pub mod consent;
pub mod logout;
pub mod password;
pub mod policy;
pub mod recovery_code;
pub mod second_step;
pub mod session;
pub mod terms;
pub mod transaction;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(password::show).post(password::submit))
        .route("/login/sms", get(second_step::show).post(second_step::submit))
        .route("/login/sms/resend", post(second_step::resend))
        .route("/login/phone", post(second_step::enrol))
        .route("/login/recovery", get(recovery_code::show).post(recovery_code::submit))
        .route("/consent", get(consent::show).post(consent::submit))
        .route("/terms", get(terms::show).post(terms::submit))
}
