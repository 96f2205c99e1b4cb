//! "Biometric login" on the account page: the person's passkeys with their
//! names and times, adding one (through `webauthn.js`), renaming, removing.
//! Adding and removing need a sign-in of the last few minutes; the last
//! passkey stays while the deployment requires one.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::page::{AccountForm, csrf, refuse, render, signed_in};
use super::signin;
use crate::AppState;
use crate::accounts::User;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::factors::passkeys::{self, Answer, Binding};
use crate::login::session::Current;
use crate::notify::sign_in_changed;
use crate::oidc::authorize::respond::redirect;
use crate::store::Removal;
use crate::web::client_ip::ClientIp;
use crate::web::json_api::{JsonBody, JsonError};
use crate::web::pages::PageError;

/// How recent a sign-in must be to add or remove a passkey.
const FRESH_SECS: i64 = 600;

fn is_fresh(state: &AppState, current: &Current) -> bool {
    state.clock.now() - current.session.auth_time <= FRESH_SECS
}

/// The section's view: whether passkeys work here, the person's passkeys, and
/// whether their deployment requires one.
pub(super) async fn view(state: &AppState, user: &User) -> Value {
    let items: Vec<Value> = state
        .store
        .passkeys_of(&user.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|p| json!({ "id": p.id, "name": p.name, "created_at": p.created_at, "last_used_at": p.last_used_at }))
        .collect();
    json!({ "available": state.passkeys.is_some(), "items": items, "required": passkey_required(state, user).await })
}

async fn passkey_required(state: &AppState, user: &User) -> bool {
    // Unknown (store trouble) counts as required: refusing a removal is the safe side.
    state
        .store
        .deployment(&user.deployment_id)
        .await
        .map(|d| d.is_some_and(|d| d.passkey_required))
        .unwrap_or(true)
}

#[derive(Deserialize)]
pub struct CsrfBody {
    csrf: String,
}

#[derive(Deserialize)]
pub struct NewPasskey {
    csrf: String,
    #[serde(flatten)]
    answer: Answer,
    #[serde(default)]
    name: String,
}

/// The signed-in person of a JSON request, after its CSRF check.
async fn json_signed_in(
    state: &AppState,
    headers: &HeaderMap,
    sent_csrf: &str,
) -> Result<(Current, User), JsonError> {
    let Some((current, user)) = signed_in(state, headers).await.map_err(|_| JsonError::unavailable())? else {
        let message = "Please sign in first.";
        return Err(JsonError::go_to(
            StatusCode::UNAUTHORIZED,
            "login_required",
            message,
            signin::sign_in_path(state),
        ));
    };
    if !random::same(sent_csrf, &csrf(&current)) {
        return Err(JsonError::bad_request("This page is stale. Please reload it and try again."));
    }
    Ok((current, user))
}

/// POST /account/passkeys/options: creation options, after a recent sign-in.
pub async fn options(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<CsrfBody>,
) -> Result<Json<Value>, JsonError> {
    let (current, user) = json_signed_in(&state, &headers, &body.csrf).await?;
    if !is_fresh(&state, &current) {
        let message = "To add a passkey, please sign in again first.";
        return Err(JsonError::go_to(
            StatusCode::FORBIDDEN,
            "login_required",
            message,
            signin::reverify_path(&state),
        ));
    }
    let binding = Binding { tx: None, sid: Some(current.session.sid) };
    Ok(Json(passkeys::start_registration(&state, &user, binding).await?.to_json()))
}

/// POST /account/passkeys: the new credential.
pub async fn finish(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewPasskey>,
) -> Result<Json<Value>, JsonError> {
    let origin = Origin::from_request(ip, &headers);
    let (current, user) = json_signed_in(&state, &headers, &body.csrf).await?;
    let binding = Binding { tx: None, sid: Some(current.session.sid) };
    passkeys::finish_registration(&state, &user, &binding, &body.answer, &body.name, &origin).await?;
    Ok(Json(json!({ "redirect": "/account" })))
}

/// POST /account/passkeys/rename: `id` and its new `name`.
pub async fn rename(
    State(state): State<AppState>,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let outcome = async {
        let Some(name) = passkeys::clean_name(params.get("name").unwrap_or_default()) else {
            let message = "Please give the passkey a name.";
            return Ok(refuse(&state, &current, &user, message).await);
        };
        if !state.store.rename_passkey(&user.id, params.get("id").unwrap_or_default(), &name).await? {
            return Err(PageError::bad_request("That passkey is not one of yours, or it was removed."));
        }
        Ok::<_, PageError>(redirect("/account"))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

/// POST /account/passkeys/remove: `id`, after a recent sign-in.
pub async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        if !is_fresh(&state, &current) {
            return Ok(redirect(&signin::reverify_path(&state)));
        }
        let id = params.get("id").unwrap_or_default();
        let keep_one = passkey_required(&state, &user).await;
        match state.store.remove_passkey(&user.id, id, keep_one).await? {
            Removal::Removed => {}
            Removal::NotFound => {
                return Err(PageError::bad_request("That passkey is not one of yours, or it was removed."));
            }
            Removal::LastOneRequired => {
                let message = "Your organisation requires a passkey, so your last one cannot be removed. \
                               Add another first.";
                return Ok(refuse(&state, &current, &user, message).await);
            }
        }
        let event = Event {
            subject: Some(&user.id),
            deployment_id: Some(&user.deployment_id),
            detail: Some(json!({ "passkey": id })),
            ..Event::new("passkey.removed")
        };
        audit::record(&state, event, &origin).await;
        sign_in_changed::tell(&state, &user, "A passkey was removed from your account.").await;
        Ok::<_, PageError>(
            render(&state, &current, &user, StatusCode::OK, Some("The passkey is removed."), None).await,
        )
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}
