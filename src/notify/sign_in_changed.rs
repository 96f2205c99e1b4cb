//! Telling people by email when how they sign in changes (a number, two-step
//! verification, recovery codes, passkeys), so a change they did not make
//! does not go unnoticed.

use serde_json::json;

use crate::AppState;
use crate::accounts::User;
use crate::notify::email;

/// Queues "Your sign-in settings changed" to `user` saying `what` happened.
/// A failure to queue is logged; the change itself stands.
pub async fn tell(state: &AppState, user: &User, what: &str) {
    let context = json!({ "name": user.name, "what": what, "account": state.config.url("/account") });
    if let Err(e) = email::send_template(state, "sign_in_changed", &user.email, context).await {
        tracing::error!(error = %e, "sign-in change email not queued");
    }
}
