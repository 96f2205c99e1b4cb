//! The account pages (`/account`): profile, password, two-step verification,
//! recovery codes, passkeys, sessions. careid signs people in to them through
//! its own authorization endpoint, as the internal public client
//! `careid-account`, so there is one way to sign in.

mod form;
mod page;
mod passkeys;
mod password;
mod phone;
mod proof;
mod recovery_codes;
mod signin;
mod two_step;
mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use signin::{
    ACCOUNT_CLIENT_ID, register_account_client, sign_in_path, sign_in_query, sign_in_query_then,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(page::show))
        .route("/account/callback", get(signin::callback))
        .route("/account/profile", post(page::update_profile))
        .route("/account/verify-email/resend", post(page::resend_verification))
        .route("/account/password", post(password::change))
        .route("/account/sessions/end", post(page::end_session))
        .route("/account/phone", post(phone::change))
        .route("/account/phone/verify", post(phone::verify))
        .route("/account/phone/remove", post(phone::remove))
        .route("/account/two-step/on", post(two_step::turn_on))
        .route("/account/two-step/off", post(two_step::turn_off))
        .route("/account/recovery-codes", post(recovery_codes::regenerate))
        .route("/account/passkeys/options", post(passkeys::options))
        .route("/account/passkeys", post(passkeys::finish))
        .route("/account/passkeys/rename", post(passkeys::rename))
        .route("/account/passkeys/remove", post(passkeys::remove))
}
