//! Passkeys (WebAuthn, through webauthn-rs): the relying party, the three
//! ceremonies careid runs (register, sign in without a username, confirm a
//! known person), the stored credentials' counters, and the audit of each.

pub mod app_links;
mod audit_trail;
pub mod ceremony;
pub mod config;

use std::time::Duration;

use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use webauthn_rs::prelude::{
    Passkey, PublicKeyCredential, RegisterPublicKeyCredential, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};

pub use ceremony::Binding;
use ceremony::Pending;
pub use config::{AndroidApp, PasskeyConfig, RelyingParty};

use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::ephemeral::EphemeralError;
use crate::people::User;
use crate::store::{StoreError, StoredPasskey};
use audit_trail::{record_failure, used};

/// The longest name a person may give a passkey.
pub const MAX_NAME_CHARS: usize = 60;

/// The configured relying party, ready to run ceremonies.
pub struct Passkeys {
    webauthn: Webauthn,
}

impl Passkeys {
    pub fn new(rp: &RelyingParty) -> Result<Passkeys, String> {
        let (first, others) = rp.origins.split_first().ok_or("passkeys.origins: none")?;
        let mut builder = WebauthnBuilder::new(&rp.id, first)
            .map_err(|e| format!("passkeys.rp_id: {:?} does not fit {first}: {e}", rp.id))?
            .rp_name(&rp.name)
            .timeout(Duration::from_secs(ceremony::LIFETIME_SECS as u64));
        for origin in others {
            builder = builder.append_allowed_origin(origin);
        }
        let webauthn = builder.build().map_err(|e| format!("passkeys: {e}"))?;
        Ok(Passkeys { webauthn })
    }
}

/// Why a ceremony did not complete. The messages are for people.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    #[error("Passkeys are not available on this server.")]
    Unavailable,
    #[error("This passkey request has expired or was already used. Please try again.")]
    Expired,
    #[error("{0}")]
    Malformed(String),
    #[error("This passkey is not registered with careid. It may have been removed.")]
    UnknownCredential,
    #[error("This passkey is already registered.")]
    AlreadyRegistered,
    #[error("The passkey could not be verified.")]
    Rejected { user_id: Option<String>, reason: String },
    #[error("This passkey may have been copied, so careid did not accept it. Please sign in another way.")]
    CounterRegression { user_id: String, passkey_id: String },
    #[error("internal: {0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
}

/// A challenge for the browser: the id it echoes and the WebAuthn options.
pub struct Challenge {
    pub id: String,
    pub public_key: Value,
}

impl Challenge {
    pub fn to_json(&self) -> Value {
        json!({ "ceremony": self.id, "publicKey": self.public_key })
    }
}

/// The browser's answer to a challenge.
#[derive(Debug, Deserialize)]
pub struct Answer {
    pub ceremony: String,
    pub credential: Value,
}

