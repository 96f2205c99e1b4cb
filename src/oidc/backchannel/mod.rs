//! OpenID Connect Back-Channel Logout 1.0: the logout token (§2.4) and queueing
//! one for every client of an ended session that asked to be told.

pub mod config;
pub mod delivery;

use serde_json::{Value, json};

use crate::AppState;
use crate::clients::Client;
use crate::crypto::{KeyringError, random};
use crate::store::{Delivery, StoreError};

/// The `events` member that makes a JWT a logout token (§2.4).
pub const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// Explicit typing (§2.4) keeps a logout token from passing as an ID token.
pub const LOGOUT_TOKEN_TYP: &str = "logout+jwt";

/// Short: a logout token only has to survive one POST; retries get a fresh one.
pub const LOGOUT_TOKEN_TTL: i64 = 120;

/// A logout token telling `client` that session `sid` of `sub` has ended,
/// signed like the client's ID tokens. Never carries a `nonce` (§2.4).
pub fn logout_token(state: &AppState, client: &Client, sub: &str, sid: &str) -> Result<String, KeyringError> {
    let now = state.clock.now();
    let claims = json!({
        "iss": state.config.issuer_str(),
        "aud": client.id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_TTL,
        "jti": random::token(16),
        "sub": sub,
        "sid": sid,
        "events": { LOGOUT_EVENT: {} },
    });
    state.keyring.sign(client.id_token_alg, Some(LOGOUT_TOKEN_TYP), &claims)
}

/// Queues a logout token for each of `clients` that has a
/// `backchannel_logout_uri`, about session `sid` of `user_id`, and wakes the
/// worker; returns how many were queued.
pub async fn enqueue_for_session(
    state: &AppState,
    user_id: &str,
    sid: &str,
    clients: &[String],
) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let mut queued = 0;
    for client_id in clients {
        let Some(client) = state.store.client(client_id).await? else { continue };
        let Some(uri) = &client.backchannel_logout_uri else { continue };
        let token = match logout_token(state, &client, user_id, sid) {
            Ok(token) => token,
            Err(e) => {
                // The session is over either way; this client just is not told.
                tracing::error!(client = %client.id, error = %e, "cannot sign a logout token");
                continue;
            }
        };
        let delivery = Delivery {
            id: uuid::Uuid::now_v7().to_string(),
            client_id: client.id.clone(),
            uri: uri.clone(),
            logout_token: token,
            sid: Some(sid.to_string()),
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            delivered_at: None,
            failed_at: None,
            created_at: now,
        };
        state.store.enqueue_delivery(&delivery).await?;
        queued += 1;
    }
    if queued > 0 {
        state.backchannel_wake.notify_one();
    }
    Ok(queued)
}

/// The token to send now: the queued one while it is fresh, else a new one with
/// the same subject and session (a retry an hour later must not send an expired token).
async fn sendable_token(state: &AppState, delivery: &Delivery) -> Result<String, String> {
    let claims: Value = state.keyring.verify(&delivery.logout_token, state.config.issuer_str(), None)?;
    let now = state.clock.now();
    // Leaves the receiver time to check `exp` after a slow POST.
    if claims["exp"].as_i64().is_some_and(|exp| exp > now + LOGOUT_TOKEN_TTL / 2) {
        return Ok(delivery.logout_token.clone());
    }
    let client = state
        .store
        .client(&delivery.client_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the client is no longer registered")?;
    let sub = claims["sub"].as_str().ok_or("the queued logout token has no sub")?;
    let sid = claims["sid"].as_str().ok_or("the queued logout token has no sid")?;
    logout_token(state, &client, sub, sid).map_err(|e| e.to_string())
}
