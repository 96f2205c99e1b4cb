//! Changing the password from the account page: the current one first
//! (counted like a sign-in), then a new one under the password policy; the
//! change ends every other session and grant and is emailed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::form::AccountForm;
use super::proof;
use super::view::{refuse_at, render};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::login::policy;
use crate::login::session;
use crate::notify::sign_in_changed;
use crate::people::{User, password_policy};
use crate::web::pages::PageError;

pub async fn change(
    State(state): State<AppState>,
    AccountForm { current, user, params, origin }: AccountForm,
) -> Result<Response, PageError> {
    if let Some(answer) =
        proof::password_again(&state, &current, &user, &params, &origin, "current_password").await?
    {
        return Ok(answer);
    }
    let new_password = password_policy::normalize(params.get("new_password").unwrap_or_default());
    let confirm = password_policy::normalize(params.get("confirm_password").unwrap_or_default());
    if let Some(problem) = refusal(&state, &user, &new_password, &confirm).await? {
        return Ok(refuse_at(&state, &current, &user, "new_password", &problem).await);
    }
    replace(&state, &user, &new_password, &current.session.sid, &origin).await?;
    Ok(render(
        &state,
        &current,
        &user,
        StatusCode::OK,
        Some(&crate::i18n::text("account-password-changed")),
        None,
    )
    .await)
}

/// Why `new_password` cannot be the account's new password, if it cannot.
async fn refusal(
    state: &AppState,
    user: &User,
    new_password: &str,
    confirm: &str,
) -> Result<Option<String>, PageError> {
    let deployment = state.store.deployment(&user.deployment_id).await?;
    let rule = policy::password_rule(state, user.role(), deployment.as_ref());
    let deployment_name = deployment.map(|d| d.name).unwrap_or_default();
    let context = [user.email.as_str(), user.name.as_str(), deployment_name.as_str()];
    Ok(match rule.check(new_password, &context) {
        Err(refusal) => Some(refusal.message()),
        Ok(()) if confirm != new_password => Some(crate::i18n::text("account-passwords-differ")),
        Ok(()) => None,
    })
}

/// Sets the new password, then ends every other session (session `keep`
/// stays) and every grant not made in it, offline ones too: whoever knew the
/// old password is out. The person is told by email.
async fn replace(
    state: &AppState,
    user: &User,
    new_password: &str,
    keep: &str,
    origin: &Origin,
) -> Result<(), PageError> {
    let now = state.clock.now();
    let hash = state.passwords.hash(new_password).await;
    state.store.update_password_hash(&user.id, &hash, now).await?;
    for other in state.store.open_user_sessions(&user.id, 0).await? {
        if other.sid != keep {
            session::end_by_sid(state, &other.sid).await?;
        }
    }
    state.store.revoke_user_grants_outside_session(&user.id, keep, "password changed", now).await?;
    audit::record(state, Event { subject: Some(&user.id), ..Event::new("password.changed") }, origin).await;
    sign_in_changed::tell(state, user, "changed-password", &[]).await;
    Ok(())
}
