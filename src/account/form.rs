//! What the account page's forms and calls receive, checked once here: the
//! signed-in person (a session that met the account's requirements, else the
//! browser is sent to sign in) and the CSRF token derived from the session
//! cookie, which a cross-site page cannot read.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{proof, signin, view};
use crate::AppState;
use crate::audit::Origin;
use crate::login::session::Current;
use crate::people::User;
use crate::web::csrf;
use crate::web::json_api::{JsonBody, JsonError};
use crate::web::pages::{Form, PageError};
use crate::web::params::Params;

/// A posted account form: the signed-in person, the fields (after the CSRF
/// check) and where it came from.
pub(super) struct AccountForm {
    pub current: Current,
    pub user: User,
    pub params: Params,
    pub origin: Origin,
}

impl FromRequest<AppState> for AccountForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Ok(origin) = Origin::from_request_parts(&mut parts, state).await;
        let signed_in = proof::signed_in(state, &parts.headers).await.map_err(IntoResponse::into_response)?;
        let Some((current, user)) = signed_in else { return Err(signin::sign_in(state)) };
        let Form(params) = Form::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !csrf::matches(params.get("csrf").unwrap_or_default(), &view::csrf(&current)) {
            let stale = crate::i18n::text("account-form-stale");
            return Err(PageError::bad_request(stale).into_response());
        }
        Ok(AccountForm { current, user, params, origin })
    }
}

#[derive(Deserialize)]
struct CsrfJson<T> {
    csrf: String,
    #[serde(flatten)]
    body: T,
}

/// A call from the account page's script (`{ csrf, …body }`): the signed-in
/// person and the rest of the body; without a session a JSON `401` pointing
/// to the sign-in.
pub(super) struct AccountJson<T> {
    pub current: Current,
    pub user: User,
    pub body: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for AccountJson<T> {
    type Rejection = JsonError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let JsonBody(CsrfJson { csrf: sent, body }) =
            JsonBody::<CsrfJson<T>>::from_request(req, state).await?;
        let signed_in = proof::signed_in(state, &headers).await.map_err(|_| JsonError::unavailable())?;
        let Some((current, user)) = signed_in else {
            let message = &crate::i18n::text("account-sign-in-first");
            let to = signin::sign_in_path(state);
            return Err(JsonError::go_to(StatusCode::UNAUTHORIZED, "login_required", message, to));
        };
        if !csrf::matches(&sent, &view::csrf(&current)) {
            return Err(JsonError::bad_request(crate::i18n::text("page-stale")));
        }
        Ok(AccountJson { current, user, body })
    }
}
