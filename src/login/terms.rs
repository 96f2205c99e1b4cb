//! The terms interstitial (the ladder's terms step): for clients that require
//! it, the first sign-in after a new terms or disclaimer version asks for
//! acceptance before going back.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::json;

use super::form::{SignInForm, SignInPage};
use super::steps::terms::pending;
use super::transaction::{self, LoginTransaction};
use super::{session, steps};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::people::User;
use crate::web::pages::PageError;

#[derive(Serialize)]
struct TermsView<'a> {
    tx: &'a str,
    csrf: &'a str,
    error: Option<&'a str>,
    terms_version: Option<String>,
    terms_url: Option<String>,
    privacy_url: Option<String>,
    disclaimer_version: Option<String>,
    disclaimer_text: Option<String>,
    /// The client the person goes on to ("Start using the Clinician Portal").
    client: String,
}

async fn page(
    state: &AppState,
    tx: &LoginTransaction,
    user: &User,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let d = state.store.deployment(&user.deployment_id).await?.ok_or_else(PageError::expired)?;
    // Only what is new to this person: terms accepted at sign-up are not shown again.
    let pending = pending(state, user).await?;
    let asks = |document: &str| pending.iter().any(|(d, _)| *d == document);
    let client = state.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
    let view = TermsView {
        tx: &tx.id,
        csrf: &tx.csrf,
        error,
        terms_version: d.terms_version.filter(|_| asks("terms")),
        terms_url: d.terms_url,
        privacy_url: d.privacy_url,
        disclaimer_version: d.disclaimer_version.filter(|_| asks("disclaimer")),
        disclaimer_text: d.disclaimer_text,
        client: client.name,
    };
    Ok(state.templates.page_leading_to(status, "terms.html", view, &tx.request.reply.redirect_uri))
}

/// The signed-in person (the terms step comes after the sign-in became a session).
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<User, PageError> {
    let current = session::current(state, headers).await?.ok_or_else(PageError::expired)?;
    state.store.user_by_id(&current.session.user_id).await?.ok_or_else(PageError::expired)
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignInPage(tx): SignInPage,
) -> Result<Response, PageError> {
    let user = signed_in(&state, &headers).await?;
    page(&state, &tx, &user, StatusCode::OK, None).await
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    origin: Origin,
    SignInForm { tx, fields }: SignInForm,
) -> Result<Response, PageError> {
    let user = signed_in(&state, &headers).await?;
    if fields.get("accept") != Some("yes") {
        let error = crate::i18n::text("terms-tick");
        let error = Some(error.as_str());
        return page(&state, &tx, &user, StatusCode::BAD_REQUEST, error).await;
    }
    let tx = transaction::take_loaded(&state, &tx).await?.ok_or_else(PageError::expired)?;
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
    let client = state.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
    Ok(steps::proceed(&state, &headers, &client, tx.request.clone(), Some(tx)).await)
}
