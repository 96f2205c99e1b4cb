//! Keys and cryptography: signing keys and JWKS, sealing at rest.

pub mod config;
pub mod jws;
pub mod keyring;
pub mod keys;
pub mod mac;
pub mod random;
pub mod seal;
pub mod signer;

pub use keyring::{Keyring, KeyringError};
pub use keys::{Alg, KeyMaterial};
pub use seal::Sealer;
