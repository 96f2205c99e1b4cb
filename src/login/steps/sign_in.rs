//! The first step: who is signing in. The sign-in in progress in this
//! transaction, else this browser's session when it may serve this request;
//! nobody sends the browser to the login page (`prompt=none`: `login_required`).

use axum::http::HeaderMap;

use crate::AppState;
use crate::login::acr::Level;
use crate::login::policy;
use crate::login::session::{self, Current};
use crate::login::transaction::{LoginTransaction, Pending};
use crate::oidc::authorize::request::{AuthorizationRequest, Prompt};
use crate::people::User;
use crate::store::StoreError;

/// Who the rest of the ladder is about.
pub enum Subject {
    /// A sign-in in progress in this transaction (not a session yet).
    Pending(Pending),
    /// This browser's session.
    Session(Current),
}

impl Subject {
    pub fn acr(&self) -> Level {
        match self {
            Subject::Pending(p) => p.acr,
            Subject::Session(c) => c.session.acr,
        }
    }

    /// Whether the first factor is recent enough to add a factor the account lacks.
    pub fn is_fresh(&self, now: i64) -> bool {
        match self {
            Subject::Pending(p) => p.is_fresh(now),
            Subject::Session(c) => policy::is_fresh(c.session.auth_time, now),
        }
    }

    /// The sign-in in progress, starting a step-up of the session if need be.
    pub fn into_pending(self) -> Pending {
        match self {
            Subject::Pending(p) => p,
            Subject::Session(c) => Pending {
                user_id: c.session.user_id,
                amr: c.session.amr,
                acr: c.session.acr,
                auth_time: c.session.auth_time,
                sid: Some(c.session.sid),
            },
        }
    }
}

/// The subject and its user when they may go on with this request: an active
/// account, and for a session one fresh enough, of the hinted user, not
/// forced to sign in again. `None` sends the person to the login page.
pub async fn who(
    state: &AppState,
    headers: &HeaderMap,
    request: &AuthorizationRequest,
    pending: Option<Pending>,
    tx: Option<&LoginTransaction>,
) -> Result<Option<(Subject, User)>, crate::login::steps::StepError> {
    let subject = match pending {
        Some(pending) => Subject::Pending(pending),
        None => match session::current(state, headers).await? {
            Some(current) => Subject::Session(current),
            None => return Ok(None),
        },
    };
    Ok(check(state, request, subject, tx).await?)
}

async fn check(
    state: &AppState,
    request: &AuthorizationRequest,
    subject: Subject,
    tx: Option<&LoginTransaction>,
) -> Result<Option<(Subject, User)>, StoreError> {
    let (user_id, auth_time) = match &subject {
        Subject::Pending(p) => (&p.user_id, p.auth_time),
        Subject::Session(c) => (&c.session.user_id, c.session.auth_time),
    };
    let Some(user) = state.store.user_by_id(user_id).await? else { return Ok(None) };
    if !user.is_active() || auth_time < user.sessions_valid_after {
        return Ok(None);
    }
    let Subject::Session(current) = &subject else { return Ok(Some((subject, user))) };
    let s = &current.session;
    if tx.is_some_and(|tx| tx.authenticated_sid.as_deref() == Some(s.sid.as_str())) {
        return Ok(Some((subject, user)));
    }
    let now = state.clock.now();
    let forced = request.has_prompt(Prompt::Login) || request.has_prompt(Prompt::SelectAccount);
    let too_old = request.max_age.is_some_and(|max| now - s.auth_time > max);
    let other_user = request.hinted_sub.as_ref().is_some_and(|sub| *sub != user.id);
    if forced || too_old || other_user {
        return Ok(None);
    }
    Ok(Some((subject, user)))
}
