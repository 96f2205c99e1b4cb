//! Keys and cryptography: signing keys and JWKS, sealing at rest.

pub mod keyring;
pub mod keys;
pub mod random;
pub mod seal;

pub use keyring::{Keyring, KeyringError};
pub use keys::{Alg, KeyMaterial};
pub use seal::Sealer;
