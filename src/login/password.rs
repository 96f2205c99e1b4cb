//! The password step: the login page and its submission, with rate limits;
//! the check itself (equal work, durable failure counts and locks) is
//! [`password_check`]'s.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::json;

use super::form::{SignInForm, SignInPage};
use super::password_check::{self, SignIn};
use super::transaction::{self, LoginTransaction, Pending};
use super::{acr, steps};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::oidc::authorize::respond::redirect;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;

const GENERIC_FAILURE: &str = "login-failed";

pub async fn show(State(state): State<AppState>, SignInPage(tx): SignInPage) -> Response {
    let email = tx.request.login_hint.clone().unwrap_or_default();
    render(&state, &tx, StatusCode::OK, &email, None).await
}

#[derive(Serialize)]
struct LoginView<'a> {
    tx: &'a str,
    csrf: &'a str,
    email: &'a str,
    error: Option<&'a str>,
    client_name: Option<String>,
    passkeys: bool,
}

async fn render(
    state: &AppState,
    tx: &LoginTransaction,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
) -> Response {
    // The client's name is a courtesy: the page works without it.
    let client_name = state.client(&tx.request.reply.client_id).await.ok().flatten().map(|c| c.name);
    let view = LoginView {
        tx: &tx.id,
        csrf: &tx.csrf,
        email,
        error,
        client_name,
        passkeys: state.passkeys.is_some(),
    };
    state.templates.page_leading_to(status, "login.html", view, &tx.request.reply.redirect_uri)
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    origin: Origin,
    SignInForm { tx, fields }: SignInForm,
) -> Result<Response, PageError> {
    let typed_email = fields.get("email").unwrap_or_default().chars().take(254).collect::<String>();
    let password = fields.get("password").unwrap_or_default();
    let user = match password_check::sign_in(&state, ip, &typed_email, password).await? {
        SignIn::Right(user) => user,
        SignIn::Limited { retry_after } => return Err(PageError::too_many(retry_after)),
        SignIn::Refused { account, reason } => {
            let event = Event {
                subject: account.as_ref().map(|u| u.id.as_str()),
                client_id: Some(&tx.request.reply.client_id),
                detail: Some(json!({ "reason": reason })),
                ..Event::new("login.failure")
            };
            audit::record(&state, event, &origin).await;
            return Ok(render(
                &state,
                &tx,
                StatusCode::UNAUTHORIZED,
                &typed_email,
                Some(&crate::i18n::text(GENERIC_FAILURE)),
            )
            .await);
        }
    };
    // One sign-in per transaction, however often the form is submitted.
    let mut tx = transaction::take_loaded(&state, &tx).await?.ok_or_else(PageError::expired)?;
    let pending =
        Pending::first_factor(&user.id, &[acr::AMR_PASSWORD], acr::Level::Password, state.clock.now());
    let event = Event {
        subject: Some(&user.id),
        client_id: Some(&tx.request.reply.client_id),
        deployment_id: Some(&user.deployment_id),
        detail: Some(json!({ "amr": pending.amr })),
        ..Event::new("login.success")
    };
    audit::record(&state, event, &origin).await;
    // Not signed in yet: the ladder makes this a session once every
    // requirement of the account is met (a second factor, a passkey).
    tx.pending = Some(pending);
    let tx = transaction::next_step(&state, tx).await?;
    Ok(redirect(&steps::onwards(&tx)))
}
