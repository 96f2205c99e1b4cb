//! The one comparison of a form's CSRF token with the token careid expects
//! (a login transaction's, the account page's, a sign-up's cookie, …).

use crate::crypto::random;

/// Whether `sent` is `expected` (compared in constant time; an empty
/// expectation matches nothing).
pub fn matches(sent: &str, expected: &str) -> bool {
    !expected.is_empty() && random::same(sent, expected)
}
