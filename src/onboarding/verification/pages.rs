//! The verification pages: the link's button page and its submission, and the
//! page a blocked account sees at sign-in with its "send a new link" form.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::Resend;
use crate::AppState;
use crate::accounts::User;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::login::transaction::{self, LoginTransaction};
use crate::web::client_ip::ClientIp;
use crate::web::form_token;
use crate::web::pages::{PageError, notice};
use crate::web::params::Params;

/// Which account a blocked sign-in was for, by login transaction: the resend
/// form names only the transaction, so nobody can ask links for another account.
fn blocked_key(tx_id: &str) -> String {
    format!("verify-blocked:{}", random::digest(tx_id))
}

pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let shown = async {
        if !super::link_is_open(&state, &token).await? {
            return Err(PageError::unusable_link());
        }
        let csrf = form_token::issue(&state).await?;
        Ok(state.templates.page(StatusCode::OK, "verify_email.html", json!({ "token": token, "csrf": csrf })))
    };
    shown.await.unwrap_or_else(|page: PageError| page.render(&state))
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let done = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        if !form_token::redeem(&state, form.get("csrf").unwrap_or_default()).await? {
            return Err(PageError::stale_form());
        }
        if !super::verify(&state, &token, &origin).await? {
            return Err(PageError::unusable_link());
        }
        Ok(notice(
            &state,
            StatusCode::OK,
            "Email address verified",
            "Thank you. You can go back to the application and sign in.",
            None,
        ))
    };
    done.await.unwrap_or_else(|page| page.render(&state))
}

/// The sign-in answer for an account past its verification deadline (after a
/// correct password, so it tells nothing to someone guessing).
pub async fn refuse_sign_in(
    state: &AppState,
    tx: &LoginTransaction,
    user: &User,
    origin: &Origin,
) -> Result<Response, PageError> {
    let ttl = Duration::from_secs(state.config.session.login_transaction_secs.max(1) as u64);
    state.ephemeral.put(&blocked_key(&tx.id), user.id.as_bytes(), ttl).await?;
    let event = Event {
        subject: Some(&user.id),
        client_id: Some(&tx.request.reply.client_id),
        detail: Some(json!({ "reason": "email not verified in time" })),
        ..Event::new("login.failure")
    };
    audit::record(state, event, origin).await;
    Ok(state.templates.page(
        StatusCode::FORBIDDEN,
        "verify_required.html",
        json!({ "tx": tx.id, "csrf": tx.csrf, "email": user.email }),
    ))
}

pub async fn resend(State(state): State<AppState>, body: Bytes) -> Response {
    let answered = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        let tx = transaction::load(&state, form.get("tx").unwrap_or_default())
            .await?
            .ok_or_else(PageError::expired)?;
        if !random::same(form.get("csrf").unwrap_or_default(), &tx.csrf) {
            return Err(PageError::stale_form());
        }
        let user_id = state.ephemeral.get(&blocked_key(&tx.id)).await?.ok_or_else(PageError::expired)?;
        let user_id = String::from_utf8(user_id).map_err(|_| PageError::expired())?;
        let user = state.store.user_by_id(&user_id).await?.ok_or_else(PageError::expired)?;
        match super::resend(&state, &user).await? {
            Resend::Sent => Ok(notice(
                &state,
                StatusCode::OK,
                "Check your email",
                &format!(
                    "We sent a new verification link to {}. Open it, then come back and sign in.",
                    user.email
                ),
                Some((&format!("/login?tx={}", tx.id), "Back to sign in")),
            )),
            Resend::Limited(secs) => Err(PageError {
                message: "You have asked for several links already. Please use the newest one in your \
                          inbox, or try again later."
                    .into(),
                ..PageError::too_many(secs)
            }),
        }
    };
    answered.await.unwrap_or_else(|page| page.render(&state))
}
