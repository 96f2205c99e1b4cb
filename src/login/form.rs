//! What the sign-in step pages receive, checked once here: this browser's
//! login transaction (`?tx=` of a page, or `tx` + `csrf` of a posted form or
//! a passkey call), never another browser's, and never without its CSRF token.

use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::transaction::{self, LoginTransaction};
use crate::AppState;
use crate::web::csrf;
use crate::web::json_api::{JsonBody, JsonError};
use crate::web::pages::{Form, PageError};
use crate::web::params::Params;

#[derive(Deserialize)]
struct TxQuery {
    #[serde(default)]
    tx: String,
}

/// A sign-in page's transaction, from `?tx=`. Without one (or another
/// browser's) the page says the sign-in expired.
pub struct SignInPage(pub LoginTransaction);

impl FromRequestParts<AppState> for SignInPage {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Query(q) =
            Query::<TxQuery>::from_request_parts(parts, state).await.map_err(|_| PageError::expired())?;
        let tx = transaction::load(state, &q.tx, &parts.headers).await?.ok_or_else(PageError::expired)?;
        Ok(SignInPage(tx))
    }
}

/// A posted sign-in form: its transaction (after the CSRF check) and fields.
pub struct SignInForm {
    pub tx: LoginTransaction,
    pub fields: Params,
}

impl FromRequest<AppState> for SignInForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let Form(fields) = Form::from_request(req, state).await?;
        let tx = transaction::load(state, fields.get("tx").unwrap_or_default(), &headers)
            .await?
            .ok_or_else(PageError::expired)?;
        if !csrf::matches(fields.get("csrf").unwrap_or_default(), &tx.csrf) {
            return Err(PageError::stale_form());
        }
        Ok(SignInForm { tx, fields })
    }
}

/// A passkey call from a sign-in page: `{ tx, csrf, …body }`.
#[derive(Deserialize)]
struct TxJson<T> {
    tx: String,
    csrf: String,
    #[serde(flatten)]
    body: T,
}

/// A passkey call's transaction (after the CSRF check) and the rest of its body.
pub struct SignInJson<T> {
    pub tx: LoginTransaction,
    pub body: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for SignInJson<T> {
    type Rejection = JsonError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let JsonBody(TxJson { tx, csrf: sent, body }) =
            JsonBody::<TxJson<T>>::from_request(req, state).await?;
        let tx = transaction::load(state, &tx, &headers).await?.ok_or_else(JsonError::expired)?;
        if !csrf::matches(&sent, &tx.csrf) {
            return Err(JsonError::bad_request(crate::i18n::text("page-stale")));
        }
        Ok(SignInJson { tx, body })
    }
}

/// The person signing in in `tx` (the sign-in in progress): an active account.
pub async fn signing_in(state: &AppState, tx: &LoginTransaction) -> Result<crate::people::User, PageError> {
    let pending = tx.pending.as_ref().ok_or_else(PageError::expired)?;
    let user = state.store.user_by_id(&pending.user_id).await?;
    let user = user.filter(|u| u.is_active()).ok_or_else(PageError::expired)?;
    // The rest of this sign-in speaks the person's language, unless the
    // application asked for another (ui_locales).
    crate::i18n::negotiation::offer(crate::i18n::Source::Person, user.lang());
    crate::brand::offer_person(state, &user).await?;
    Ok(user)
}
