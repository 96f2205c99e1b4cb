//! Answering the client: a redirect with the code or error in the query or
//! fragment, or an auto-submitting form (form_post), always with `iss` (RFC 9207).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::request::{ReplyTo, ResponseMode};
use crate::AppState;
use crate::oidc::error::OAuthError;

pub fn success(state: &AppState, reply: &ReplyTo, code: &str) -> Response {
    send(state, reply, vec![("code", code.to_string())])
}

pub fn error(state: &AppState, reply: &ReplyTo, error: &OAuthError) -> Response {
    send(
        state,
        reply,
        vec![("error", error.code.as_str().to_string()), ("error_description", error.description.clone())],
    )
}

fn send(state: &AppState, reply: &ReplyTo, mut fields: Vec<(&'static str, String)>) -> Response {
    if let Some(s) = &reply.state {
        fields.push(("state", s.clone()));
    }
    fields.push(("iss", state.config.issuer_str().to_string()));
    match reply.response_mode {
        ResponseMode::Query | ResponseMode::Fragment => {
            let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
            let location = if reply.response_mode == ResponseMode::Fragment {
                format!("{}#{encoded}", reply.redirect_uri)
            } else if reply.redirect_uri.contains('?') {
                format!("{}&{encoded}", reply.redirect_uri)
            } else {
                format!("{}?{encoded}", reply.redirect_uri)
            };
            redirect(&location)
        }
        ResponseMode::FormPost => {
            let csp = format!(
                "default-src 'none'; script-src 'self'; style-src 'self'; form-action {}; frame-ancestors 'none'; base-uri 'none'",
                reply.redirect_uri.replace([';', ',', ' '], "")
            );
            state.templates.page_with_csp(
                StatusCode::OK,
                "form_post.html",
                FormPostView { action: &reply.redirect_uri, fields: &fields },
                &csp,
            )
        }
    }
}

/// A 303 to `location` that is never cached.
pub fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(serde::Serialize)]
struct FormPostView<'a, F: serde::Serialize> {
    action: &'a str,
    fields: &'a F,
}
