//! Which passwords careid accepts (NIST SP 800-63B-4 §3.1.1.2): a length that
//! depends on whether the password may be the only factor, no composition
//! rules, Unicode NFC before anything else, and no common or breached passwords
//! nor ones built from context-specific words (the service's and deployment's
//! names, the person's name and email address).

use std::collections::HashSet;
use std::io::Read;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// Where the password may be the only factor (SP 800-63B-4: 15).
pub const MIN_CHARS_SOLE_FACTOR: usize = 15;
/// Where a second factor is always required (SP 800-63B-4: 8).
pub const MIN_CHARS_WITH_SECOND_FACTOR: usize = 8;
pub const MAX_CHARS: usize = 128;
/// zxcvbn score (0–4) a password-only account needs.
pub const MIN_SCORE_SOLE_FACTOR: u8 = 3;
/// The service's own name, a context word for every account.
pub const SERVICE_NAME: &str = "careid";
/// Shorter pieces (initials, `com`, `uk`) say little about the person and would
/// cut ordinary words apart.
const MIN_CONTEXT_WORD_CHARS: usize = 4;

/// The 100,000 most common passwords (lower-cased) of the "10 million password list"
/// (SecLists, CC BY-SA 3.0; see assets/common-passwords.NOTICE).
static COMMON_GZ: &[u8] = include_bytes!("../../assets/common-passwords.txt.gz");

/// The one form a password is hashed and compared in, so the same characters
/// typed on different keyboards (composed or not) are the same password.
pub fn normalize(password: &str) -> String {
    password.nfc().collect()
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
    #[error(
        "Please don't build your password from your name, your email address or the name of this \
         service: without them it is too short."
    )]
    ContextWords,
    #[error("This password is too easy to guess. Try a longer phrase of unrelated words.")]
    Weak,
}

impl Refusal {
    /// The refusal in the language of the page being answered (its `Display`
    /// is the English of logs and the command line).
    pub fn message(&self) -> String {
        use crate::i18n::{Arg, text, text_with};
        let count = |n: usize| Arg::Number(i64::try_from(n).unwrap_or(i64::MAX));
        match self {
            Refusal::TooShort(min) => text_with("password-too-short", &[("min", count(*min))]),
            Refusal::TooLong => text_with("password-too-long", &[("max", count(MAX_CHARS))]),
            Refusal::Common => text("password-common"),
            Refusal::ContextWords => text("password-context-words"),
            Refusal::Weak => text("password-weak"),
        }
    }
}

/// zxcvbn's estimate: a score from 0 to 4 and its advice.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Strength {
    pub score: u8,
    pub feedback: Vec<String>,
}

/// Estimates `password` (normalised), counting the person's own details as guessable.
pub fn strength(password: &str, user_inputs: &[&str]) -> Strength {
    let words = context_words(user_inputs);
    let inputs: Vec<&str> = user_inputs.iter().copied().chain(words.iter().map(String::as_str)).collect();
    let entropy = zxcvbn::zxcvbn(password, &inputs);
    let mut feedback = Vec::new();
    if let Some(f) = entropy.feedback() {
        feedback.extend(f.warning().map(super::password_tips::warning));
        feedback.extend(f.suggestions().iter().map(|s| super::password_tips::suggestion(*s)));
    }
    Strength { score: entropy.score().into(), feedback }
}

/// The shortest password an account that does (or does not) always need a
/// second factor may have.
pub fn min_chars(second_factor: bool) -> usize {
    if second_factor { MIN_CHARS_WITH_SECOND_FACTOR } else { MIN_CHARS_SOLE_FACTOR }
}

/// Checks a normalised password for an account that does (or does not) need a
/// second factor. `user_inputs` are the person's names and email address and the
/// deployment's name, as given.
pub fn check(password: &str, second_factor: bool, user_inputs: &[&str]) -> Result<(), Refusal> {
    let chars = password.chars().count();
    let min = min_chars(second_factor);
    if chars < min {
        return Err(Refusal::TooShort(min));
    }
    if chars > MAX_CHARS {
        return Err(Refusal::TooLong);
    }
    if without_context_words(password, &context_words(user_inputs)).chars().count() < min {
        return Err(Refusal::ContextWords);
    }
    if is_common(password) {
        return Err(Refusal::Common);
    }
    if !second_factor && strength(password, user_inputs).score < MIN_SCORE_SOLE_FACTOR {
        return Err(Refusal::Weak);
    }
    Ok(())
}

