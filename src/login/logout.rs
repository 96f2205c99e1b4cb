//! Signing out: ending a browser session, the grants made in it (offline ones
//! excepted) and telling its clients over the back channel.

use serde_json::json;

use super::session::{self, Current};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::ephemeral::EphemeralError;
use crate::oidc::backchannel;
use crate::store::StoreError;
use crate::web::pages::PageError;

#[derive(Debug, thiserror::Error)]
pub enum LogoutError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
}

impl From<LogoutError> for PageError {
    fn from(e: LogoutError) -> Self {
        match e {
            LogoutError::Store(e) => e.into(),
            LogoutError::Ephemeral(e) => e.into(),
        }
    }
}

/// Ends `current`; `client_id` is the client that asked, if one did.
pub async fn log_out(
    state: &AppState,
    current: &Current,
    client_id: Option<&str>,
    origin: &Origin,
) -> Result<(), LogoutError> {
    // The session goes first: whatever fails after, the browser is signed out.
    session::end(state, &current.cookie).await?;
    let s = &current.session;
    let revoked = state.store.revoke_session_grants(&s.sid, "logout", state.clock.now()).await?;
    let notified = backchannel::enqueue_for_session(state, &s.user_id, &s.sid, &s.clients).await?;
    let event = Event {
        subject: Some(&s.user_id),
        client_id,
        detail: Some(json!({ "sid": s.sid, "grants_revoked": revoked, "backchannel_queued": notified })),
        ..Event::new("logout")
    };
    audit::record(state, event, origin).await;
    Ok(())
}
