//! The password step: the login page and its submission, with rate limits,
//! equal work for unknown accounts, and durable failure counts and locks.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::transaction::{self, LoginTransaction};
use super::{acr, session};
use crate::AppState;
use crate::accounts::{Email, password_policy};
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::oidc::authorize::TxQuery;
use crate::oidc::authorize::respond::redirect;
use crate::onboarding::verification;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;
use crate::web::params::Params;

const GENERIC_FAILURE: &str = "The email address or password is not right.";
const WINDOW: Duration = Duration::from_secs(60);

pub async fn show(State(state): State<AppState>, Query(q): Query<TxQuery>) -> Response {
    match transaction::load(&state, &q.tx).await {
        Ok(Some(tx)) => {
            let email = tx.request.login_hint.clone().unwrap_or_default();
            render(&state, &tx, StatusCode::OK, &email, None).await
        }
        Ok(None) => PageError::expired().render(&state),
        Err(e) => PageError::from(e).render(&state),
    }
}

async fn render(
    state: &AppState,
    tx: &LoginTransaction,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
) -> Response {
    let client_name = match state.store.client(&tx.request.reply.client_id).await {
        Ok(Some(c)) => Some(c.name),
        _ => None,
    };
    state.templates.page_leading_to(
        status,
        "login.html",
        json!({
            "tx": tx.id, "csrf": tx.csrf, "email": email, "error": error, "client_name": client_name,
            "passkeys": state.passkeys.is_some(),
        }),
        &tx.request.reply.redirect_uri,
    )
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    match attempt(&state, ip, &headers, &body, &origin).await {
        Ok(response) => response,
        Err(page) => page.render(&state),
    }
}

async fn attempt(
    state: &AppState,
    ip: std::net::IpAddr,
    headers: &HeaderMap,
    body: &[u8],
    origin: &Origin,
) -> Result<Response, PageError> {
    let form = Params::parse(body).map_err(PageError::bad_request)?;
    let tx_id = form.get("tx").unwrap_or_default();
    let tx = transaction::load(state, tx_id).await?.ok_or_else(PageError::expired)?;
    if !random::same(form.get("csrf").unwrap_or_default(), &tx.csrf) {
        return Err(PageError::bad_request("This form is stale. Please go back and try again."));
    }
    let limits = &state.config.login;
    if state.ephemeral.incr_in_window(&format!("rl:login:ip:{ip}"), WINDOW).await? > limits.per_ip_per_minute
    {
        return Err(PageError::too_many(WINDOW.as_secs() as i64));
    }
    let typed_email = form.get("email").unwrap_or_default().chars().take(254).collect::<String>();
    let password = form.get("password").unwrap_or_default();
    let email = Email::parse(&typed_email).ok();
    let account_key = format!("rl:login:acct:{}", random::digest(&typed_email.trim().to_lowercase()));
    if state.ephemeral.incr_in_window(&account_key, WINDOW).await? > limits.per_account_per_minute {
        return Err(PageError::too_many(WINDOW.as_secs() as i64));
    }
    let user = match &email {
        Some(email) => state.store.user_by_email(email.as_str()).await?,
        None => None,
    };
    let now = state.clock.now();
    if let Some(user) = &user
        && user.is_locked(now)
    {
        let event = Event {
            subject: Some(&user.id),
            detail: Some(json!({"reason": "locked"})),
            ..Event::new("login.failure")
        };
        audit::record(state, event, origin).await;
        return Err(PageError::too_many(user.locked_until.unwrap_or(now) - now));
    }
    // Verifies against a dummy hash when there is no account, so both cost the same.
    let hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let matched = state.passwords.verify(&password_policy::normalize(password), hash).await;
    let user = match user {
        Some(user) if matched && user.is_active() => user,
        other => {
            if let Some(user) = &other {
                let lock_until = now + limits.lock_secs;
                state.store.record_login_failure(&user.id, limits.max_failures, lock_until).await?;
            }
            let reason = match &other {
                None => "unknown account",
                Some(u) if !u.is_active() => "account disabled",
                Some(_) => "wrong password",
            };
            let event = Event {
                subject: other.as_ref().map(|u| u.id.as_str()),
                client_id: Some(&tx.request.reply.client_id),
                detail: Some(json!({ "reason": reason })),
                ..Event::new("login.failure")
            };
            audit::record(state, event, origin).await;
            return Ok(
                render(state, &tx, StatusCode::UNAUTHORIZED, &typed_email, Some(GENERIC_FAILURE)).await
            );
        }
    };
    state.store.clear_login_failures(&user.id).await?;
    if verification::is_overdue(&user, now) {
        return verification::pages::refuse_sign_in(state, &tx, &user, origin).await;
    }
    // One sign-in per transaction, however often the form is submitted.
    let mut tx = transaction::take(state, &tx.id).await?.ok_or_else(PageError::expired)?;
    if let Some(old) = session::current(state, headers).await? {
        session::end(state, &old.cookie).await?;
    }
    let current = session::start(state, &user.id, vec![acr::AMR_PASSWORD.into()], acr::PASSWORD).await?;
    tx.authenticated_sid = Some(current.session.sid.clone());
    let tx = transaction::next_step(state, tx).await?;
    let event = Event {
        subject: Some(&user.id),
        client_id: Some(&tx.request.reply.client_id),
        deployment_id: Some(&user.deployment_id),
        detail: Some(json!({ "amr": current.session.amr })),
        ..Event::new("login.success")
    };
    audit::record(state, event, origin).await;
    let mut response = redirect(&format!("/authorize/continue?tx={}", tx.id));
    response.headers_mut().insert(header::SET_COOKIE, session::set_cookie(state, &current.cookie));
    Ok(response.into_response())
}
