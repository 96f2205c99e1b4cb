//! Values that must never reach a log: a [`Secret`] (its `Debug` prints a
//! placeholder and it has no `Display`) and a [`SecretUrl`] (a connection URL
//! whose password is masked wherever it is shown).

use serde::{Deserialize, Deserializer, Serialize};

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// A connection URL (`postgres://user:pass@host/db`, `redis://…`): used as
/// it is, shown with its password masked.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretUrl(String);

impl SecretUrl {
    /// `url` with any password replaced by `***`, for messages and logs.
    pub fn redact(url: &str) -> String {
        match url::Url::parse(url) {
            Ok(mut parsed) if parsed.password().is_some() => {
                let _ = parsed.set_password(Some("***"));
                parsed.to_string()
            }
            _ => url.to_string(),
        }
    }

    pub fn redacted(&self) -> String {
        SecretUrl::redact(&self.0)
    }
}

impl From<String> for SecretUrl {
    fn from(url: String) -> Self {
        SecretUrl(url)
    }
}

impl std::ops::Deref for SecretUrl {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretUrl({:?})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_urls_password_is_masked_where_it_is_shown() {
        let url = SecretUrl::from("postgres://careid:hunter2@db:5432/careid".to_string());
        assert!(!format!("{url:?}").contains("hunter2"), "{url:?}");
        assert_eq!(url.redacted(), "postgres://careid:***@db:5432/careid");
        assert_eq!(&*url, "postgres://careid:hunter2@db:5432/careid");
    }

    #[test]
    fn debug_does_not_show_the_value() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2");
    }
}