/// The lower-cased words of 4 or more characters in `user_inputs` (an email
/// address gives its local part and its domain's labels, whole and split at
/// punctuation; a name gives its words), and always the service's name.
pub fn context_words(user_inputs: &[&str]) -> Vec<String> {
    let mut words = vec![SERVICE_NAME.to_string()];
    for input in user_inputs {
        let input = input.trim().to_lowercase();
        let whole: Vec<String> = match input.rsplit_once('@') {
            Some((local, domain)) => {
                std::iter::once(local).chain(domain.split('.')).map(str::to_owned).collect()
            }
            // A name's words also without their punctuation: `o'neill` → `oneill`.
            None => input
                .split_whitespace()
                .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect())
                .collect(),
        };
        let pieces = input.split(|c: char| !c.is_alphanumeric()).map(str::to_owned);
        for word in whole.into_iter().chain(pieces) {
            if word.chars().count() >= MIN_CONTEXT_WORD_CHARS && !words.contains(&word) {
                words.push(word);
            }
        }
    }
    // Longest first, so `heartclinic` goes whole before `heart` splits it.
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words
}

/// What is left of the (lower-cased) password once every occurrence of every
/// context word is taken out, again until none is left (`carecareidid`).
fn without_context_words(password: &str, words: &[String]) -> String {
    let mut rest = password.to_lowercase();
    loop {
        let before = rest.len();
        for word in words {
            rest = rest.replace(word.as_str(), "");
        }
        if rest.len() == before {
            return rest;
        }
    }
}

/// Whether the password is on the bundled list (case does not make it less common).
pub fn is_common(password: &str) -> bool {
    common().contains(&password.to_lowercase())
}

#[allow(clippy::expect_used, reason = "the list is embedded in the binary, and a unit test reads it whole")]
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
    fn context_words_come_from_names_email_deployment_and_the_service() {
        let words =
            context_words(&["Anna-Maria O'Neill", "anna.oneill84@heart-clinic.example.org", "Heart Failure"]);
        for w in [
            "careid",
            "anna",
            "maria",
            "annamaria",
            "oneill",
            "neill",
            "anna.oneill84",
            "oneill84",
            "heart-clinic",
            "heart",
            "clinic",
            "example",
            "failure",
        ] {
            assert!(words.contains(&w.to_string()), "{w} in {words:?}");
        }
        for short in ["o", "org", "84"] {
            assert!(!words.contains(&short.to_string()), "{short} in {words:?}");
        }
        assert_eq!(context_words(&[]), ["careid"]);
    }

    #[test]
    fn a_password_built_from_context_words_is_refused() {
        assert_eq!(check("careidcareid2024!", false, &[]), Err(Refusal::ContextWords));
        assert_eq!(check("CareID2024!", true, &[]), Err(Refusal::ContextWords));
        assert_eq!(check("carecareidid2024!", false, &[]), Err(Refusal::ContextWords));
        let pat = ["Patricia", "Lindqvist", "pat.lindqvist@mailbox.example", "Heart Failure"];
        assert_eq!(check("PatriciaLindqvist1!", false, &pat), Err(Refusal::ContextWords));
        assert_eq!(check("heartfailure2024", false, &pat), Err(Refusal::ContextWords));
        assert_eq!(check("pat.lindqvist@mailbox", false, &pat), Err(Refusal::ContextWords));
        assert_eq!(check("Lindqvist#2024", true, &pat), Err(Refusal::ContextWords));
        assert!(Refusal::ContextWords.to_string().contains("your name, your email address"));
    }

    #[test]
    fn a_long_passphrase_that_merely_contains_a_context_word_is_accepted() {
        let inputs = ["Sam", "Okafor", "sam@okafor.example", "Heart Failure"];
        assert_eq!(check("my heart beats strong today", false, &inputs), Ok(()));
        assert_eq!(check("careid guards my violet otter", false, &inputs), Ok(()));
        assert_eq!(check("heart!x7#Lq9z", true, &inputs), Ok(()));
    }

    #[test]
    fn composed_and_decomposed_forms_are_one_password() {
        assert_eq!(normalize("caf\u{65}\u{301}"), normalize("caf\u{e9}"));
        assert_eq!(normalize("caf\u{65}\u{301}").chars().count(), 4);
    }
}
