//! Server-provided DPoP nonces (RFC 9449 §8) that need no storage: a nonce
//! is a time window and a MAC over it under a key derived from the KEK, so
//! every node issues and accepts the same ones. A nonce is accepted in the
//! window it was issued in and the next, so it lives 5 to 10 minutes.

use crate::crypto::keys::b64;
use crate::crypto::mac::hmac_sha256;
use crate::crypto::random;

/// Seconds in one nonce window.
const WINDOW_SECS: i64 = 300;

pub struct Nonces {
    key: [u8; 32],
}

impl Nonces {
    pub fn from_kek(kek: &[u8]) -> Nonces {
        Nonces { key: hmac_sha256(kek, b"careid dpop nonce v1") }
    }

    /// The nonce of the window `now` falls in.
    pub fn current(&self, now: i64) -> String {
        self.of_window(now.div_euclid(WINDOW_SECS))
    }

    /// Whether `nonce` is the current window's or the previous one's.
    pub fn accepts(&self, nonce: &str, now: i64) -> bool {
        let window = now.div_euclid(WINDOW_SECS);
        [window, window - 1].iter().any(|w| random::same(&self.of_window(*w), nonce))
    }

    fn of_window(&self, window: i64) -> String {
        let mac = hmac_sha256(&self.key, &window.to_be_bytes());
        format!("{}.{}", b64(&window.to_be_bytes()), b64(&mac[..16]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_holds_for_its_window_and_the_next_only() {
        let nonces = Nonces::from_kek(&[7; 32]);
        let issued = nonces.current(1_000_000);
        assert!(nonces.accepts(&issued, 1_000_000));
        assert!(nonces.accepts(&issued, 1_000_000 + WINDOW_SECS));
        assert!(!nonces.accepts(&issued, 1_000_000 + 2 * WINDOW_SECS));
        assert!(!nonces.accepts(&issued, 1_000_000 - WINDOW_SECS));
        assert!(!Nonces::from_kek(&[8; 32]).accepts(&issued, 1_000_000), "another KEK's nonce");
        for forged in ["", "x", &issued[..issued.len() - 1]] {
            assert!(!nonces.accepts(forged, 1_000_000), "{forged}");
        }
    }
}
