//! Telling people by email when how they sign in changes (a number, two-step
//! verification, recovery codes, passkeys), so a change they did not make
//! does not go unnoticed.

use serde_json::json;

use crate::AppState;
use crate::i18n::Arg;
use crate::notify::email;
use crate::people::User;

/// Queues "Your sign-in settings changed" to `user`, saying what happened
/// with message `what` (and its `args`) in their language. A failure to
/// queue is logged; the change itself stands.
pub async fn tell(state: &AppState, user: &User, what: &str, args: &[(&str, Arg)]) {
    let lang = email::recipient_lang(state, user).await;
    let what = crate::i18n::t_with(lang, what, args);
    let context = json!({ "name": user.name, "what": what, "account": state.config.url("/account") });
    if let Err(e) = email::send_template(state, "sign_in_changed", user, context).await {
        tracing::error!(error = %e, "sign-in change email not queued");
    }
}
