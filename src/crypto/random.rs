//! Random tokens and their at-rest digests.

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::keys::b64;

/// `bytes` random bytes from the OS CSPRNG, base64url without padding.
pub fn token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    b64(&buf)
}

/// SHA-256, base64url: how single-use tokens are keyed at rest, so a dump of
/// the stores does not hand out usable tokens.
pub fn digest(value: &str) -> String {
    b64(&Sha256::digest(value.as_bytes()))
}

/// Constant-time comparison of two strings.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
