//! What operators and administrators do to an account, from the CLI or the
//! admin API alike: enable or disable it, change its role, unlock it, give or
//! take the operator right. Each change is audited with who made it (`actor`;
//! `None` is the operator at the CLI) and the fields before and after.

use serde_json::json;

use super::{Role, Status, User};
use crate::AppState;
use crate::audit::{self, ActorKind, Event, Origin};
use crate::login::session::{self, SessionError};
use crate::onboarding::verification::{self, Resend, ResendError};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum MemberError {
    /// The invitation rules do not let this caller give this role.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The account changed since the caller read it.
    #[error("the account changed since it was read")]
    Stale,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Resend(#[from] ResendError),
}

/// The audit detail of one field's change.
fn changed(field: &str, before: serde_json::Value, after: serde_json::Value) -> serde_json::Value {
    json!({ "changes": { field: { "before": before, "after": after } } })
}

async fn audit_change(
    state: &AppState,
    kind: &str,
    user: &User,
    actor: Option<&str>,
    detail: serde_json::Value,
    origin: &Origin,
) {
    let event = Event {
        actor_kind: Some(ActorKind::of_change(actor, Some(&user.id))),
        actor,
        subject: Some(&user.id),
        deployment_id: Some(&user.deployment_id),
        detail: Some(detail),
        ..Event::new(kind)
    };
    audit::record(state, event, origin).await;
}

/// Enables or disables `user`; disabling revokes every grant they hold, so
/// their refresh and access tokens stop at once (browser sessions end at
/// their next use, which checks the status). A status already in place
/// changes nothing and audits nothing.
pub async fn set_status(
    state: &AppState,
    user: &User,
    status: Status,
    actor: Option<&str>,
    origin: &Origin,
) -> Result<(), MemberError> {
    let now = state.clock.now();
    if user.status == status.as_str() {
        return Ok(());
    }
    state.store.set_user_status(&user.id, status, now).await?;
    if status == Status::Disabled {
        state.store.revoke_user_grants(&user.id, "account disabled", now).await?;
    }
    let kind = if status == Status::Disabled { "account.disabled" } else { "account.enabled" };
    let detail = changed("status", json!(user.status), json!(status.as_str()));
    audit_change(state, kind, user, actor, detail, origin).await;
    Ok(())
}

/// Clears failed sign-ins and wrong second-factor codes, and the locks they caused.
pub async fn unlock(
    state: &AppState,
    user: &User,
    actor: Option<&str>,
    origin: &Origin,
) -> Result<(), MemberError> {
    state.store.clear_login_failures(&user.id).await?;
    state.store.clear_sms_failures(&user.id).await?;
    let event = Event {
        actor_kind: Some(ActorKind::of_change(actor, Some(&user.id))),
        actor,
        subject: Some(&user.id),
        deployment_id: Some(&user.deployment_id),
        ..Event::new("account.unlocked")
    };
    audit::record(state, event, origin).await;
    Ok(())
}

/// Gives or takes the platform operator right (the CLI alone does this).
pub async fn set_operator(
    state: &AppState,
    user: &User,
    operator: bool,
    origin: &Origin,
) -> Result<(), MemberError> {
    if user.operator == operator {
        return Ok(());
    }
    state.store.set_operator(&user.id, operator, state.clock.now()).await?;
    let kind = if operator { "account.operator_granted" } else { "account.operator_revoked" };
    let detail = changed("operator", json!(user.operator), json!(operator));
    audit_change(state, kind, user, None, detail, origin).await;
    Ok(())
}

/// Changes `user`'s role within the invitation rules: an administrator
/// moves their care team between administrator and clinician (as they
/// invite them), an operator (`by_operator`) gives any role. The change is
/// made only if the account is still as the caller read it (`user.version`).
pub async fn change_role(
    state: &AppState,
    user: &User,
    role: Role,
    actor: Option<&str>,
    by_operator: bool,
    origin: &Origin,
) -> Result<(), MemberError> {
    let staff = |r: Option<Role>| matches!(r, Some(Role::Admin | Role::Clinician));
    if !(by_operator || staff(user.role()) && staff(Some(role))) {
        return Err(MemberError::Forbidden("administrators move members between admin and clinician"));
    }
    if user.role == role.as_str() {
        return Ok(());
    }
    if !state.store.set_role_if(&user.id, role.as_str(), user.version, state.clock.now()).await? {
        return Err(MemberError::Stale);
    }
    let detail = changed("role", json!(user.role), json!(role));
    audit_change(state, "account.role_changed", user, actor, detail, origin).await;
    Ok(())
}

/// Ends one browser session of `user` (`sid`) or all of them, with
/// back-channel logout to the relying parties; `false` when `sid` is not
/// one of their open sessions.
pub async fn end_sessions(
    state: &AppState,
    user: &User,
    sid: Option<&str>,
    actor: Option<&str>,
    origin: &Origin,
) -> Result<bool, MemberError> {
    match sid {
        Some(sid) => {
            let open = state.store.open_user_sessions(&user.id, 0).await?;
            if !open.iter().any(|s| s.sid == sid) || !session::end_by_sid(state, sid).await? {
                return Ok(false);
            }
        }
        None => session::end_all(state, &user.id).await?,
    }
    let event = Event {
        actor_kind: Some(ActorKind::of_change(actor, Some(&user.id))),
        actor,
        subject: Some(&user.id),
        deployment_id: Some(&user.deployment_id),
        detail: Some(json!({ "sid": sid.unwrap_or("all") })),
        ..Event::new("sessions.ended")
    };
    audit::record(state, event, origin).await;
    Ok(true)
}

/// A new verification deadline and link for `user` (a few an hour at most).
pub async fn resend_verification(
    state: &AppState,
    user: &User,
    actor: Option<&str>,
    origin: &Origin,
) -> Result<Resend, MemberError> {
    let sent = verification::resend(state, user).await?;
    if matches!(sent, Resend::Sent) {
        let event = Event {
            actor_kind: Some(ActorKind::of_change(actor, Some(&user.id))),
            actor,
            subject: Some(&user.id),
            deployment_id: Some(&user.deployment_id),
            ..Event::new("verification.resent")
        };
        audit::record(state, event, origin).await;
    }
    Ok(sent)
}
