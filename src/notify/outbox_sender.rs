//! The background sender: opens and delivers due outbox rows, retrying failures
//! with exponential backoff until a transport accepts them or
//! `smtp.give_up_after_secs` passes; either way the bodies are then blanked.

use std::time::Duration;

use super::email::Email;
use super::outbox_seal::{OpenError, Part};
use super::smtp::Transport;
use crate::AppState;
use crate::store::{OutgoingEmail, StoreError};

/// Rows taken per pass; the next pass follows at once while rows remain due.
const BATCH: i64 = 20;
const MAX_BACKOFF_SECS: i64 = 3600;
/// How long a claimed row is left to the node sending it: longer than any
/// delivery can take (each SMTP step times out after 20 s), so another node
/// never sends it again while the first is still talking to the server.
const SEND_LEASE_SECS: i64 = 300;

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

/// One pass: gives up on messages too old to send, then delivers due rows;
/// returns how many were due.
pub async fn send_due(state: &AppState, transport: &Transport) -> Result<usize, StoreError> {
    let now = state.clock.now();
    give_up_old(state, now).await?;
    let due = state.store.due_emails(now, BATCH).await?;
    for email in &due {
        let attempt = email.attempts + 1;
        // The claim leases the row before sending, so a node that dies
        // mid-send leaves it to be retried after the lease, never lost, and
        // no other node sends it while this one is at it; a failure sets the
        // real retry time.
        let retry_at = now + backoff_secs(attempt);
        if !state.store.claim_email(&email.id, email.next_attempt_at, now + SEND_LEASE_SECS).await? {
            continue;
        }
        let domain = domain_of(&email.recipient);
        let Ok(clear) = open(state, email) else {
            // Sealed for another row or altered: never deliverable, so not retried.
            let error = "the sealed body does not open for this row (moved from another row or altered)";
            state.store.abandon_email(&email.id, error, now).await?;
            tracing::warn!(recipient_domain = domain, outbox_id = %email.id, "email given up: {error}");
            continue;
        };
        match transport.send(&email.id, email.created_at, &clear).await {
            Ok(()) => {
                state.store.mark_email_sent(&email.id, state.clock.now()).await?;
                tracing::info!(recipient_domain = domain, attempt, "email sent");
            }
            Err(failure) => {
                state.store.mark_email_failed(&email.id, &failure.stored, retry_at).await?;
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

/// A link that cannot be delivered must not stay usable in the outbox for
/// ever: past `smtp.give_up_after_secs` the row is failed for good and blanked.
async fn give_up_old(state: &AppState, now: i64) -> Result<(), StoreError> {
    let after = state.config.smtp.give_up_after_secs;
    for email in state.store.abandon_emails_queued_by(now - after, now).await? {
        tracing::warn!(
            recipient_domain = domain_of(&email.recipient),
            outbox_id = %email.id,
            attempts = email.attempts,
            give_up_after_secs = after,
            "email given up: not delivered in time; its body is blanked"
        );
    }
    Ok(())
}

/// The message of `row` with its bodies in clear, just before delivery.
fn open(state: &AppState, row: &OutgoingEmail) -> Result<Email, OpenError> {
    Ok(Email {
        to: row.recipient.clone(),
        subject: row.subject.clone(),
        text: state.outbox_seal.open(&row.id, Part::Text, &row.text_body)?,
        html: state.outbox_seal.open(&row.id, Part::Html, &row.html_body)?,
        from_name: row.from_name.clone(),
    })
}

/// Logs name the recipient's domain only.
fn domain_of(recipient: &str) -> &str {
    recipient.rsplit_once('@').map(|(_, d)| d).unwrap_or("-")
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
