//! Which passwords careid accepts (NIST SP 800-63B-4 §3.1.1.2): a length that
//! depends on whether the password may be the only factor, no composition
//! rules, Unicode NFC before anything else, and no common or breached passwords.

use std::collections::HashSet;
use std::io::Read;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

use super::Role;
use crate::store::Deployment;

/// Where the password may be the only factor (SP 800-63B-4: 15).
pub const MIN_CHARS_SOLE_FACTOR: usize = 15;
/// Where a second factor is always required (SP 800-63B-4: 8).
pub const MIN_CHARS_WITH_SECOND_FACTOR: usize = 8;
pub const MAX_CHARS: usize = 128;
/// zxcvbn score (0–4) a password-only account needs.
pub const MIN_SCORE_SOLE_FACTOR: u8 = 3;

/// The 100,000 most common passwords (lower-cased) of the "10 million password list"
/// (SecLists, CC BY-SA 3.0; see assets/common-passwords.NOTICE).
static COMMON_GZ: &[u8] = include_bytes!("../../assets/common-passwords.txt.gz");

/// The one form a password is hashed and compared in, so the same characters
/// typed on different keyboards (composed or not) are the same password.
pub fn normalize(password: &str) -> String {
    password.nfc().collect()
}

/// Clinicians and administrators always sign in with two factors; patients
/// only where their deployment requires it.
pub fn second_factor_required(role: Role, deployment: &Deployment) -> bool {
    role != Role::Patient || deployment.mfa_required
}

/// Why a password is refused, said to the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Your password needs at least {0} characters.")]
    TooShort(usize),
    #[error("Your password can have at most {MAX_CHARS} characters.")]
    TooLong,
    #[error("This password is one of the most commonly used passwords. Please choose another.")]
    Common,
    #[error("This password is too easy to guess. Try a longer phrase of unrelated words.")]
    Weak,
}

/// zxcvbn's estimate: a score from 0 to 4 and its advice.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Strength {
    pub score: u8,
    pub feedback: Vec<String>,
}

/// Estimates `password` (normalised), counting the person's own details as guessable.
pub fn strength(password: &str, user_inputs: &[&str]) -> Strength {
    let entropy = zxcvbn::zxcvbn(password, user_inputs);
    let mut feedback = Vec::new();
    if let Some(f) = entropy.feedback() {
        feedback.extend(f.warning().map(|w| w.to_string()));
        feedback.extend(f.suggestions().iter().map(|s| s.to_string()));
    }
    Strength { score: entropy.score().into(), feedback }
}

/// Checks a normalised password for an account that does (or does not) need a second factor.
pub fn check(password: &str, second_factor: bool, user_inputs: &[&str]) -> Result<(), Refusal> {
    let chars = password.chars().count();
    let min = if second_factor { MIN_CHARS_WITH_SECOND_FACTOR } else { MIN_CHARS_SOLE_FACTOR };
    if chars < min {
        return Err(Refusal::TooShort(min));
    }
    if chars > MAX_CHARS {
        return Err(Refusal::TooLong);
    }
    if is_common(password) {
        return Err(Refusal::Common);
    }
    if !second_factor && strength(password, user_inputs).score < MIN_SCORE_SOLE_FACTOR {
        return Err(Refusal::Weak);
    }
    Ok(())
}

/// Whether the password is on the bundled list (case does not make it less common).
pub fn is_common(password: &str) -> bool {
    common().contains(&password.to_lowercase())
}

fn common() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(COMMON_GZ)
            .read_to_string(&mut text)
            .expect("the bundled common-password list is valid gzip UTF-8");
        text.lines().map(str::to_owned).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_loaded_and_compared_without_case() {
        assert_eq!(common().len(), 100_000);
        assert!(is_common("password"));
        assert!(is_common("QWERTY123456789"));
        assert!(!is_common("violet otter rides the tram at dawn"));
    }

    #[test]
    fn length_depends_on_the_second_factor() {
        assert_eq!(check("x7#Lq9!z", true, &[]), Ok(()));
        assert_eq!(check("x7#Lq9!", true, &[]), Err(Refusal::TooShort(8)));
        assert_eq!(check("violet otter rid", false, &[]), Ok(()));
        assert_eq!(check("violet otter ri", false, &[]), Ok(()));
        assert_eq!(check("violet otter r", false, &[]), Err(Refusal::TooShort(15)));
        assert_eq!(check(&"ab1!".repeat(33), true, &[]), Err(Refusal::TooLong));
    }

    #[test]
    fn common_and_weak_passwords_are_refused() {
        assert_eq!(check("qwerty123456789", false, &[]), Err(Refusal::Common));
        assert_eq!(check("aaaaaaaaaaaaaaaa", false, &[]), Err(Refusal::Weak));
        // With a second factor only the list and the length apply.
        assert_eq!(check("aaaaaaaaaaaaaaaa", true, &[]), Ok(()));
    }

    #[test]
    fn composed_and_decomposed_forms_are_one_password() {
        assert_eq!(normalize("caf\u{65}\u{301}"), normalize("caf\u{e9}"));
        assert_eq!(normalize("caf\u{65}\u{301}").chars().count(), 4);
    }
}
