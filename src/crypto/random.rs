//! Random tokens and their at-rest digests.

use rand::{Rng, RngExt};
use sha2::{Digest, Sha256};

use super::keys::b64;

/// Fills `buf` from a CSPRNG seeded by the operating system (rand's thread RNG).
pub fn fill(buf: &mut [u8]) {
    rand::rng().fill_bytes(buf);
}

/// A uniformly random number below `bound`, from the same CSPRNG.
pub fn below(bound: u32) -> u32 {
    rand::rng().random_range(0..bound)
}

/// `bytes` random bytes, base64url without padding.
pub fn token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    fill(&mut buf);
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
