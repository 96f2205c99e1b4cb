//! Server-rendered pages: minijinja templates embedded in the binary, one layout,
//! and the Content-Security-Policy every page is served with.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../templates/layout.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("login.html", include_str!("../../templates/login.html")),
    ("consent.html", include_str!("../../templates/consent.html")),
    ("form_post.html", include_str!("../../templates/form_post.html")),
    ("logout_confirm.html", include_str!("../../templates/logout_confirm.html")),
    ("logged_out.html", include_str!("../../templates/logged_out.html")),
    ("account.html", include_str!("../../templates/account.html")),
    ("terms.html", include_str!("../../templates/terms.html")),
    ("signup.html", include_str!("../../templates/signup.html")),
    ("signup_done.html", include_str!("../../templates/signup_done.html")),
    ("invitation_closed.html", include_str!("../../templates/invitation_closed.html")),
    ("still_signed_in.html", include_str!("../../templates/still_signed_in.html")),
    ("notice.html", include_str!("../../templates/notice.html")),
    ("verify_email.html", include_str!("../../templates/verify_email.html")),
    ("verify_required.html", include_str!("../../templates/verify_required.html")),
    ("password_forgot.html", include_str!("../../templates/password_forgot.html")),
    ("password_reset.html", include_str!("../../templates/password_reset.html")),
    ("sms_code.html", include_str!("../../templates/sms_code.html")),
    ("phone.html", include_str!("../../templates/phone.html")),
    ("account_phone_code.html", include_str!("../../templates/account_phone_code.html")),
    ("recovery_code.html", include_str!("../../templates/recovery_code.html")),
    ("recovery_codes.html", include_str!("../../templates/recovery_codes.html")),
    ("passkey_confirm.html", include_str!("../../templates/passkey_confirm.html")),
    ("passkey_register.html", include_str!("../../templates/passkey_register.html")),
];

/// No inline script or style, nothing from elsewhere (the passkey script talks
/// only to careid), never framed.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// [`PAGE_CSP`] whose form-action also allows `target`'s origin (http, https)
/// or scheme (a native app's private-use scheme): CSP matches only the origin
/// of a redirect target anyway.
pub fn csp_with_form_target(target: &str) -> String {
    let source = match url::Url::parse(target) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url.origin().ascii_serialization(),
        Ok(url) => format!("{}:", url.scheme()),
        Err(_) => return PAGE_CSP.to_string(),
    };
    PAGE_CSP.replace("form-action 'self'", &format!("form-action 'self' {source}"))
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn new() -> Templates {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("embedded templates parse");
        }
        // Built here from a constant name and a hex digest: nothing to escape.
        env.add_global("webauthn_js", minijinja::Value::from_safe_string(versioned_path("webauthn.js")));
        env.add_filter("datetime", datetime);
        Templates { env }
    }

    /// Renders `name` as an HTML page with `status`, the page CSP and no caching.
    pub fn page<C: Serialize>(&self, status: StatusCode, name: &str, context: C) -> Response {
        self.page_with_csp(status, name, context, PAGE_CSP)
    }

    /// A page whose form may end, through careid's own redirects, at `target`
    /// (a client's redirect URI): browsers check form-action against every
    /// redirect of a form submission, so `form-action 'self'` alone blocks the
    /// last hop back to the client.
    pub fn page_leading_to<C: Serialize>(
        &self,
        status: StatusCode,
        name: &str,
        context: C,
        target: &str,
    ) -> Response {
        self.page_with_csp(status, name, context, &csp_with_form_target(target))
    }

    pub fn page_with_csp<C: Serialize>(
        &self,
        status: StatusCode,
        name: &str,
        context: C,
        csp: &str,
    ) -> Response {
        let html = match self.env.get_template(name).and_then(|t| t.render(context)) {
            Ok(html) => html,
            Err(e) => {
                tracing::error!(template = name, error = %e, "template rendering failed");
                return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
            }
        };
        let mut response = (status, Html(html)).into_response();
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

impl Default for Templates {
    fn default() -> Self {
        Templates::new()
    }
}

/// Static files the pages use, embedded too.
pub fn asset(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "careid.css" => Some(("text/css; charset=utf-8", include_str!("../../templates/assets/careid.css"))),
        "form_post.js" => {
            Some(("text/javascript; charset=utf-8", include_str!("../../templates/assets/form_post.js")))
        }
        "webauthn.js" => {
            Some(("text/javascript; charset=utf-8", include_str!("../../templates/assets/webauthn.js")))
        }
        _ => None,
    }
}

/// Unix seconds as `2026-12-02 14:05 UTC`.
fn datetime(seconds: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(seconds) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => seconds.to_string(),
    }
}

/// A digest of asset `name`'s content: pages link `?v=` it, so it may be cached for good.
pub fn asset_version(name: &str) -> Option<String> {
    use sha2::Digest;
    asset(name).map(|(_, body)| hex::encode(&sha2::Sha256::digest(body.as_bytes())[..6]))
}

fn versioned_path(name: &str) -> String {
    format!("/assets/{name}?v={}", asset_version(name).unwrap_or_default())
}
