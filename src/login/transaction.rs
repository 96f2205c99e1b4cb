//! Login transactions: an authorization request waiting for the person to sign
//! in or consent, kept in the ephemeral store under a random id, bound to the
//! browser that started it, and holding the sign-in in progress until it
//! meets the account's requirements and becomes a browser session.

use serde::{Deserialize, Serialize};

use axum::http::HeaderMap;

use super::browser;
pub use super::pending::Pending;
use crate::AppState;
use crate::brand;
use crate::crypto::random;
use crate::ephemeral::EphemeralError;
use crate::ephemeral::records::{self, Record};
use crate::i18n::{Lang, Source, negotiation};
use crate::oidc::authorize::request::AuthorizationRequest;

/// Its `Debug` leaves out the id, the CSRF token and the code challenge,
/// which are bearer secrets for this sign-in.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginTransaction {
    pub id: String,
    /// Echoed by every form of this transaction (CSRF protection).
    pub csrf: String,
    pub request: AuthorizationRequest,
    pub created_at: i64,
    /// Digest of the browser cookie of the browser that started it ([`browser`]).
    #[serde(default)]
    pub browser: String,
    /// Who is signing in and what they have proven so far: not yet a session.
    #[serde(default)]
    pub pending: Option<Pending>,
    /// The session `sid` that signed in during this transaction, which
    /// satisfies `prompt=login` and `max_age` for it.
    pub authenticated_sid: Option<String>,
    /// Set once the person approved the consent page in this transaction.
    #[serde(default)]
    pub consent_given: bool,
    /// The SMS step, once started in this transaction.
    #[serde(default)]
    pub sms: Option<SmsStep>,
    /// The language of this sign-in's pages: the request's `ui_locales`, or
    /// what the person picked in the switcher since.
    #[serde(default)]
    pub lang: Option<Lang>,
}

impl std::fmt::Debug for LoginTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginTransaction")
            .field("client_id", &self.request.reply.client_id)
            .field("created_at", &self.created_at)
            .field("pending", &self.pending)
            .field("authenticated_sid", &self.authenticated_sid)
            .field("consent_given", &self.consent_given)
            .finish_non_exhaustive()
    }
}

/// A code sent in this transaction: its challenge binds the code to this
/// transaction, and `phone` to the number it went to.
#[derive(Clone, Serialize, Deserialize)]
pub struct SmsStep {
    pub challenge: String,
    pub phone: String,
    /// The number is being enrolled: the right code also confirms it.
    pub enrolling: bool,
}

impl Record for LoginTransaction {
    fn expires_at(&self, state: &AppState) -> Option<i64> {
        Some(self.created_at + state.config.session.login_transaction_secs)
    }
}

/// A new transaction bound to the browser whose cookie digest is `browser`.
pub async fn create(
    state: &AppState,
    request: AuthorizationRequest,
    browser: String,
    pending: Option<Pending>,
) -> Result<LoginTransaction, EphemeralError> {
    let lang = request.ui_locales.as_deref().and_then(negotiation::from_ui_locales);
    let tx = LoginTransaction {
        id: random::token(24),
        csrf: random::token(24),
        request,
        created_at: state.clock.now(),
        browser,
        pending,
        authenticated_sid: None,
        consent_given: false,
        sms: None,
        lang,
    };
    negotiation::offer(Source::UiLocales, tx.lang);
    offer_brand(state, &tx).await;
    save(state, &tx).await?;
    Ok(tx)
}

/// Stores a transaction taken from the store under a new id (and CSRF token),
/// for its next step: each step takes its transaction, so two concurrent
/// submissions of one step can never both go on.
pub async fn next_step(
    state: &AppState,
    mut tx: LoginTransaction,
) -> Result<LoginTransaction, EphemeralError> {
    tx.id = random::token(24);
    tx.csrf = random::token(24);
    save(state, &tx).await?;
    Ok(tx)
}

/// Stores `tx` under its current id (a step that stays on the same page).
pub async fn save(state: &AppState, tx: &LoginTransaction) -> Result<(), EphemeralError> {
    records::LOGIN_TRANSACTION.put(state, &tx.id, tx).await
}

/// The live transaction `id` of this browser, if any (another browser's is
/// as unknown as a made-up id).
pub async fn load(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<Option<LoginTransaction>, EphemeralError> {
    if id.len() > 64 {
        return Ok(None);
    }
    let tx = records::LOGIN_TRANSACTION.load(state, id).await?;
    let tx = this_browser(state, tx, headers);
    if let Some(tx) = &tx {
        offer_brand(state, tx).await;
    }
    Ok(tx)
}

/// Takes the transaction for one step; of concurrent takes only one gets it.
pub async fn take(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
) -> Result<Option<LoginTransaction>, EphemeralError> {
    if id.len() > 64 {
        return Ok(None);
    }
    let tx = records::LOGIN_TRANSACTION.take(state, id).await?;
    let tx = this_browser(state, tx, headers);
    if let Some(tx) = &tx {
        offer_brand(state, tx).await;
    }
    Ok(tx)
}

/// Takes `loaded` (read by this request, whose browser it is bound to) for
/// its next step; of concurrent takes only one gets it.
pub async fn take_loaded(
    state: &AppState,
    loaded: &LoginTransaction,
) -> Result<Option<LoginTransaction>, EphemeralError> {
    let tx: Option<LoginTransaction> = records::LOGIN_TRANSACTION.take(state, &loaded.id).await?;
    negotiation::offer(Source::UiLocales, loaded.lang);
    offer_brand(state, loaded).await;
    Ok(tx.filter(|tx| tx.browser == loaded.browser))
}

/// The brand (and default language) of this sign-in's pages: the person's
/// deployment once known, else the deployment of a client bound to one.
async fn offer_brand(state: &AppState, tx: &LoginTransaction) {
    let offered = match &tx.pending {
        Some(pending) => match state.store.user_by_id(&pending.user_id).await {
            Ok(Some(user)) => brand::offer_person(state, &user).await,
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        },
        None => brand::offer_client(state, &tx.request.reply.client_id).await,
    };
    if let Err(e) = offered {
        // The brand is decoration: the sign-in goes on in careid's.
        tracing::warn!(error = %e, "the sign-in's deployment is unknown");
    }
}

fn this_browser(
    state: &AppState,
    tx: Option<LoginTransaction>,
    headers: &HeaderMap,
) -> Option<LoginTransaction> {
    let tx = tx?;
    negotiation::offer(Source::UiLocales, tx.lang);
    let this_browser = browser::binding(state, headers).is_some_and(|b| random::same(&b, &tx.browser));
    this_browser.then_some(tx)
}
