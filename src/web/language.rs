//! The language of each page: the request's own sources (the switcher's
//! cookie, `Accept-Language`) before the handler runs, and the switcher
//! itself, which keeps the sign-in going in the language picked.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::i18n::{Choice, Lang, Source, negotiation};
use crate::login::{session, transaction};
use crate::web::pages::{Form, PageError};

pub const COOKIE: &str = "careid_lang";

/// Runs every request in its language and brand scope.
pub async fn layer(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(negotiation::from_accept_language);
    let picked = session::read_cookie(headers, COOKIE).and_then(|v| Lang::parse(v).ok());
    let choice = Choice::default().offer(Source::AcceptLanguage, accept).offer(Source::Browser, picked);
    let answers_form = request.method() != Method::GET;
    negotiation::scope(choice, answers_form, crate::brand::current::scope(next.run(request))).await
}

/// `POST /language`: `lang`, `tx` when a sign-in is going on, and `next`,
/// the page of careid to go back to (else the page the switcher was on, from
/// `Referer`, which careid's pages send to careid). Remembered in this
/// browser, for the sign-in going on, and as the signed-in person's language.
pub async fn switch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form,
) -> Result<Response, PageError> {
    let lang = Lang::parse(form.get("lang").unwrap_or_default()).map_err(|_| {
        PageError::bad_request(crate::i18n::t(crate::i18n::current(), "error-unknown-language"))
    })?;
    negotiation::offer(Source::UiLocales, Some(lang));
    let next = form
        .get("next")
        .map(str::to_string)
        .or_else(|| referring_page(&state, &headers))
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/account".to_string());
    if let Some(id) = form.get("tx").filter(|t| !t.is_empty())
        && let Some(mut tx) = transaction::load(&state, id, &headers).await?
    {
        tx.lang = Some(lang);
        transaction::save(&state, &tx).await?;
    }
    if let Some(mut current) = session::current(&state, &headers).await? {
        state.store.set_user_locale(&current.session.user_id, Some(lang.code()), state.clock.now()).await?;
        current.session.locale = Some(lang);
        session::save(&state, &current).await?;
    }
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let cookie = format!("{COOKIE}={lang}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}");
    let mut response = Redirect::to(&next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The path and query of `Referer` when it is a page of this issuer.
fn referring_page(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let referer = url::Url::parse(headers.get(header::REFERER)?.to_str().ok()?).ok()?;
    if referer.origin() != state.config.issuer.origin() {
        return None;
    }
    Some(match referer.query() {
        Some(query) => format!("{}?{query}", referer.path()),
        None => referer.path().to_string(),
    })
}

/// A path on careid itself: never `//host` or `/\host`, which browsers read
/// as another site.
fn is_local_path(next: &str) -> bool {
    next.len() <= 2048
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/login?tx=abc"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("/\\evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/a\r\nSet-Cookie: x=y"));
    }
}
