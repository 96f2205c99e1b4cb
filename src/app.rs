//! The application at the top: every feature's routes and the layers all
//! requests pass (request ids, limits, security headers, page errors).

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::telemetry::REQUEST_ID;
use crate::web::{MAX_BODY_BYTES, app_links, health, json_error, language, pages, post_limit, same_origin};

pub fn router(state: AppState) -> Router {
    let https = state.config.is_https();
    let timeout = state.config.http.request_timeout();
    // Every form careid's pages post; each is refused when another site sends it.
    let pages = Router::new()
        .merge(crate::login::routes())
        .merge(crate::account::routes())
        .merge(crate::onboarding::pages())
        .merge(crate::oidc::page_routes())
        .route("/language", axum::routing::post(language::switch))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), same_origin::only_from_careid));
    let mut app = Router::new()
        .merge(crate::oidc::routes())
        .merge(pages)
        .merge(crate::openapi::routes())
        .route("/assets/{name}", get(pages::asset))
        .route("/brand/{id}/colours.css", get(crate::brand::style::colours))
        .route("/.well-known/apple-app-site-association", get(app_links::apple_app_site_association))
        .route("/.well-known/assetlinks.json", get(app_links::asset_links))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), post_limit::per_ip))
        .layer(axum::middleware::from_fn_with_state(state.clone(), pages::render_errors))
        .layer(axum::middleware::from_fn(language::layer))
        .layer(axum::middleware::from_fn(crate::telemetry::track_requests))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(CatchPanicLayer::custom(|_| internal_error()))
        // Outside the layers that answer errors, so a browser app can read those too.
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::oidc::cors::layer))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            // Not `no-referrer`: with it browsers send `Origin: null` on the
            // pages' own form posts, which the same-origin check must refuse.
            HeaderValue::from_static("same-origin"),
        ));
    if https {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    app.layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
        let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
    }))
    .layer(PropagateRequestIdLayer::new(REQUEST_ID))
    .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
    .with_state(state)
}

async fn not_found() -> Response {
    json_error(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

fn internal_error() -> Response {
    json_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "internal error")
}
