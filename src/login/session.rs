//! Browser sessions: a random cookie whose digest keys the session in the
//! ephemeral store; single sign-on across clients until lifetime or idle timeout.

use super::acr::Level;
use super::pending::Pending;
use crate::AppState;
use crate::brand::Strength;
use crate::crypto::random;
use crate::ephemeral::EphemeralError;
use crate::ephemeral::records::{self, Record};
use crate::i18n::{Lang, Source, negotiation};
use crate::store::UserSession;
use axum::http::{HeaderMap, HeaderValue, header};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    /// The public session id (`sid` in tokens and logout tokens).
    pub sid: String,
    pub user_id: String,
    pub auth_time: i64,
    pub amr: Vec<String>,
    pub acr: Level,
    pub created_at: i64,
    pub last_seen: i64,
    /// Clients that received tokens in this session (told at logout).
    pub clients: Vec<String>,
    /// The person's saved language, read when the session began.
    #[serde(default)]
    pub locale: Option<Lang>,
    /// The person's deployment, whose brand the pages show.
    #[serde(default)]
    pub deployment_id: Option<String>,
}

/// A session and the cookie value that names it.
pub struct Current {
    pub cookie: String,
    pub session: Session,
}

pub fn cookie_name(state: &AppState) -> &'static str {
    // `__Host-` requires Secure, which browsers only keep over https.
    if state.config.is_https() { "__Host-careid_session" } else { "careid_session" }
}

/// Ends at its lifetime or after its idle timeout, whichever comes first.
impl Record for Session {
    fn expires_at(&self, state: &AppState) -> Option<i64> {
        let config = &state.config.session;
        Some((self.created_at + config.lifetime_secs).min(self.last_seen + config.idle_secs))
    }
}

/// The value of cookie `name` in the request, if any.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The live session of this browser, if any (expired or idle ones are gone).
pub async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<Current>, EphemeralError> {
    let Some(cookie) = read_cookie(headers, cookie_name(state)) else { return Ok(None) };
    let Some(session): Option<Session> = records::SESSION.load(state, cookie).await? else { return Ok(None) };
    negotiation::offer(Source::Person, session.locale);
    if let Some(id) = &session.deployment_id
        && let Err(e) = crate::brand::offer_id(state, Strength::Person, id).await
    {
        // The brand is decoration: the page goes on in careid's.
        tracing::warn!(error = %e, "the session's deployment is unknown");
    }
    Ok(Some(Current { cookie: cookie.to_string(), session }))
}

/// Starts a new session (always a new cookie value, so a planted cookie is never promoted).
pub async fn start(
    state: &AppState,
    user_id: &str,
    amr: Vec<String>,
    acr: Level,
) -> Result<Current, EphemeralError> {
    let now = state.clock.now();
    begin(state, user_id, amr, acr, now).await
}

async fn begin(
    state: &AppState,
    user_id: &str,
    amr: Vec<String>,
    acr: Level,
    auth_time: i64,
) -> Result<Current, EphemeralError> {
    let now = state.clock.now();
    let (locale, deployment_id) = match state.store.user_by_id(user_id).await {
        Ok(user) => (user.as_ref().and_then(|u| u.lang()), user.map(|u| u.deployment_id)),
        Err(e) => {
            tracing::warn!(error = %e, "the person's language is unknown for this session");
            (None, None)
        }
    };
    let session = Session {
        sid: random::token(16),
        user_id: user_id.to_string(),
        auth_time,
        amr,
        acr,
        created_at: now,
        last_seen: now,
        clients: Vec::new(),
        locale,
        deployment_id,
    };
    let current = Current { cookie: random::token(32), session };
    save(state, &current).await?;
    let index = UserSession {
        sid: current.session.sid.clone(),
        user_id: user_id.to_string(),
        session_key: records::SESSION.key(&current.cookie),
        created_at: now,
        last_seen: now,
        ip: None,
        user_agent: None,
        ended_at: None,
    };
    if let Err(e) = state.store.insert_user_session(&index).await {
        // The index only lists sessions; signing in does not depend on it.
        tracing::warn!(error = %e, "session index not updated");
    }
    Ok(current)
}

/// A sign-in that has met its account's requirements, as this browser's session.
pub struct Promoted {
    pub current: Current,
    /// `Set-Cookie` for a new session (none when an existing one was raised).
    pub cookie: Option<HeaderValue>,
}

