//! The browser a sign-in started in: a random cookie set by `/authorize`
//! whose digest each login transaction keeps, so a transaction's id and CSRF
//! token are worth nothing in another browser (login CSRF: an attacker cannot
//! hand a victim's browser their own half-finished sign-in).

use axum::http::{HeaderMap, HeaderValue};

use super::session::read_cookie;
use crate::AppState;
use crate::crypto::random;

fn cookie_name(state: &AppState) -> &'static str {
    // `__Host-` requires Secure, which browsers only keep over https.
    if state.config.is_https() { "__Host-careid_browser" } else { "careid_browser" }
}

/// The digest a transaction keeps of this browser's cookie, if it has one.
pub fn binding(state: &AppState, headers: &HeaderMap) -> Option<String> {
    read_cookie(headers, cookie_name(state)).filter(|v| !v.is_empty() && v.len() <= 64).map(random::digest)
}

/// This browser's binding, and the cookie to set when it has none yet.
pub fn bind(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(digest) = binding(state, headers) {
        return (digest, None);
    }
    let value = random::token(24);
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    // A session cookie: it only has to outlive one sign-in.
    let cookie = format!("{}={value}; Path=/; HttpOnly; SameSite=Lax{secure}", cookie_name(state));
    (random::digest(&value), HeaderValue::from_str(&cookie).ok())
}
