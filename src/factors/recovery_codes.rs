//! Recovery codes (NIST SP 800-63B look-up secrets): ten single-use codes,
//! shown once, stored as digests, that stand in for an SMS code. A wrong code
//! counts towards the same durable lock as a wrong SMS code, and each use is
//! audited and told to the person by email.

use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::factors::sms::codes::{self, CodeError};
use crate::notify::email;
use crate::people::User;

pub const COUNT: usize = 10;
/// Crockford's base32: no I, L, O or U to misread; 10 characters, 50 bits.
const ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
const LENGTH: usize = 10;

/// A new code as shown: `xxxxx-xxxxx`.
fn generate() -> String {
    let pick = || ALPHABET[random::below(ALPHABET.len() as u32) as usize] as char;
    let chars: String = (0..LENGTH).map(|_| pick()).collect();
    format!("{}-{}", &chars[..LENGTH / 2], &chars[LENGTH / 2..])
}

/// What a person typed, as stored: lower case, no spaces or dashes, and the
/// letters Crockford reads as digits (o → 0, i and l → 1).
fn normalise(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(LENGTH * 2)
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            c => c,
        })
        .collect()
}

fn digest(user_id: &str, code: &str) -> String {
    random::digest(&format!("recovery:{user_id}:{}", normalise(code)))
}

/// Makes a fresh set for `user`, replacing any earlier one; the codes are
/// returned to be shown once and are never readable again.
pub async fn issue(state: &AppState, user: &User, origin: &Origin) -> Result<Vec<String>, CodeError> {
    let codes: Vec<String> = (0..COUNT).map(|_| generate()).collect();
    let digests: Vec<String> = codes.iter().map(|c| digest(&user.id, c)).collect();
    state.store.replace_recovery_codes(&user.id, &digests, state.clock.now()).await?;
    audit::record(state, Event { subject: Some(&user.id), ..Event::new("recovery_codes.issued") }, origin)
        .await;
    Ok(codes)
}

/// Uses `input` as a recovery code of `user`: `Ok(true)` when it was an unused
/// code (now used), `Ok(false)` when it was not (a failure is counted).
pub async fn redeem(state: &AppState, user: &User, input: &str, origin: &Origin) -> Result<bool, CodeError> {
    codes::check_lock(state, user)?;
    let now = state.clock.now();
    if state.store.use_recovery_code(&user.id, &digest(&user.id, input), now).await? {
        state.store.clear_sms_failures(&user.id).await?;
        let (_, left) = state.store.recovery_code_counts(&user.id).await?;
        let event = Event {
            subject: Some(&user.id),
            detail: Some(json!({ "left": left })),
            ..Event::new("recovery_code.used")
        };
        audit::record(state, event, origin).await;
        let context = json!({ "name": user.name, "left": left, "account": state.config.url("/account") });
        if let Err(e) = email::send_template(state, "recovery_code_used", user, context).await {
            tracing::error!(error = %e, "recovery-code email not queued");
        }
        return Ok(true);
    }
    codes::count_failure(state, user, "recovery_code", json!({}), origin).await?;
    Ok(false)
}