fn webauthn(state: &AppState) -> Result<&Webauthn, PasskeyError> {
    state.passkeys.as_ref().map(|p| &p.webauthn).ok_or(PasskeyError::Unavailable)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The WebAuthn user handle: the account id (a UUID, which holds no personal data).
fn user_handle(user_id: &str) -> Result<Uuid, PasskeyError> {
    Uuid::parse_str(user_id).map_err(|_| PasskeyError::Internal(format!("user id {user_id} is not a UUID")))
}

fn parse_passkey(stored: &StoredPasskey) -> Result<Passkey, PasskeyError> {
    serde_json::from_str(&stored.passkey)
        .map_err(|e| StoreError::Corrupt(format!("passkey {}: {e}", stored.id)).into())
}

fn options_json<T: serde::Serialize>(options: &T) -> Result<Value, PasskeyError> {
    let mut value = serde_json::to_value(options).map_err(|e| PasskeyError::Internal(e.to_string()))?;
    Ok(value["publicKey"].take())
}

fn answer<T: serde::de::DeserializeOwned>(credential: &Value) -> Result<T, PasskeyError> {
    serde_json::from_value(credential.clone())
        .map_err(|e| PasskeyError::Malformed(format!("The passkey response is malformed: {e}")))
}

/// Options to create a passkey for `user`: discoverable, user-verified, no attestation,
/// excluding the passkeys they already have.
pub async fn start_registration(
    state: &AppState,
    user: &User,
    binding: Binding,
) -> Result<Challenge, PasskeyError> {
    let webauthn = webauthn(state)?;
    let existing = state.store.passkeys_of(&user.id).await?;
    let exclude = existing
        .iter()
        .map(parse_passkey)
        .map(|p| p.map(|p| p.cred_id().clone()))
        .collect::<Result<_, _>>()?;
    let (options, registration) = webauthn
        .start_passkey_registration(user_handle(&user.id)?, &user.email, &user.name, Some(exclude))
        .map_err(|e| PasskeyError::Internal(e.to_string()))?;
    let mut public_key = options_json(&options)?;
    // webauthn-rs asks for "discouraged"; usernameless sign-in and autofill need a resident key.
    public_key["authenticatorSelection"]["residentKey"] = json!("required");
    public_key["authenticatorSelection"]["requireResidentKey"] = json!(true);
    let pending = Pending::Register { user_id: user.id.clone(), state: registration };
    Ok(Challenge { id: ceremony::put(state, binding, pending).await?, public_key })
}

/// Verifies the new credential and stores it under `name`.
pub async fn finish_registration(
    state: &AppState,
    user: &User,
    binding: &Binding,
    reply: &Answer,
    name: &str,
    origin: &Origin,
) -> Result<StoredPasskey, PasskeyError> {
    let result = register(state, user, binding, reply, name).await;
    match &result {
        Ok(stored) => {
            let detail = json!({ "passkey": stored.id, "name": stored.name });
            let event = Event {
                subject: Some(&user.id),
                deployment_id: Some(&user.deployment_id),
                detail: Some(detail),
                ..Event::new("passkey.registered")
            };
            audit::record(state, event, origin).await;
            let name = crate::i18n::Arg::Text(stored.name.clone());
            crate::notify::sign_in_changed::tell(state, user, "changed-passkey-added", &[("name", name)])
                .await;
        }
        Err(e) => record_failure(state, e, Some(&user.id), "register", origin).await,
    }
    result
}

async fn register(
    state: &AppState,
    user: &User,
    binding: &Binding,
    reply: &Answer,
    name: &str,
) -> Result<StoredPasskey, PasskeyError> {
    let webauthn = webauthn(state)?;
    let registration = match ceremony::take(state, &reply.ceremony, binding).await? {
        Pending::Register { user_id, state } if user_id == user.id => state,
        _ => return Err(PasskeyError::Expired),
    };
    let credential: RegisterPublicKeyCredential = answer(&reply.credential)?;
    let passkey = webauthn
        .finish_passkey_registration(&credential, &registration)
        .map_err(|e| rejected(Some(&user.id), e))?;
    let now = state.clock.now();
    let count = state.store.passkey_count(&user.id).await?;
    let stored = StoredPasskey {
        id: Uuid::now_v7().to_string(),
        user_id: user.id.clone(),
        credential_id: b64(passkey.cred_id()),
        name: clean_name(name).unwrap_or_else(|| format!("Passkey {}", count + 1)),
        passkey: serde_json::to_string(&passkey).map_err(|e| PasskeyError::Internal(e.to_string()))?,
        sign_count: 0,
        created_at: now,
        last_used_at: None,
    };
    if !state.store.insert_passkey(&stored).await? {
        return Err(PasskeyError::AlreadyRegistered);
    }
    Ok(stored)
}

/// Options to sign in with whichever passkey the person picks (no username first).
pub async fn start_sign_in(state: &AppState, binding: Binding) -> Result<Challenge, PasskeyError> {
    let (options, authentication) = webauthn(state)?
        .start_discoverable_authentication()
        .map_err(|e| PasskeyError::Internal(e.to_string()))?;
    let public_key = options_json(&options)?;
    Ok(Challenge { id: ceremony::put(state, binding, Pending::SignIn(authentication)).await?, public_key })
}

/// Verifies a usernameless assertion; returns the id of the account whose passkey it is.
pub async fn finish_sign_in(
    state: &AppState,
    binding: &Binding,
    reply: &Answer,
    origin: &Origin,
) -> Result<String, PasskeyError> {
    let mut known_user = None;
    let result = identify(state, binding, reply, &mut known_user).await;
    match &result {
        Ok(stored) => used(state, stored, "sign_in", origin).await,
        Err(e) => record_failure(state, e, known_user.as_deref(), "sign_in", origin).await,
    }
    result.map(|stored| stored.user_id)
}

/// The stored passkey a usernameless assertion verifies with; `known_user`
/// learns whose it is as soon as that is known (for the audit of a failure).
async fn identify(
    state: &AppState,
    binding: &Binding,
    reply: &Answer,
    known_user: &mut Option<String>,
) -> Result<StoredPasskey, PasskeyError> {
    let webauthn = webauthn(state)?;
    let Pending::SignIn(authentication) = ceremony::take(state, &reply.ceremony, binding).await? else {
        return Err(PasskeyError::Expired);
    };
    let credential: PublicKeyCredential = answer(&reply.credential)?;
    let (handle, credential_id) =
        webauthn.identify_discoverable_authentication(&credential).map_err(|e| rejected(None, e))?;
    let stored = state
        .store
        .passkey_by_credential_id(&b64(credential_id))
        .await?
        .ok_or(PasskeyError::UnknownCredential)?;
    *known_user = Some(stored.user_id.clone());
    // The handle the authenticator keeps must name the credential's own account.
    if user_handle(&stored.user_id)? != handle {
        return Err(PasskeyError::Rejected {
            user_id: Some(stored.user_id.clone()),
            reason: "user handle does not match the credential's account".into(),
        });
    }
    let passkey = parse_passkey(&stored)?;
    let result = webauthn.finish_discoverable_authentication_v2(&credential, authentication, &passkey);
    record_use(state, &stored, passkey, result).await?;
    Ok(stored)
}

/// Options for `user` to confirm with one of their passkeys (second factor or step-up).
pub async fn start_confirmation(
    state: &AppState,
    user: &User,
    binding: Binding,
) -> Result<Challenge, PasskeyError> {
    let webauthn = webauthn(state)?;
    let passkeys =
        state.store.passkeys_of(&user.id).await?.iter().map(parse_passkey).collect::<Result<Vec<_>, _>>()?;
    if passkeys.is_empty() {
        return Err(PasskeyError::UnknownCredential);
    }
    let (options, authentication) = webauthn
        .start_passkey_authentication(&passkeys)
        .map_err(|e| PasskeyError::Internal(e.to_string()))?;
    let public_key = options_json(&options)?;
    let pending = Pending::Confirm { user_id: user.id.clone(), state: authentication };
    Ok(Challenge { id: ceremony::put(state, binding, pending).await?, public_key })
}

/// Verifies that `user` answered with one of their own passkeys.
pub async fn finish_confirmation(
    state: &AppState,
    user: &User,
    binding: &Binding,
    reply: &Answer,
    origin: &Origin,
) -> Result<(), PasskeyError> {
    let result = confirm(state, user, binding, reply).await;
    match &result {
        Ok(stored) => used(state, stored, "second_factor", origin).await,
        Err(e) => record_failure(state, e, Some(&user.id), "second_factor", origin).await,
    }
    result.map(drop)
}

/// The stored passkey of `user` their assertion verifies with.
async fn confirm(
    state: &AppState,
    user: &User,
    binding: &Binding,
    reply: &Answer,
) -> Result<StoredPasskey, PasskeyError> {
    let webauthn = webauthn(state)?;
    let authentication = match ceremony::take(state, &reply.ceremony, binding).await? {
        Pending::Confirm { user_id, state } if user_id == user.id => state,
        _ => return Err(PasskeyError::Expired),
    };
    let credential: PublicKeyCredential = answer(&reply.credential)?;
    let stored = state
        .store
        .passkey_by_credential_id(&b64(credential.get_credential_id()))
        .await?
        .filter(|p| p.user_id == user.id)
        .ok_or(PasskeyError::UnknownCredential)?;
    let passkey = parse_passkey(&stored)?;
    let result = webauthn.finish_passkey_authentication(&credential, &authentication);
    record_use(state, &stored, passkey, result).await?;
    Ok(stored)
}

/// Checks the verification's outcome and stores the credential's new counter.
async fn record_use(
    state: &AppState,
    stored: &StoredPasskey,
    mut passkey: Passkey,
    result: Result<webauthn_rs::prelude::AuthenticationResult, WebauthnError>,
) -> Result<(), PasskeyError> {
    let result = result.map_err(|e| match e {
        // The counter did not go up: two copies of the key may exist (WebAuthn §6.1.1).
        WebauthnError::CredentialPossibleCompromise => {
            PasskeyError::CounterRegression { user_id: stored.user_id.clone(), passkey_id: stored.id.clone() }
        }
        other => rejected(Some(&stored.user_id), other),
    })?;
    if !result.user_verified() {
        return Err(PasskeyError::Rejected {
            user_id: Some(stored.user_id.clone()),
            reason: "user not verified".into(),
        });
    }
    passkey.update_credential(&result);
    let json = serde_json::to_string(&passkey).map_err(|e| PasskeyError::Internal(e.to_string()))?;
    state.store.record_passkey_use(&stored.id, &json, i64::from(result.counter()), state.clock.now()).await?;
    Ok(())
}

fn rejected(user_id: Option<&str>, e: WebauthnError) -> PasskeyError {
    PasskeyError::Rejected { user_id: user_id.map(str::to_owned), reason: e.to_string() }
}

/// A name as typed: trimmed, without control characters, at most [`MAX_NAME_CHARS`].
pub fn clean_name(name: &str) -> Option<String> {
    let cleaned: String = name.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string();
    (!cleaned.is_empty()).then(|| cleaned.chars().take(MAX_NAME_CHARS).collect())
}
