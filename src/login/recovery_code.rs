//! Signing in with a recovery code in place of the SMS code (a lost or broken
//! phone). The password came first, so the session still has two factors;
//! its `amr` says `mfa` but not `sms`.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::acr;
use super::second_step::{Context, form_context, raise};
use super::session;
use super::transaction;
use crate::AppState;
use crate::audit::Origin;
use crate::factors::recovery_codes;
use crate::oidc::authorize::TxQuery;
use crate::oidc::authorize::respond::redirect;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;
use crate::web::params::Params;

fn page(state: &AppState, c: &Context, status: StatusCode, error: Option<&str>) -> Response {
    state.templates.page_leading_to(
        status,
        "recovery_code.html",
        json!({ "tx": c.tx.id, "csrf": c.tx.csrf, "error": error }),
        &c.tx.request.reply.redirect_uri,
    )
}

/// GET /login/recovery: the form, for a transaction at its second step.
pub async fn show(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<TxQuery>) -> Response {
    let outcome = async {
        let tx = transaction::load(&state, &q.tx).await?.ok_or_else(PageError::expired)?;
        let current = session::current(&state, &headers).await?.ok_or_else(PageError::expired)?;
        let user = state.store.user_by_id(&current.session.user_id).await?.ok_or_else(PageError::expired)?;
        Ok::<_, PageError>(page(&state, &Context { tx, current, user }, StatusCode::OK, None))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

/// POST /login/recovery: a right, unused code raises the session like an SMS code.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        let c = form_context(&state, &headers, &form).await?;
        let input = form.get("code").unwrap_or_default();
        if !recovery_codes::redeem(&state, &c.user, input, &origin).await? {
            let error = "That recovery code is not right, or it has been used already.";
            return Ok(page(&state, &c, StatusCode::UNAUTHORIZED, Some(error)));
        }
        let next = raise(&state, c, &[acr::AMR_MFA], &origin).await?;
        Ok::<_, PageError>(redirect(&format!("/authorize/continue?tx={next}")))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}
