//! Browser sessions: a random cookie whose digest keys the session in the
//! ephemeral store; single sign-on across clients until lifetime or idle timeout.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::acr;
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::ephemeral::EphemeralError;
use crate::store::UserSession;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    /// The public session id (`sid` in tokens and logout tokens).
    pub sid: String,
    pub user_id: String,
    pub auth_time: i64,
    pub amr: Vec<String>,
    pub acr: String,
    pub created_at: i64,
    pub last_seen: i64,
    /// Clients that received tokens in this session (told at logout).
    pub clients: Vec<String>,
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

fn key(cookie: &str) -> String {
    format!("session:{}", random::digest(cookie))
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
    let Some(bytes) = state.ephemeral.get(&key(cookie)).await? else { return Ok(None) };
    let Ok(session) = serde_json::from_slice::<Session>(&bytes) else { return Ok(None) };
    let now = state.clock.now();
    let config = &state.config.session;
    if session.created_at + config.lifetime_secs <= now || session.last_seen + config.idle_secs <= now {
        state.ephemeral.delete(&key(cookie)).await?;
        return Ok(None);
    }
    Ok(Some(Current { cookie: cookie.to_string(), session }))
}

/// Starts a new session (always a new cookie value, so a planted cookie is never promoted).
pub async fn start(
    state: &AppState,
    user_id: &str,
    amr: Vec<String>,
    acr: &str,
) -> Result<Current, EphemeralError> {
    let now = state.clock.now();
    let session = Session {
        sid: random::token(16),
        user_id: user_id.to_string(),
        auth_time: now,
        amr,
        acr: acr.to_string(),
        created_at: now,
        last_seen: now,
        clients: Vec::new(),
    };
    let current = Current { cookie: random::token(32), session };
    save(state, &current).await?;
    let index = UserSession {
        sid: current.session.sid.clone(),
        user_id: user_id.to_string(),
        session_key: key(&current.cookie),
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

/// Stores the session, refreshing its idle timeout.
pub async fn save(state: &AppState, current: &Current) -> Result<(), EphemeralError> {
    let config = &state.config.session;
    let now = state.clock.now();
    let remaining = (current.session.created_at + config.lifetime_secs - now).min(config.idle_secs).max(1);
    let mut session = current.session.clone();
    session.last_seen = now;
    let bytes = serde_json::to_vec(&session).expect("serialising a session");
    state.ephemeral.put(&key(&current.cookie), &bytes, Duration::from_secs(remaining as u64)).await?;
    if let Err(e) = state.store.touch_user_session(&session.sid, now).await {
        tracing::warn!(error = %e, "session index not updated");
    }
    Ok(())
}

pub async fn end(state: &AppState, cookie: &str) -> Result<(), EphemeralError> {
    if let Err(e) = state.store.end_user_session_by_key(&key(cookie), state.clock.now()).await {
        tracing::warn!(error = %e, "session index not updated");
    }
    state.ephemeral.delete(&key(cookie)).await
}

/// Ends the session `sid` of a user from anywhere (the account page, an
/// operator): the session, its index entry and its grants that are not offline.
pub async fn end_by_sid(state: &AppState, sid: &str) -> Result<bool, SessionError> {
    let now = state.clock.now();
    let Some(index) = state.store.end_user_session(sid, now).await? else { return Ok(false) };
    let session = state
        .ephemeral
        .take(&index.session_key)
        .await?
        .and_then(|b| serde_json::from_slice::<Session>(&b).ok());
    state.store.revoke_session_grants(sid, "session ended", now).await?;
    if let Some(session) = session {
        crate::oidc::backchannel::enqueue_for_session(state, &session).await?;
    }
    Ok(true)
}

/// Raises `current` with a second factor just passed for `client_id`: `methods`
/// join its `amr` (each once), `level` becomes its `acr` unless it has a
/// stronger one, and the sign-in is audited as `login.second_factor`.
pub async fn add_second_factor(
    state: &AppState,
    current: &mut Current,
    methods: &[&str],
    level: &str,
    client_id: &str,
    origin: &Origin,
) -> Result<(), EphemeralError> {
    let session = &mut current.session;
    for method in methods {
        if !session.amr.iter().any(|m| m == method) {
            session.amr.push(method.to_string());
        }
    }
    let rank = |level: &str| acr::SUPPORTED.iter().position(|l| *l == level);
    if rank(level) > rank(&session.acr) {
        session.acr = level.to_string();
    }
    save(state, current).await?;
    let event = Event {
        subject: Some(&current.session.user_id),
        client_id: Some(client_id),
        detail: Some(json!({ "amr": current.session.amr })),
        ..Event::new("login.second_factor")
    };
    audit::record(state, event, origin).await;
    Ok(())
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

/// `Set-Cookie` for the session cookie: HttpOnly, SameSite=Lax, Secure on https.
pub fn set_cookie(state: &AppState, cookie: &str) -> HeaderValue {
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let value = format!(
        "{}={cookie}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        cookie_name(state),
        state.config.session.lifetime_secs
    );
    HeaderValue::from_str(&value).expect("cookie values are base64url")
}

pub fn clear_cookie(state: &AppState) -> HeaderValue {
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let value = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", cookie_name(state));
    HeaderValue::from_str(&value).expect("static cookie")
}
