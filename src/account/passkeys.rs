//! "Biometric login" on the account page: the person's passkeys with their
//! names and times, adding one (through `webauthn.js`), renaming, removing.
//! Adding needs a fresh proof of the strongest factor the person has (a
//! passkey once they have one), removing a fresh second factor; the last
//! passkey stays while the deployment requires one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::{AccountForm, AccountJson};
use super::view::{refuse, refuse_at, render};
use super::{proof, signin};
use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::factors::passkeys::{self, Answer, Binding};
use crate::login::acr;
use crate::login::session::Current;
use crate::notify::sign_in_changed;
use crate::oidc::authorize::respond::redirect;
use crate::people::User;
use crate::store::Removal;
use crate::web::json_api::JsonError;
use crate::web::pages::PageError;

async fn passkey_required(state: &AppState, user: &User) -> Result<bool, PageError> {
    Ok(state.store.deployment(&user.deployment_id).await?.is_some_and(|d| d.passkey_required))
}

/// A call for creation options carries nothing but the page's CSRF token.
#[derive(Deserialize)]
pub struct Challenge {}

#[derive(Deserialize)]
pub struct NewPasskey {
    #[serde(flatten)]
    answer: Answer,
    #[serde(default)]
    name: String,
}

/// Adding a passkey needs a fresh proof of the strongest factor the person
/// has, up to a passkey: the error sends them to make one.
async fn fresh_enough(state: &AppState, current: &Current, user: &User) -> Result<(), JsonError> {
    let level = proof::level_for(state, user, acr::Level::PhishingResistant).await?;
    if proof::is_fresh(state, current, level) {
        return Ok(());
    }
    let message = &crate::i18n::text("passkey-sign-in-again");
    let again = signin::reverify_path(state, level);
    Err(JsonError::go_to(StatusCode::FORBIDDEN, "login_required", message, again))
}

/// POST /account/passkeys/options: creation options, after a fresh proof.
pub async fn options(
    State(state): State<AppState>,
    AccountJson { current, user, .. }: AccountJson<Challenge>,
) -> Result<Json<Value>, JsonError> {
    fresh_enough(&state, &current, &user).await?;
    let binding = Binding { tx: None, sid: Some(current.session.sid) };
    Ok(Json(passkeys::start_registration(&state, &user, binding).await?.to_json()))
}

/// POST /account/passkeys: the new credential.
pub async fn finish(
    State(state): State<AppState>,
    origin: Origin,
    AccountJson { current, user, body }: AccountJson<NewPasskey>,
) -> Result<Json<Value>, JsonError> {
    fresh_enough(&state, &current, &user).await?;
    let binding = Binding { tx: None, sid: Some(current.session.sid) };
    passkeys::finish_registration(&state, &user, &binding, &body.answer, &body.name, &origin).await?;
    Ok(Json(json!({ "redirect": "/account" })))
}

/// POST /account/passkeys/rename: `id` and its new `name`.
pub async fn rename(
    State(state): State<AppState>,
    AccountForm { current, user, params, .. }: AccountForm,
) -> Result<Response, PageError> {
    let Some(name) = passkeys::clean_name(params.get("name").unwrap_or_default()) else {
        let message = &crate::i18n::text("passkey-name-missing");
        let field = format!("rename-{}", params.get("id").unwrap_or_default());
        return Ok(refuse_at(&state, &current, &user, &field, message).await);
    };
    if !state.store.rename_passkey(&user.id, params.get("id").unwrap_or_default(), &name).await? {
        return Err(PageError::bad_request(crate::i18n::text("passkey-unknown")));
    }
    Ok(redirect("/account"))
}

/// POST /account/passkeys/remove: `id`, after a fresh second factor (removing
/// one grants nothing, so two factors are enough even where a passkey is lost).
pub async fn remove(
    State(state): State<AppState>,
    AccountForm { current, user, params, origin }: AccountForm,
) -> Result<Response, PageError> {
    let not_yours = || PageError::bad_request(crate::i18n::text("passkey-unknown"));
    let last_one = "Your organisation requires a passkey, so your last one cannot be removed. \
                    Add another first.";
    // What would be refused anyway is said before any proof is asked for.
    let id = params.get("id").unwrap_or_default();
    let theirs = state.store.passkeys_of(&user.id).await?;
    if !theirs.iter().any(|p| p.id == id) {
        return Err(not_yours());
    }
    let keep_one = passkey_required(&state, &user).await?;
    if keep_one && theirs.len() == 1 {
        return Ok(refuse(&state, &current, &user, last_one).await);
    }
    if let Some(page) =
        proof::unless_fresh(&state, &current, proof::level_for(&state, &user, acr::Level::Mfa).await?)
    {
        return Ok(page);
    }
    match state.store.remove_passkey(&user.id, id, keep_one).await? {
        Removal::Removed => {}
        Removal::NotFound => return Err(not_yours()),
        Removal::LastOneRequired => return Ok(refuse(&state, &current, &user, last_one).await),
    }
    let event = Event {
        subject: Some(&user.id),
        deployment_id: Some(&user.deployment_id),
        detail: Some(json!({ "passkey": id })),
        ..Event::new("passkey.removed")
    };
    audit::record(&state, event, &origin).await;
    sign_in_changed::tell(&state, &user, "changed-passkey-removed", &[]).await;
    Ok(render(&state, &current, &user, StatusCode::OK, Some(&crate::i18n::text("passkey-removed")), None)
        .await)
}
