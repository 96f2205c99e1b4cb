//! Sealing email bodies in the outbox, so the links they carry (password reset,
//! invitation, verification) are not readable from the database or a backup.
//!
//! AES-256-GCM under a key derived from the key-encryption key for this purpose
//! only; the associated data is the outbox row id and the column, so a sealed
//! body cannot be moved to another row or column and delivered there.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::crypto::Sealer;
use crate::crypto::mac::hmac_sha256;

/// Marks a sealed column; the number is the format, so a later one can be told apart.
const PREFIX: &str = "sealed:v1:";

/// Which body a sealed value belongs to (part of the associated data).
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Text,
    Html,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Text => "text",
            Part::Html => "html",
        }
    }
}

/// A stored body that does not open: sealed for another row, altered, or not ours.
#[derive(Debug, thiserror::Error)]
#[error("the sealed email body does not open for this outbox row")]
pub struct OpenError;

#[derive(Clone)]
pub struct OutboxSeal {
    sealer: Sealer,
}

impl OutboxSeal {
    /// Derives the outbox key from the key-encryption key, apart from every other use of it.
    pub fn from_kek(kek: &[u8; 32]) -> Self {
        OutboxSeal { sealer: Sealer::new(&hmac_sha256(kek, b"careid email outbox sealing v1")) }
    }

    /// The stored (text) form of `body` for row `id`.
    pub fn seal(&self, id: &str, part: Part, body: &str) -> String {
        let sealed = self.sealer.seal(body.as_bytes(), &context(id, part));
        format!("{PREFIX}{}", STANDARD.encode(sealed))
    }

    /// The body of row `id` in clear. A value without the prefix was queued in
    /// clear before bodies were sealed and is returned as it is, so messages
    /// queued before an upgrade are still delivered (then blanked).
    pub fn open(&self, id: &str, part: Part, stored: &str) -> Result<String, OpenError> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let sealed = STANDARD.decode(encoded).map_err(|_| OpenError)?;
        let clear = self.sealer.open(&sealed, &context(id, part)).map_err(|_| OpenError)?;
        String::from_utf8(clear).map_err(|_| OpenError)
    }

    /// Whether `stored` is in the sealed form (tests and checks).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }
}

/// `email_outbox/ID/PART`: ids are UUIDs, so no two rows or parts share one.
fn context(id: &str, part: Part) -> Vec<u8> {
    format!("email_outbox/{id}/{}", part.name()).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "Reset: https://id.example/password/reset/abc123";

    #[test]
    fn a_sealed_body_opens_for_its_own_row_and_part_only() {
        let seal = OutboxSeal::from_kek(&[5u8; 32]);
        let stored = seal.seal("row-1", Part::Text, LINK);
        assert!(OutboxSeal::is_sealed(&stored));
        assert!(!stored.contains("abc123") && !stored.contains("/password/reset/"), "{stored}");
        assert_eq!(seal.open("row-1", Part::Text, &stored).unwrap(), LINK);
        assert!(seal.open("row-2", Part::Text, &stored).is_err(), "moved to another row");
        assert!(seal.open("row-1", Part::Html, &stored).is_err(), "moved to the other column");
        assert!(OutboxSeal::from_kek(&[6u8; 32]).open("row-1", Part::Text, &stored).is_err());
    }

    #[test]
    fn the_outbox_key_is_not_the_key_encryption_key() {
        let kek = [5u8; 32];
        let stored = OutboxSeal::from_kek(&kek).seal("row-1", Part::Text, LINK);
        let raw = STANDARD.decode(stored.strip_prefix(PREFIX).unwrap()).unwrap();
        assert!(Sealer::new(&kek).open(&raw, b"email_outbox/row-1/text").is_err());
    }

    #[test]
    fn a_body_queued_in_clear_before_sealing_opens_as_it_is() {
        let seal = OutboxSeal::from_kek(&[5u8; 32]);
        assert_eq!(seal.open("row-1", Part::Text, LINK).unwrap(), LINK);
        assert!(seal.open("row-1", Part::Text, "sealed:v1:not base64!").is_err());
        assert!(seal.open("row-1", Part::Text, "sealed:v1:AAAA").is_err());
    }
}
