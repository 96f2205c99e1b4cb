//! The delivery worker: POSTs queued logout tokens, retrying with exponential
//! backoff until delivered or `max_attempts` is spent. Claims go through the
//! store, so several nodes never send the same delivery at the same time.

use std::time::Duration;

use tokio::task::JoinSet;

use super::sendable_token;
use crate::AppState;
use crate::store::{Delivery, StoreError};

/// Deliveries claimed per round; a full batch is followed at once by another.
const BATCH: i64 = 32;

/// No retry waits longer than an hour.
const MAX_BACKOFF_SECS: i64 = 3600;

/// Runs until the task is aborted: every `poll_millis`, or at once when woken.
pub async fn deliver_forever(state: AppState) {
    let period = Duration::from_millis(state.config.backchannel.poll_millis);
    loop {
        if let Err(e) = run_due(&state).await {
            tracing::warn!(error = %e, "back-channel logout queue unavailable");
        }
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = state.backchannel_wake.notified() => {}
        }
    }
}

/// Seconds to wait after the `attempt`-th failure.
fn backoff(attempt: i64) -> i64 {
    2i64.saturating_pow(attempt.clamp(0, 62) as u32).min(MAX_BACKOFF_SECS)
}

/// Attempts every delivery due now; returns how many attempts were made.
pub async fn run_due(state: &AppState) -> Result<usize, StoreError> {
    let mut made = 0;
    loop {
        let now = state.clock.now();
        let due = state.store.due_deliveries(now, BATCH).await?;
        let full = due.len() as i64 == BATCH;
        let mut attempts = JoinSet::new();
        for delivery in due {
            let attempt = delivery.attempts + 1;
            // The claim doubles as a lease: if this node dies mid-attempt, the
            // delivery is due again at the retry time, never while a POST may
            // still be in flight.
            let lease = state.config.backchannel.timeout_secs as i64 + 1;
            let retry_at = now + backoff(attempt).max(lease);
            if state.store.claim_delivery(&delivery.id, delivery.next_attempt_at, retry_at).await? {
                attempts.spawn(attempt_once(state.clone(), Delivery { attempts: attempt, ..delivery }));
            }
        }
        made += attempts.len();
        attempts.join_all().await;
        if !full {
            return Ok(made);
        }
    }
}

/// One claimed attempt (`delivery.attempts` already counts it), and its outcome recorded.
async fn attempt_once(state: AppState, delivery: Delivery) {
    let outcome = send(&state, &delivery).await;
    let now = state.clock.now();
    let client = delivery.client_id.as_str();
    let attempts = delivery.attempts;
    let recorded = match outcome {
        Ok(()) => {
            tracing::info!(client, attempts, "back-channel logout delivered");
            state.store.mark_delivered(&delivery.id, now).await
        }
        Err(error) => {
            let give_up = attempts >= state.config.backchannel.max_attempts;
            if give_up {
                tracing::warn!(client, attempts, error = %error, "back-channel logout failed; giving up");
            } else {
                tracing::warn!(client, attempts, error = %error, "back-channel logout failed; will retry");
            }
            state.store.mark_delivery_failed(&delivery.id, &error, give_up.then_some(now)).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(client, error = %e, "back-channel logout outcome not recorded");
    }
}

/// POSTs the logout token form-encoded (§2.5); only 200 and 204 mean delivered.
async fn send(state: &AppState, delivery: &Delivery) -> Result<(), String> {
    let token = sendable_token(state, delivery).await?;
    let response = state
        .http
        .post(&delivery.uri)
        .timeout(Duration::from_secs(state.config.backchannel.timeout_secs))
        .form(&[("logout_token", token.as_str())])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    match response.status().as_u16() {
        200 | 204 => Ok(()),
        status => Err(format!("the client answered HTTP {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stops_at_an_hour() {
        assert_eq!([1, 2, 3, 8].map(backoff), [2, 4, 8, 256]);
        assert_eq!(backoff(12), MAX_BACKOFF_SECS);
        assert_eq!(backoff(1000), MAX_BACKOFF_SECS);
    }
}
