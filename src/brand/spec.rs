//! A deployment's brand as an operator writes it, checked field by field:
//! colours are CSS hex, links https, the support address an email address.

/// `#rgb` or `#rrggbb`, written back as lower-case `#rrggbb` (so it can go
/// into a stylesheet as it is).
pub fn colour(value: &str) -> Result<String, String> {
    let hex = value.strip_prefix('#').filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
    match hex.map(|h| (h.len(), h.to_ascii_lowercase())) {
        Some((6, h)) => Ok(format!("#{h}")),
        Some((3, h)) => Ok(h.chars().fold("#".to_string(), |mut s, c| {
            s.push(c);
            s.push(c);
            s
        })),
        _ => Err(format!("{value:?} is not a colour: write it as CSS hex, #rrggbb or #rgb")),
    }
}

/// What people call the platform: one line of at most 64 characters.
pub fn product_name(value: &str) -> Result<String, String> {
    if value.chars().count() > 64 || value.chars().any(char::is_control) {
        return Err(format!("{value:?}: one line of at most 64 characters"));
    }
    Ok(value.to_string())
}

/// A support address people write to.
pub fn support_email(value: &str) -> Result<String, String> {
    crate::people::Email::parse(value).map(|e| e.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_css_hex_and_come_out_long_and_lower_case() {
        assert_eq!(colour("#0B5CAD").unwrap(), "#0b5cad");
        assert_eq!(colour("#0aF").unwrap(), "#00aaff");
        for bad in ["0b5cad", "#0b5cag", "#0b5c", "red", "#0b5cad;}", "", "#"] {
            assert!(colour(bad).unwrap_err().contains("not a colour"), "{bad}");
        }
    }

    #[test]
    fn product_names_are_one_short_line() {
        assert_eq!(product_name("CareConnect").unwrap(), "CareConnect");
        assert!(product_name("Care\nConnect").is_err());
        assert!(product_name(&"x".repeat(65)).is_err());
    }
}
