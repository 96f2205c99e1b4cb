//! Server-rendered pages: minijinja templates embedded in the binary, one layout,
//! and the Content-Security-Policy every page is served with.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State};
use serde::Serialize;

use std::path::Path;

use crate::brand;
use crate::i18n::{self, Arg, Lang};

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
    #[allow(
        clippy::expect_used,
        reason = "start-up: the templates are embedded, and every test renders them"
    )]
    pub fn new() -> Templates {
        Templates::with_overrides(None).expect("embedded templates parse")
    }

    /// The built-in pages, each replaced by the file of the same name in
    /// `dir` (the operator's `templates_dir`) when there is one.
    pub fn with_overrides(dir: Option<&Path>) -> Result<Templates, String> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        add_templates(&mut env, TEMPLATES, dir)?;
        // Built here from a constant name and a hex digest: nothing to escape.
        env.add_global("webauthn_js", minijinja::Value::from_safe_string(versioned_path("webauthn.js")));
        add_i18n(&mut env);
        Ok(Templates { env })
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
        let lang = i18n::current();
        let brand = brand::current::current();
        let csp = with_logo(csp, brand.logo_url.as_deref());
        let context = Value::from(minijinja::value::Serde(&context));
        let context = minijinja::context! {
            brand => Value::from(minijinja::value::Serde(&brand)),
            lang => lang.code(),
            dir => lang.dir(),
            languages => Lang::ALL.map(|l| minijinja::context! { code => l.code(), name => l.native_name() }),
            next => switcher_target(&context),
            ..context
        };
        let html = match self.env.get_template(name).and_then(|t| t.render(context)) {
            Ok(html) => html,
            Err(e) => {
                tracing::error!(template = name, error = %e, "template rendering failed");
                return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
            }
        };
        let mut response = (status, Html(html)).into_response();
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// `csp` whose img-src also allows the origin of the deployment's logo (an
/// https URL, checked when stored).
fn with_logo(csp: &str, logo: Option<&str>) -> String {
    match logo.and_then(|l| url::Url::parse(l).ok()) {
        Some(url) if url.scheme() == "https" => {
            let origin = url.origin().ascii_serialization();
            csp.replace("img-src 'self' data:", &format!("img-src 'self' data: {origin}"))
        }
        _ => csp.to_string(),
    }
}

/// Adds `builtin`, each replaced by the file of the same name under `dir`
/// when there is one; an unreadable or broken file stops start-up, naming it.
pub fn add_templates(
    env: &mut Environment<'static>,
    builtin: &[(&'static str, &'static str)],
    dir: Option<&Path>,
) -> Result<(), String> {
    for (name, source) in builtin {
        let path = dir.map(|d| d.join(name)).filter(|p| p.is_file());
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("templates_dir: cannot read {}: {e}", path.display()))?;
                env.add_template_owned(name.to_string(), text)
                    .map_err(|e| format!("templates_dir: {} does not parse: {e}", path.display()))?;
            }
            None => env.add_template(name, source).map_err(|e| format!("template {name}: {e}"))?,
        }
    }
    Ok(())
}

/// Where the language switcher returns to when it is not the page it is on
/// (which the switcher learns from `Referer`): the answer to a form of a
/// sign-in has no address of its own, so the sign-in continues.
fn switcher_target(context: &Value) -> Option<String> {
    if !i18n::negotiation::answers_form() {
        return None;
    }
    let tx = context.get_attr("tx").ok().filter(|tx| tx.is_true())?;
    Some(format!("/authorize/continue?tx={tx}"))
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

/// Registers what templates need to speak the page's language: `t("key",
/// name=value…)` looks a message up in the language named by the context's
/// `lang`, and `| datetime` writes a date as that language does.
pub fn add_i18n(env: &mut Environment<'static>) {
    env.add_function("t", translate);
    env.add_filter("datetime", |state: &State, seconds: i64| i18n::datetime(lang_of(state), seconds));
}

fn lang_of(state: &State) -> Lang {
    state.lookup("lang").and_then(|v| v.as_str().and_then(Lang::from_tag)).unwrap_or_default()
}

/// In an HTML template the arguments are escaped and the message (trusted,
/// from locales/) may carry markup; in a text template both stay as they are.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<Value, minijinja::Error> {
    let html = matches!(state.auto_escape(), minijinja::AutoEscape::Html);
    let mut args = Vec::new();
    // Every message may name the platform: the brand the page or email shows.
    if let Some(product) = state.lookup("brand").and_then(|b| b.get_attr("product_name").ok())
        && !product.is_undefined()
    {
        let product = product.to_string();
        args.push(("product", Arg::Text(if html { escape(&product) } else { product })));
    }
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let arg = match i64::try_from(value.clone()) {
            Ok(n) if value.is_number() => Arg::Number(n),
            _ if html && value.is_safe() => Arg::Text(value.to_string()),
            _ if html => Arg::Text(escape(&value.to_string())),
            _ => Arg::Text(value.to_string()),
        };
        args.push((name, arg));
    }
    kwargs.assert_all_used()?;
    let text = i18n::t_with(lang_of(state), key, &args);
    Ok(if html { Value::from_safe_string(text) } else { Value::from(text) })
}

fn escape(text: &str) -> String {
    minijinja::HtmlEscape(text).to_string()
}

/// A digest of asset `name`'s content: pages link `?v=` it, so it may be cached for good.
pub fn asset_version(name: &str) -> Option<String> {
    use sha2::Digest;
    asset(name).map(|(_, body)| hex::encode(&sha2::Sha256::digest(body.as_bytes())[..6]))
}

fn versioned_path(name: &str) -> String {
    format!("/assets/{name}?v={}", asset_version(name).unwrap_or_default())
}
