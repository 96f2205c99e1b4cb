//! Documents every relying party fetches and that change only with the key set
//! (discovery, JWKS): serialised once per version, served as bytes with a
//! strong `ETag`, and `304 Not Modified` to a matching `If-None-Match`.

use std::sync::RwLock;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::crypto::keys::b64;

struct Rendered<V> {
    version: V,
    body: Bytes,
    etag: HeaderValue,
}

/// One published JSON document, rebuilt only when its version changes.
pub struct Published<V> {
    current: RwLock<Option<std::sync::Arc<Rendered<V>>>>,
}

impl<V> Default for Published<V> {
    fn default() -> Self {
        Published { current: RwLock::new(None) }
    }
}

impl<V: PartialEq> Published<V> {
    /// The document of `version` (built by `build` when not yet rendered), or a
    /// bare 304 when the request already holds it.
    pub fn respond(
        &self,
        version: V,
        build: impl FnOnce() -> Value,
        request: &HeaderMap,
        cache_control: HeaderValue,
    ) -> Response {
        let rendered = self.rendered(version, build);
        let headers = [(header::CACHE_CONTROL, cache_control), (header::ETAG, rendered.etag.clone())];
        if request.get_all(header::IF_NONE_MATCH).iter().any(|v| matches(v, &rendered.etag)) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        let json = HeaderValue::from_static("application/json");
        (headers, [(header::CONTENT_TYPE, json)], rendered.body.clone()).into_response()
    }

    #[allow(clippy::expect_used, reason = "a quoted base64url digest is a valid header value")]
    fn rendered(&self, version: V, build: impl FnOnce() -> Value) -> std::sync::Arc<Rendered<V>> {
        let read = self.current.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(rendered) = read.as_ref().filter(|r| r.version == version) {
            return rendered.clone();
        }
        drop(read);
        let body = Bytes::from(build().to_string());
        let etag = format!("\"{}\"", &b64(&Sha256::digest(&body))[..22]);
        let etag = HeaderValue::from_str(&etag).expect("base64url is a valid header value");
        let rendered = std::sync::Arc::new(Rendered { version, body, etag });
        *self.current.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(rendered.clone());
        rendered
    }
}

/// RFC 9110 §13.1.2: `*`, or any listed entity tag equal by the weak comparison.
fn matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(listed) = if_none_match.to_str() else { return false };
    let ours = etag.to_str().unwrap_or_default();
    listed.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn get(published: &Published<u32>, version: u32, if_none_match: Option<&str>) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(tag) = if_none_match {
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(tag).unwrap());
        }
        let build = || json!({ "version": version });
        published.respond(version, build, &headers, HeaderValue::from_static("public, max-age=60"))
    }

    fn etag(response: &Response) -> String {
        response.headers()[header::ETAG].to_str().unwrap().to_string()
    }

    #[test]
    fn a_matching_tag_gets_304_and_a_new_version_a_new_tag() {
        let published = Published::default();
        let first = get(&published, 1, None);
        assert_eq!(first.status(), StatusCode::OK);
        let tag = etag(&first);
        assert_eq!(get(&published, 1, Some(&tag)).status(), StatusCode::NOT_MODIFIED);
        assert_eq!(get(&published, 1, Some(&format!("W/{tag}"))).status(), StatusCode::NOT_MODIFIED);
        assert_eq!(get(&published, 1, Some(&format!("\"x\", {tag}"))).status(), StatusCode::NOT_MODIFIED);
        assert_eq!(get(&published, 1, Some("*")).status(), StatusCode::NOT_MODIFIED);
        let changed = get(&published, 2, Some(&tag));
        assert_eq!(changed.status(), StatusCode::OK);
        assert_ne!(etag(&changed), tag);
    }

    #[test]
    fn a_stale_or_garbled_tag_gets_the_document() {
        let published = Published::default();
        for tag in ["\"stale\"", "", "\u{7f}"] {
            let mut headers = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(tag) {
                headers.insert(header::IF_NONE_MATCH, value);
            }
            let cache = HeaderValue::from_static("no-cache");
            let response = published.respond(7u32, || json!({}), &headers, cache);
            assert_eq!(response.status(), StatusCode::OK, "{tag:?}");
        }
    }
}
