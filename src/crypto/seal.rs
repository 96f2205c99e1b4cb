//! Sealing secrets at rest with the key-encryption key (AES-256-GCM).

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use crate::secret::Secret;

const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
}

/// The sealed value was not made with this key (or was altered).
#[derive(Debug, thiserror::Error)]
#[error("cannot open a sealed value: wrong key-encryption key or corrupted data")]
pub struct OpenError;

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        Sealer { cipher: Aes256Gcm::new(key.into()) }
    }

    /// `nonce || ciphertext`, bound to `context` (for example the key id) so a
    /// sealed value cannot be moved to another row.
    #[allow(clippy::expect_used, reason = "AES-GCM fails only past 64 GiB of plaintext")]
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        super::random::fill(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plaintext, aad: context })
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        out
    }

    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < NONCE_LEN {
            return Err(OpenError);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| OpenError)?;
        self.cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: ciphertext, aad: context })
            .map_err(|_| OpenError)
    }
}

/// Reads the key-encryption key: from configuration when set, otherwise from
/// `keys_dir/kek`, which is created (mode 0600) on first start.
pub fn load_kek(configured: Option<&Secret>, keys_dir: &Path) -> Result<[u8; 32], String> {
    if let Some(value) = configured {
        return decode_kek(value.expose())
            .map_err(|e| format!("key_encryption_key (CAREID_KEY_ENCRYPTION_KEY): {e}"));
    }
    let path = keys_dir.join("kek");
    match std::fs::read_to_string(&path) {
        Ok(text) => decode_kek(text.trim()).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_kek_file(&path),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

pub fn decode_kek(text: &str) -> Result<[u8; 32], String> {
    let bytes = STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE_NO_PAD.decode(text))
        .map_err(|_| "not valid base64".to_string())?;
    bytes.try_into().map_err(|b: Vec<u8>| format!("must be 32 bytes of base64, found {} bytes", b.len()))
}

fn create_kek_file(path: &Path) -> Result<[u8; 32], String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut key = [0u8; 32];
    super::random::fill(&mut key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    writeln!(file, "{}", STANDARD.encode(key))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_value_opens_only_with_the_same_key_and_context() {
        let sealer = Sealer::new(&[7u8; 32]);
        let sealed = sealer.seal(b"private", b"kid-1");
        assert_eq!(sealer.open(&sealed, b"kid-1").unwrap(), b"private");
        assert!(sealer.open(&sealed, b"kid-2").is_err());
        assert!(Sealer::new(&[8u8; 32]).open(&sealed, b"kid-1").is_err());
        assert!(sealer.open(&sealed[..5], b"kid-1").is_err());
    }

    #[test]
    fn kek_file_is_created_once_with_owner_only_mode() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_kek(None, dir.path()).unwrap();
        let second = load_kek(None, dir.path()).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("kek")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn configured_kek_must_be_32_bytes_of_base64() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_kek(Some(&Secret::new("c2hvcnQ=")), dir.path()).unwrap_err();
        assert!(err.contains("must be 32 bytes"), "{err}");
        let err = load_kek(Some(&Secret::new("!!!")), dir.path()).unwrap_err();
        assert!(err.contains("not valid base64"), "{err}");
        let good = STANDARD.encode([1u8; 32]);
        assert_eq!(load_kek(Some(&Secret::new(good)), dir.path()).unwrap(), [1u8; 32]);
    }
}
