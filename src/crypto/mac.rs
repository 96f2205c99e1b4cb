//! HMAC-SHA-256, the one keyed hash careid derives keys and hashes client
//! secrets with (and AWS signs requests with).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA-256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    #[allow(clippy::expect_used, reason = "HMAC takes keys of any length (RFC 2104): this cannot fail")]
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}
