//! The background sender: delivers due outbox rows, retrying failures with
//! exponential backoff; a row stays in the outbox until a transport accepts it.

use std::time::Duration;

use super::smtp::Transport;
use crate::AppState;
use crate::store::StoreError;

/// Rows taken per pass; the next pass follows at once while rows remain due.
const BATCH: i64 = 20;
const MAX_BACKOFF_SECS: i64 = 3600;

/// Seconds to wait after the `attempt`-th failed attempt: 2, 4, 8 … capped at an hour.
pub fn backoff_secs(attempt: i64) -> i64 {
    1i64.checked_shl(attempt.clamp(1, 12) as u32).unwrap_or(MAX_BACKOFF_SECS).min(MAX_BACKOFF_SECS)
}

/// Runs until aborted: a pass on every wake-up (a message was queued) and every second.
pub async fn run(state: AppState, transport: Transport) {
    tracing::info!(transport = %transport.describe(), "email sender started");
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = state.mail_wakeup.notified() => {}
            _ = tick.tick() => {}
        }
        loop {
            match send_due(&state, &transport).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the email outbox failed");
                    break;
                }
            }
        }
    }
}

/// One pass over due rows; returns how many it saw.
pub async fn send_due(state: &AppState, transport: &Transport) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let due = state.store.due_emails(now, BATCH).await?;
    for email in &due {
        let attempt = email.attempts + 1;
        // The claim sets the retry time before sending, so a node that dies
        // mid-send leaves the row to be retried, never lost or sent twice at once.
        let retry_at = now + backoff_secs(attempt);
        if !state.store.claim_email(&email.id, email.next_attempt_at, retry_at).await? {
            continue;
        }
        let domain = email.recipient.rsplit_once('@').map(|(_, d)| d).unwrap_or("-");
        match transport.send(email).await {
            Ok(()) => {
                state.store.mark_email_sent(&email.id, state.clock.now()).await?;
                tracing::info!(recipient_domain = domain, attempt, "email sent");
            }
            Err(failure) => {
                state.store.mark_email_failed(&email.id, &failure.stored).await?;
                tracing::warn!(
                    recipient_domain = domain,
                    attempt,
                    retry_in_secs = retry_at - now,
                    error = %failure.logged,
                    "email not sent; will retry"
                );
            }
        }
    }
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped_at_an_hour() {
        assert_eq!(backoff_secs(1), 2);
        assert_eq!(backoff_secs(2), 4);
        assert_eq!(backoff_secs(11), 2048);
        assert_eq!(backoff_secs(12), 3600);
        assert_eq!(backoff_secs(1000), 3600);
    }
}
