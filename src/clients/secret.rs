//! Client secrets: generated with 256 bits, stored as a keyed hash.
//!
//! Secrets are high-entropy, so HMAC-SHA-256 under a key derived from the
//! key-encryption key is enough; a password hash would cost every token request.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::crypto::keys::b64;

#[derive(Clone)]
pub struct SecretHasher {
    key: [u8; 32],
}

impl SecretHasher {
    /// Derives the hashing key from the key-encryption key.
    pub fn from_kek(kek: &[u8; 32]) -> Self {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(kek).expect("HMAC takes any key length");
        mac.update(b"careid client secret hashing v1");
        SecretHasher { key: mac.finalize().into_bytes().into() }
    }

    pub fn hash(&self, secret: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(secret.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    pub fn verify(&self, secret: &str, hash: &[u8]) -> bool {
        self.hash(secret).ct_eq(hash).into()
    }
}

/// A fresh secret: 32 random bytes, base64url.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
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
