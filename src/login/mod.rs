//! The hosted sign-in: browser sessions, login transactions, the password
//! step, passkeys, the second step (SMS, a passkey or a recovery code), consent,
//! signing out.

pub mod acr;
pub mod browser;
pub mod config;
pub mod consent;
pub mod form;
pub mod logout;
pub mod passkey;
pub mod password;
pub mod password_check;
pub mod pending;
pub mod policy;
pub mod recovery_code;
pub mod second_step;
pub mod session;
pub mod steps;
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
        .route("/login/passkey/options", post(passkey::signin::options))
        .route("/login/passkey", post(passkey::signin::finish))
        .route("/login/passkey/confirm", get(passkey::confirm::show).post(passkey::confirm::finish))
        .route("/login/passkey/confirm/options", post(passkey::confirm::options))
        .route("/login/passkey/register", get(passkey::enrol::show).post(passkey::enrol::finish))
        .route("/login/passkey/register/options", post(passkey::enrol::options))
        .route("/consent", get(consent::show).post(consent::submit))
        .route("/terms", get(terms::show).post(terms::submit))
}
