//! The consent page for clients that are not first-party; consent is remembered
//! per user and client.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;

use super::form::{SignInForm, SignInPage};
use super::{session, steps};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::oidc::authorize::respond;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::web::pages::PageError;

/// careid's words for its own scopes (message keys); an API's scopes carry their own.
fn describe(scope: &str) -> &'static str {
    match scope {
        "openid" => "scope-openid",
        "profile" => "scope-profile",
        "email" => "scope-email",
        "phone" => "scope-phone",
        "offline_access" => "scope-offline-access",
        "careid" => "scope-careid",
        "careid:invite" => "scope-careid-invite",
        "careid:admin" => "scope-careid-admin",
        _ => "scope-other",
    }
}

#[derive(Serialize)]
struct ConsentView<'a> {
    tx: &'a str,
    csrf: &'a str,
    client_name: &'a str,
    scopes: Vec<String>,
    email: &'a str,
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignInPage(tx): SignInPage,
) -> Result<Response, PageError> {
    let current = session::current(&state, &headers).await?.ok_or_else(PageError::expired)?;
    let user = state.store.user_by_id(&current.session.user_id).await?.ok_or_else(PageError::expired)?;
    let client = state.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
    let mut apis = Vec::new();
    for id in &tx.request.resources {
        apis.extend(state.store.api(id).await?);
    }
    let scopes = tx
        .request
        .scopes
        .iter()
        .map(|scope| {
            let api =
                apis.iter().find_map(|api| api.scopes.iter().find(|s| s.name == *scope).map(|s| (api, s)));
            match api {
                Some((api, s)) => format!("{} ({})", s.description, api.name),
                None => crate::i18n::text(describe(scope)),
            }
        })
        .collect();
    let view =
        ConsentView { tx: &tx.id, csrf: &tx.csrf, client_name: &client.name, scopes, email: &user.email };
    Ok(state.templates.page_leading_to(StatusCode::OK, "consent.html", view, &tx.request.reply.redirect_uri))
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    origin: Origin,
    SignInForm { mut tx, fields }: SignInForm,
) -> Result<Response, PageError> {
    let current = session::current(&state, &headers).await?.ok_or_else(PageError::expired)?;
    let client = state.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
    if fields.get("decision") != Some("allow") {
        let e = OAuthError::new(ErrorCode::AccessDenied, "the user denied access");
        return Ok(respond::error(&state, &tx.request.reply, &e));
    }
    let now = state.clock.now();
    state.store.save_consent(&current.session.user_id, &client.id, &tx.request.scopes, now).await?;
    let detail = serde_json::json!({ "scopes": tx.request.scopes });
    let user = Some(current.session.user_id.as_str());
    let event = Event {
        actor: user,
        subject: user,
        client_id: Some(&client.id),
        detail: Some(detail),
        ..Event::new("consent.granted")
    };
    audit::record(&state, event, &origin).await;
    tx.consent_given = true;
    Ok(steps::proceed(&state, &headers, &client, tx.request.clone(), Some(tx)).await)
}