/// Makes the sign-in in progress `pending` this browser's session: a step-up
/// raises the session it continues; a new sign-in replaces whatever session
/// the browser had. `None` when the session a step-up continues has ended.
pub async fn promote(
    state: &AppState,
    headers: &HeaderMap,
    pending: &Pending,
) -> Result<Option<Promoted>, EphemeralError> {
    let existing = current(state, headers).await?;
    if let Some(sid) = &pending.sid {
        let Some(mut current) = existing.filter(|c| c.session.sid == *sid) else { return Ok(None) };
        for method in &pending.amr {
            if !current.session.amr.contains(method) {
                current.session.amr.push(method.clone());
            }
        }
        if pending.acr > current.session.acr {
            current.session.acr = pending.acr;
        }
        save(state, &current).await?;
        return Ok(Some(Promoted { current, cookie: None }));
    }
    if let Some(old) = existing {
        end(state, &old.cookie).await?;
    }
    let current = begin(state, &pending.user_id, pending.amr.clone(), pending.acr, pending.auth_time).await?;
    let cookie = set_cookie(state, &current.cookie);
    Ok(Some(Promoted { current, cookie }))
}

/// How finely the durable session index (`user_sessions`, what the account
/// page and the Admin API list) follows a session's use: its `last_seen` is
/// written when the minute changes, not on every request, since single sign-on
/// would otherwise cost a durable write per authorization request.
pub const INDEX_RESOLUTION_SECS: i64 = 60;

/// Stores the session, refreshing its idle timeout.
pub async fn save(state: &AppState, current: &Current) -> Result<(), EphemeralError> {
    let now = state.clock.now();
    let mut session = current.session.clone();
    session.last_seen = now;
    records::SESSION.put(state, &current.cookie, &session).await?;
    let indexed = current.session.last_seen / INDEX_RESOLUTION_SECS == now / INDEX_RESOLUTION_SECS;
    if !indexed && let Err(e) = state.store.touch_user_session(&session.sid, now).await {
        tracing::warn!(error = %e, "session index not updated");
    }
    Ok(())
}

pub async fn end(state: &AppState, cookie: &str) -> Result<(), EphemeralError> {
    if let Err(e) =
        state.store.end_user_session_by_key(&records::SESSION.key(cookie), state.clock.now()).await
    {
        tracing::warn!(error = %e, "session index not updated");
    }
    records::SESSION.delete(state, cookie).await
}

/// Ends the session `sid` of a user from anywhere (the account page, an
/// operator): the session, its index entry and its grants that are not offline.
pub async fn end_by_sid(state: &AppState, sid: &str) -> Result<bool, SessionError> {
    let now = state.clock.now();
    let Some(index) = state.store.end_user_session(sid, now).await? else { return Ok(false) };
    let session: Option<Session> = records::SESSION.take_indexed(state, &index.session_key).await?;
    state.store.revoke_session_grants(sid, "session ended", now).await?;
    if let Some(session) = session {
        crate::oidc::backchannel::enqueue_for_session(
            state,
            &session.user_id,
            &session.sid,
            &session.clients,
        )
        .await?;
    }
    Ok(true)
}

/// Ends every open session of `user_id` (a password reset, a reset of the
/// second factors) as [`end_by_sid`] does, so relying parties hear of it too;
/// `sessions_valid_after` then refuses any session the index does not list.
pub async fn end_all(state: &AppState, user_id: &str) -> Result<(), SessionError> {
    state.store.end_user_sessions(user_id, state.clock.now()).await?;
    for open in state.store.open_user_sessions(user_id, 0).await? {
        end_by_sid(state, &open.sid).await?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl From<SessionError> for crate::web::pages::PageError {
    fn from(e: crate::login::session::SessionError) -> Self {
        match e {
            SessionError::Store(e) => e.into(),
            SessionError::Ephemeral(e) => e.into(),
        }
    }
}

/// `Set-Cookie` for the session cookie: HttpOnly, SameSite=Lax, Secure on https.
pub fn set_cookie(state: &AppState, cookie: &str) -> Option<HeaderValue> {
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let value = format!(
        "{}={cookie}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        cookie_name(state),
        state.config.session.lifetime_secs
    );
    HeaderValue::from_str(&value).ok()
}

pub fn clear_cookie(state: &AppState) -> Option<HeaderValue> {
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let value = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", cookie_name(state));
    HeaderValue::from_str(&value).ok()
}
