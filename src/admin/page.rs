//! Lists a page at a time (`limit`, opaque `cursor`), and the ETag of every
//! resource the API returns.

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::problem::Problem;
use crate::store::Keyset;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

/// The rows to fetch for `limit` and `cursor`: one more than the page, to
/// know whether another follows.
pub fn keyset(limit: Option<u32>, cursor: Option<&str>) -> Result<(Keyset, u32), Problem> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Problem::invalid("limit", format!("limit must be 1 to {MAX_LIMIT}")));
    }
    let after = cursor.map(decode).transpose()?;
    Ok((Keyset { after, limit: i64::from(limit) + 1 }, limit))
}

fn decode(cursor: &str) -> Result<(i64, String), Problem> {
    let bad = || Problem::invalid("cursor", "not a cursor this API gave");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (at, id) = text.split_once(':').ok_or_else(bad)?;
    Ok((at.parse().map_err(|_| bad())?, id.to_string()))
}

fn encode(at: i64, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{at}:{id}"))
}

/// A page of a list: its items and, when more follow, the cursor to them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Nothing the caller may see.
    pub fn empty() -> Page<T> {
        Page { items: Vec::new(), next_cursor: None }
    }

    /// The page from `rows` fetched with [`keyset`]; `key` is a row's
    /// (created_at, id).
    pub fn of<R>(
        mut rows: Vec<R>,
        limit: u32,
        key: impl Fn(&R) -> (i64, &str),
        view: impl Fn(R) -> T,
    ) -> Page<T> {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = rows.last().filter(|_| more).map(|last| {
            let (at, id) = key(last);
            encode(at, id)
        });
        Page { items: rows.into_iter().map(view).collect(), next_cursor }
    }
}

/// A strong ETag: a digest of the representation, so it changes whenever
/// what the caller sees does.
pub fn etag(value: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// `value` as JSON with its ETag.
pub fn tagged(value: &impl Serialize) -> Response {
    let mut response = Json(value).into_response();
    if let Ok(tag) = HeaderValue::from_str(&etag(value)) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}
