//! An operator's or administrator's reset of a person's second factors, for a
//! lost phone: the number, the recovery codes, the passkeys and any lock go,
//! browser sessions end, and where two steps (or a passkey) are required the
//! person must enrol again at their next sign-in.

use serde_json::json;

use crate::AppState;
use crate::audit::{self, ActorKind, Event, Origin};
use crate::login::session::{self, SessionError};
use crate::people::User;

/// Resets `user`'s second factors; `actor` is the administrator (`None`: the operator).
pub async fn reset_second_factors(
    state: &AppState,
    user: &User,
    actor: Option<&str>,
    origin: &Origin,
) -> Result<(), SessionError> {
    let now = state.clock.now();
    state.store.reset_second_factors(&user.id, now).await?;
    session::end_all(state, &user.id).await?;
    let event = Event {
        actor_kind: Some(ActorKind::of_change(actor, Some(&user.id))),
        actor,
        subject: Some(&user.id),
        deployment_id: Some(&user.deployment_id),
        detail: Some(json!({ "had_phone": user.verified_phone().is_some() })),
        ..Event::new("mfa.reset")
    };
    audit::record(state, event, origin).await;
    let by = if actor.is_some() { "administrator" } else { "operator" };
    crate::notify::sign_in_changed::tell(state, user, "changed-factors-reset", &[("by", by.into())]).await;
    Ok(())
}
