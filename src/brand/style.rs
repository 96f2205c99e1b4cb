//! `GET /brand/{id}/colours.css`: a deployment's colours as CSS custom
//! properties the layout's stylesheet uses (a stylesheet of careid's own, as
//! the pages' CSP allows no inline style).

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::store::Deployment;

#[derive(Deserialize)]
pub struct ColoursQuery {
    v: Option<String>,
}

pub async fn colours(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ColoursQuery>,
) -> Response {
    let found = match state.store.deployment(&id).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "durable store failure");
            return crate::web::json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "try again",
            );
        }
    };
    let Some(d) = found else {
        return crate::web::json_error(StatusCode::NOT_FOUND, "not_found", "no such deployment");
    };
    // Asked for by its current version: cached for good; the address changes with the colours.
    let current = q.v.as_deref() == Some(d.version.to_string().as_str());
    let cache = if current { "public, max-age=31536000, immutable" } else { "no-cache" };
    let headers = [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, cache)];
    (headers, stylesheet(&d)).into_response()
}

/// The colours as validated when stored (`#rrggbb`), so nothing else can
/// reach the stylesheet.
fn stylesheet(d: &Deployment) -> String {
    let mut css = String::from(":root {");
    if let Some(c) = &d.primary_color {
        css.push_str(&format!(" --careid-primary: {c};"));
    }
    if let Some(c) = &d.accent_color {
        css.push_str(&format!(" --careid-accent: {c};"));
    }
    css.push_str(" }\n");
    css
}
