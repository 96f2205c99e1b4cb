//! RP-Initiated Logout 1.0: `/end_session` (GET and POST) signs the browser out
//! at once when a valid `id_token_hint` names its user, otherwise asks first.

pub mod confirm;
pub mod request;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use self::request::PostLogoutRedirect;
use crate::AppState;
use crate::audit::Origin;
use crate::login::logout;
use crate::login::session;
use crate::oidc::authorize::respond::redirect;
use crate::web::pages::PageError;
use crate::web::params::Params;

pub const PATH: &str = "/end_session";

pub async fn get(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    start(&state, &headers, query.unwrap_or_default().as_bytes(), &origin).await
}

pub async fn post(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Err(PageError::bad_request(crate::i18n::text("logout-must-post")));
    }
    // A cross-site POST carries no SameSite=Lax cookie, so the session would
    // look absent; the same request as a top-level GET does carry it.
    if session::read_cookie(&headers, session::cookie_name(&state)).is_none() {
        let params = Params::parse(&body).map_err(PageError::bad_request)?;
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(params.iter()).finish();
        return Ok(redirect(&format!("{PATH}?{query}")));
    }
    start(&state, &headers, &body, &origin).await
}

async fn start(
    state: &AppState,
    headers: &HeaderMap,
    raw: &[u8],
    origin: &Origin,
) -> Result<Response, PageError> {
    let params = Params::parse(raw).map_err(PageError::bad_request)?;
    let request = request::check(state, &params).await?;
    let Some(current) = session::current(state, headers).await? else {
        return Ok(signed_out(state, request.redirect.as_ref()));
    };
    if request.hinted_sub.as_deref() != Some(current.session.user_id.as_str()) {
        return confirm::show(state, &current, &request).await;
    }
    let client_id = request.client.as_ref().map(|c| c.id.as_str());
    logout::log_out(state, &current, client_id, origin).await?;
    Ok(signed_out(state, request.redirect.as_ref()))
}

/// The end of a logout: back to the client's checked URI (with its `state`),
/// or careid's own page; the session cookie is cleared either way.
pub fn signed_out(state: &AppState, to: Option<&PostLogoutRedirect>) -> Response {
    let mut response = match to {
        Some(to) => redirect(&post_logout_location(to)),
        None => state.templates.page(StatusCode::OK, "logged_out.html", ()),
    };
    if let Some(clear) = session::clear_cookie(state) {
        response.headers_mut().insert(header::SET_COOKIE, clear);
    }
    response
}

pub(super) fn post_logout_location(to: &PostLogoutRedirect) -> String {
    let Some(value) = &to.state else { return to.uri.clone() };
    let query = url::form_urlencoded::Serializer::new(String::new()).append_pair("state", value).finish();
    let separator = if to.uri.contains('?') { '&' } else { '?' };
    format!("{}{separator}{query}", to.uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_is_appended_encoded_and_only_when_given() {
        let to = |uri: &str, state: Option<&str>| PostLogoutRedirect {
            uri: uri.into(),
            state: state.map(str::to_owned),
        };
        assert_eq!(post_logout_location(&to("https://rp.example/out", None)), "https://rp.example/out");
        assert_eq!(
            post_logout_location(&to("https://rp.example/out", Some("a b&c"))),
            "https://rp.example/out?state=a+b%26c"
        );
        assert_eq!(
            post_logout_location(&to("https://rp.example/out?x=1", Some("s"))),
            "https://rp.example/out?x=1&state=s"
        );
    }
}
