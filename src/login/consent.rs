//! The consent page for clients that are not first-party; consent is remembered
//! per user and client.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::{session, transaction};
use crate::AppState;
use crate::crypto::random;
use crate::oidc::authorize::{TxQuery, proceed, respond};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::web::pages::PageError;
use crate::web::params::Params;

fn describe(scope: &str) -> &'static str {
    match scope {
        "openid" => "Know who you are",
        "profile" => "See your name",
        "email" => "See your email address",
        "phone" => "See your phone number",
        "offline_access" => "Keep access while you are away",
        "careid" => "See your role and care programme",
        "careid:invite" => "Send invitations on your behalf",
        "careid:admin" => {
            "Change your care programme's sign-in policy and reset members' two-step verification"
        }
        _ => "Other access",
    }
}

pub async fn show(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<TxQuery>) -> Response {
    let page = async {
        let tx = transaction::load(&state, &q.tx).await?.ok_or_else(PageError::expired)?;
        let current = session::current(&state, &headers).await?.ok_or_else(PageError::expired)?;
        let user = state.store.user_by_id(&current.session.user_id).await?.ok_or_else(PageError::expired)?;
        let client = state.store.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
        let scopes: Vec<&str> = tx.request.scopes.iter().map(|s| describe(s)).collect();
        Ok::<_, PageError>(state.templates.page_leading_to(
            StatusCode::OK,
            "consent.html",
            json!({ "tx": tx.id, "csrf": tx.csrf, "client_name": client.name, "scopes": scopes, "email": user.email }),
            &tx.request.reply.redirect_uri,
        ))
    };
    page.await.unwrap_or_else(|p| p.render(&state))
}

pub async fn submit(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let outcome = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        let mut tx = transaction::load(&state, form.get("tx").unwrap_or_default())
            .await?
            .ok_or_else(PageError::expired)?;
        if !random::same(form.get("csrf").unwrap_or_default(), &tx.csrf) {
            return Err(PageError::bad_request("This form is stale. Please go back and try again."));
        }
        let current = session::current(&state, &headers).await?.ok_or_else(PageError::expired)?;
        let client = state.store.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
        if form.get("decision") != Some("allow") {
            let e = OAuthError::new(ErrorCode::AccessDenied, "the user denied access");
            return Ok(respond::error(&state, &tx.request.reply, &e));
        }
        let now = state.clock.now();
        state.store.save_consent(&current.session.user_id, &client.id, &tx.request.scopes, now).await?;
        tx.consent_given = true;
        Ok(proceed(&state, &client, tx.request.clone(), Some(current), Some(tx)).await)
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}
