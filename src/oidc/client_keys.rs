//! JWTs a client signs with one of its registered keys (its `jwks`), such as
//! request objects: the key is chosen by `kid` and by its type (`crypto::jws`),
//! so no token can make careid verify with a key of the wrong kind.

use serde_json::Value;

use crate::clients::Client;
use crate::crypto::jws::{self, Verified};

/// The longest JWT careid reads from a client.
pub const MAX_JWT_LEN: usize = 16 * 1024;

/// Verifies that `jwt` is a compact JWS signed by one of `client`'s keys with
/// an accepted algorithm; what is wrong otherwise, said for the client's developer.
pub fn verify(client: &Client, jwt: &str) -> Result<Verified, String> {
    if jwt.len() > MAX_JWT_LEN {
        return Err(format!("it is longer than {MAX_JWT_LEN} bytes"));
    }
    if jwt.split('.').count() == 5 {
        return Err("encrypted (JWE) request objects are not supported; sign it (JWS)".into());
    }
    let keys = client
        .jwks
        .as_ref()
        .and_then(|jwks| jwks.get("keys"))
        .and_then(Value::as_array)
        .filter(|keys| !keys.is_empty())
        .ok_or("the client has no registered keys (jwks)")?;
    jws::verify(jwt, keys).map_err(|e| match e {
        jws::JwsError::NoKey => "the client has no key that fits its alg and kid".to_string(),
        other => other.to_string(),
    })
}
