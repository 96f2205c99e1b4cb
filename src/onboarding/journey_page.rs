//! `GET /start/{client}`: the link careid's "done" pages and emails give to
//! the client a person belongs at; it brings them there signed in, or to sign in.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::journey::{self, Arrival};
use crate::AppState;
use crate::login::session;
use crate::oidc::authorize::respond::redirect;
use crate::web::pages::{PageError, notice};

pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = match id.len() {
        1..=128 => state.client(&id).await?.filter(|c| c.id != crate::clients::ACCOUNT_CLIENT_ID),
        _ => None,
    };
    let Some(client) = client else {
        let (title, message) =
            (crate::i18n::text("start-unknown-title"), crate::i18n::text("start-unknown-message"));
        return Ok(notice(&state, StatusCode::NOT_FOUND, &title, &message, None));
    };
    // The address of whoever is signed in here, as the client's login hint.
    let email = match session::current(&state, &headers).await? {
        Some(current) => state.store.user_by_id(&current.session.user_id).await?.map(|u| u.email),
        None => None,
    };
    Ok(match journey::arrival(&state, &client, email.as_deref()) {
        Arrival::Initiate(url) | Arrival::Authorize(url) => redirect(&url),
        Arrival::Nowhere => redirect("/account"),
    })
}
