//! CORS for browser apps (the Fetch standard): which endpoints answer pages of
//! other origins, and which origins. Discovery and the JWKS are public
//! documents, the same for everyone, so any page may read them (`*`). The
//! token, userinfo and revocation endpoints answer the web origins of public
//! clients only (see `clients::origins`), read from the store at most every
//! few seconds. Nothing else — the authorization endpoint, introspection, the
//! pages, the admin and invitation APIs — ever sends a CORS header.

use std::collections::HashSet;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{JWKS_PATH, discovery, revoke, token, userinfo};
use crate::AppState;
use crate::clients::Client;
use crate::store::Store;
use crate::web::json_error;

/// How long a node keeps the origin set: a client added, changed or removed
/// (by the CLI, another node, or configuration) counts within this time.
pub const ORIGINS_CACHE_SECS: i64 = 10;
/// The request headers browser apps may send: credentials, the form, a DPoP proof.
const ALLOWED_HEADERS: &str = "Authorization, Content-Type, DPoP";
/// Response headers their code may read besides the simple ones.
const EXPOSED_HEADERS: &str = "WWW-Authenticate, DPoP-Nonce";
/// Seconds a browser may reuse a preflight; the answer itself is checked every time.
const PREFLIGHT_MAX_AGE: &str = "600";

/// Who may read an endpoint's answers from another origin.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Readers {
    /// Public documents: any page.
    Anyone,
    /// The registered web origins of public clients.
    BrowserApps,
}

/// The endpoints that answer CORS, with their methods.
fn cors_endpoint(path: &str) -> Option<(Readers, &'static str)> {
    match path {
        discovery::PATH | JWKS_PATH => Some((Readers::Anyone, "GET, HEAD")),
        token::PATH | revoke::PATH => Some((Readers::BrowserApps, "POST")),
        userinfo::PATH => Some((Readers::BrowserApps, "GET, POST")),
        _ => None,
    }
}

/// Answers preflights and adds the CORS headers to the answers of the
/// endpoints above; passes every other request through untouched.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some((readers, methods)) = cors_endpoint(request.uri().path()) else {
        return next.run(request).await;
    };
    let origin = request.headers().get(header::ORIGIN).cloned();
    let allowed = match (&origin, readers) {
        (_, Readers::Anyone) => Some(HeaderValue::from_static("*")),
        (Some(origin), Readers::BrowserApps) => {
            let registered = match origin.to_str() {
                Ok(origin) => state.browser_origins.allows(&state.store, state.clock.now(), origin).await,
                Err(_) => false,
            };
            registered.then(|| origin.clone())
        }
        (None, Readers::BrowserApps) => None,
    };
    if origin.is_some() && is_preflight(&request) {
        return preflight(request.headers(), readers, methods, allowed);
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if readers == Readers::BrowserApps {
        headers.append(header::VARY, HeaderValue::from_static("origin"));
    }
    if let Some(allowed) = allowed {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED_HEADERS));
    }
    response
}

fn is_preflight(request: &Request) -> bool {
    request.method() == Method::OPTIONS
        && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// The answer to a preflight: the methods and headers allowed, or, for an
/// origin or a method that is not, a 403 without any CORS header (the browser
/// then stops the request and the page cannot read why).
fn preflight(
    headers: &HeaderMap,
    readers: Readers,
    methods: &'static str,
    allowed: Option<HeaderValue>,
) -> Response {
    let requested = headers.get(header::ACCESS_CONTROL_REQUEST_METHOD).and_then(|m| m.to_str().ok());
    let method_ok = requested.is_some_and(|m| methods.split(", ").any(|allowed| allowed == m));
    let mut response = match allowed.filter(|_| method_ok) {
        Some(allowed) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            let headers = response.headers_mut();
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allowed);
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(methods));
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(PREFLIGHT_MAX_AGE));
            response
        }
        None => json_error(
            StatusCode::FORBIDDEN,
            "access_denied",
            "cross-origin requests to this endpoint are not allowed from this origin or with this method",
        ),
    };
    if readers == Readers::BrowserApps {
        response.headers_mut().append(header::VARY, HeaderValue::from_static("origin"));
    }
    response
}

/// The web origins of every public client, as the store had them at most
/// [`ORIGINS_CACHE_SECS`] ago on this node.
#[derive(Default)]
pub struct BrowserOrigins {
    loaded: tokio::sync::Mutex<Option<Loaded>>,
}

struct Loaded {
    at: i64,
    origins: HashSet<String>,
}

impl BrowserOrigins {
    /// Whether `origin` is a web origin of a public client. One request at a
    /// time reloads the set when it is stale; on a store failure the last set
    /// found stays in use.
    pub async fn allows(&self, store: &Store, now: i64, origin: &str) -> bool {
        let mut loaded = self.loaded.lock().await;
        let fresh = loaded.as_ref().is_some_and(|l| (0..ORIGINS_CACHE_SECS).contains(&(now - l.at)));
        if !fresh {
            match store.list_clients().await {
                Ok(clients) => {
                    let origins = clients.iter().flat_map(Client::web_origins).collect();
                    *loaded = Some(Loaded { at: now, origins });
                }
                Err(e) => tracing::warn!(error = %e, "loading the web origins of browser clients failed"),
            }
        }
        loaded.as_ref().is_some_and(|l| l.origins.contains(origin))
    }
}
