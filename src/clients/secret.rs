//! Client secrets: generated with 256 bits, stored as a keyed hash.
//!
//! Secrets are high-entropy, so HMAC-SHA-256 under a key derived from the
//! key-encryption key is enough; a password hash would cost every token request.

use subtle::ConstantTimeEq;

use crate::crypto::keys::b64;
use crate::crypto::mac::hmac_sha256;

#[derive(Clone)]
pub struct SecretHasher {
    key: [u8; 32],
}

impl SecretHasher {
    /// Derives the hashing key from the key-encryption key.
    pub fn from_kek(kek: &[u8; 32]) -> Self {
        SecretHasher { key: hmac_sha256(kek, b"careid client secret hashing v1") }
    }

    pub fn hash(&self, secret: &str) -> Vec<u8> {
        hmac_sha256(&self.key, secret.as_bytes()).to_vec()
    }

    pub fn verify(&self, secret: &str, hash: &[u8]) -> bool {
        self.hash(secret).ct_eq(hash).into()
    }
}

/// A fresh secret: 32 random bytes, base64url.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    crate::crypto::random::fill(&mut bytes);
    b64(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_accepts_only_the_hashed_secret() {
        let hasher = SecretHasher::from_kek(&[3u8; 32]);
        let secret = generate();
        assert_eq!(secret.len(), 43);
        let hash = hasher.hash(&secret);
        assert!(hasher.verify(&secret, &hash));
        assert!(!hasher.verify("other", &hash));
        assert!(!SecretHasher::from_kek(&[4u8; 32]).verify(&secret, &hash));
    }
}
