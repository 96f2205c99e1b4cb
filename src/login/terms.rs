//! The terms interstitial: for clients that require it, the first sign-in after
//! a new terms or disclaimer version asks for acceptance before going back.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::{session, transaction};
use crate::AppState;
use crate::accounts::User;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::oidc::authorize::{TxQuery, proceed};
use crate::store::{Deployment, StoreError};
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;
use crate::web::params::Params;

/// `(document, version)` pairs of the deployment the user has not accepted yet.
pub async fn pending(state: &AppState, user: &User) -> Result<Vec<(&'static str, String)>, StoreError> {
    let Some(deployment) = state.store.deployment(&user.deployment_id).await? else { return Ok(Vec::new()) };
    let mut pending = Vec::new();
    for (document, version) in documents(&deployment) {
        if !state.store.has_accepted(&user.id, document, &version).await? {
            pending.push((document, version));
        }
    }
    Ok(pending)
}

fn documents(d: &Deployment) -> Vec<(&'static str, String)> {
    let mut docs = Vec::new();
    if let Some(v) = &d.terms_version {
        docs.push(("terms", v.clone()));
    }
    if let Some(v) = &d.disclaimer_version {
        docs.push(("disclaimer", v.clone()));
    }
    docs
}

async fn page(
    state: &AppState,
    tx: &transaction::LoginTransaction,
    user: &User,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let deployment = state.store.deployment(&user.deployment_id).await?.ok_or_else(PageError::expired)?;
    Ok(state.templates.page_leading_to(
        status,
        "terms.html",
        json!({
            "tx": tx.id, "csrf": tx.csrf, "error": error,
            "terms_version": deployment.terms_version, "terms_url": deployment.terms_url,
            "privacy_url": deployment.privacy_url,
            "disclaimer_version": deployment.disclaimer_version, "disclaimer_text": deployment.disclaimer_text,
        }),
        &tx.request.reply.redirect_uri,
    ))
}

pub async fn show(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<TxQuery>) -> Response {
    let shown = async {
        let tx = transaction::load(&state, &q.tx).await?.ok_or_else(PageError::expired)?;
        let current = session::current(&state, &headers).await?.ok_or_else(PageError::expired)?;
        let user = state.store.user_by_id(&current.session.user_id).await?.ok_or_else(PageError::expired)?;
        page(&state, &tx, &user, StatusCode::OK, None).await
    };
    shown.await.unwrap_or_else(|p| p.render(&state))
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        let tx = transaction::load(&state, form.get("tx").unwrap_or_default())
            .await?
            .ok_or_else(PageError::expired)?;
        if !random::same(form.get("csrf").unwrap_or_default(), &tx.csrf) {
            return Err(PageError::bad_request("This form is stale. Please go back and try again."));
        }
        let current = session::current(&state, &headers).await?.ok_or_else(PageError::expired)?;
        let user = state.store.user_by_id(&current.session.user_id).await?.ok_or_else(PageError::expired)?;
        if form.get("accept") != Some("yes") {
            return page(
                &state,
                &tx,
                &user,
                StatusCode::BAD_REQUEST,
                Some("Please tick the box to accept and continue."),
            )
            .await;
        }
        let tx = transaction::take(&state, &tx.id).await?.ok_or_else(PageError::expired)?;
        let now = state.clock.now();
        for (document, version) in pending(&state, &user).await? {
            state.store.insert_acceptance(&user.id, document, &version, now).await?;
            let event = Event {
                subject: Some(&user.id),
                deployment_id: Some(&user.deployment_id),
                client_id: Some(&tx.request.reply.client_id),
                detail: Some(json!({ "document": document, "version": version })),
                ..Event::new("terms.accepted")
            };
            audit::record(&state, event, &origin).await;
        }
        let client = state.store.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
        Ok(proceed(&state, &client, tx.request.clone(), Some(current), Some(tx)).await)
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}
