//! What a sign-in still needs, as one ordered ladder of named steps (the
//! model is node-oidc-provider's interaction policy). Each step is a file
//! with one question, `needed`, answered with the page that meets it and the
//! error `prompt=none` gets instead. The authorization endpoint, the login
//! and passkey forms, sign-up and every step page all come back here; none
//! decides on its own. A new requirement is a new file and a new [`Step`].
//!
//! The account's steps come first: until they are all met the person is not
//! signed in for any other purpose, and what they proved waits in the login
//! transaction. Then the sign-in becomes the browser session, and the
//! client's steps follow; when nothing is needed, the code is issued.

mod consent;
mod deployments;
mod email_verification;
mod passkey_enrolment;
mod roles;
mod second_factor;
pub mod sign_in;
pub mod terms;

use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use self::sign_in::Subject;
use crate::AppState;
use crate::clients::Client;
use crate::ephemeral::EphemeralError;
use crate::login::acr::Level;
use crate::login::browser;
use crate::login::policy::{self, Answer, Ask};
use crate::login::session::{self, Current};
use crate::login::transaction::{self, LoginTransaction, Pending};
use crate::oidc::authorize::code;
use crate::oidc::authorize::request::{AuthorizationRequest, Prompt};
use crate::oidc::authorize::respond;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::people::User;
use crate::store::StoreError;
use crate::web::pages::PageError;

/// Every step after sign-in, in order.
#[derive(Debug, Clone, Copy)]
enum Step {
    EmailVerification,
    SecondFactor,
    PasskeyEnrolment,
    Roles,
    Deployments,
    Terms,
    Consent,
}

/// The account's steps: met before the sign-in becomes a session.
const ACCOUNT_STEPS: [Step; 3] = [Step::EmailVerification, Step::SecondFactor, Step::PasskeyEnrolment];
/// The client's steps, for a signed-in person.
const CLIENT_STEPS: [Step; 4] = [Step::Roles, Step::Deployments, Step::Terms, Step::Consent];

/// What a step looks at.
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub client: &'a Client,
    pub request: &'a AuthorizationRequest,
    pub user: &'a User,
    /// What the policy asks of this person at this client for this request.
    pub policy: &'a Answer,
    /// The level (`acr`) the sign-in has reached so far.
    pub level: Level,
    /// Whether the first factor is recent enough to add a factor the account lacks.
    pub fresh: bool,
    /// The person approved the consent page in this transaction.
    pub consent_given: bool,
}

/// What a step asks for.
pub enum Need {
    /// The step's page (`?tx=` follows); `prompt=none` gets `silent` instead.
    Page { page: &'static str, silent: ErrorCode, why: &'static str },
    /// The password again first (an older session adding a factor it lacks).
    SignInAgain,
    /// Nothing this person can do meets it: the client hears why.
    Refuse(OAuthError),
}

impl Step {
    async fn needed(self, ctx: &Ctx<'_>) -> Result<Option<Need>, StepError> {
        Ok(match self {
            Step::EmailVerification => email_verification::needed(ctx),
            Step::SecondFactor => second_factor::needed(ctx),
            Step::PasskeyEnrolment => passkey_enrolment::needed(ctx),
            Step::Roles => roles::needed(ctx),
            Step::Deployments => deployments::needed(ctx),
            Step::Terms => terms::needed(ctx).await?,
            Step::Consent => consent::needed(ctx).await?,
        })
    }
}

/// A step that could not be decided (a store is down).
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
}

impl From<StepError> for PageError {
    fn from(e: StepError) -> Self {
        match e {
            StepError::Store(e) => e.into(),
            StepError::Ephemeral(e) => e.into(),
        }
    }
}

/// Decides what the request needs next and sends the browser there, or
/// issues the code. `tx`, when given, has already been taken from the store.
pub async fn proceed(
    state: &AppState,
    headers: &HeaderMap,
    client: &Client,
    request: AuthorizationRequest,
    tx: Option<LoginTransaction>,
) -> Response {
    match climb(state, headers, client, &request, tx).await {
        Ok(response) => response,
        Err(Refusal::Page(page)) => page.into_response(),
        Err(Refusal::Client(e)) => respond::error(state, &request.reply, &e),
    }
}

enum Refusal {
    Page(PageError),
    Client(OAuthError),
}

impl<E: Into<PageError>> From<E> for Refusal {
    fn from(e: E) -> Self {
        Refusal::Page(e.into())
    }
}

async fn climb(
    state: &AppState,
    headers: &HeaderMap,
    client: &Client,
    request: &AuthorizationRequest,
    mut tx: Option<LoginTransaction>,
) -> Result<Response, Refusal> {
    let pending = tx.as_mut().and_then(|tx| tx.pending.take());
    let Some((subject, user)) = sign_in::who(state, headers, request, pending, tx.as_ref()).await? else {
        silent(request, ErrorCode::LoginRequired, "the user is not signed in")?;
        return Ok(enter(state, headers, request, tx, None, "/login").await?);
    };
    let policy = policy::answer(state, &Ask::of(request, &user, client)).await?;
    let ctx = Ctx {
        state,
        client,
        request,
        user: &user,
        policy: &policy,
        level: subject.acr(),
        fresh: subject.is_fresh(state.clock.now()),
        consent_given: tx.as_ref().is_some_and(|tx| tx.consent_given),
    };
    for step in ACCOUNT_STEPS {
        if let Some(need) = step.needed(&ctx).await? {
            let keep = Some(subject.into_pending());
            return meet(state, headers, request, tx, need, keep).await;
        }
    }
    // Every requirement of the account is met: the sign-in becomes the session.
    let (mut current, cookie) = match subject {
        Subject::Session(current) => (current, None),
        Subject::Pending(pending) => {
            let promoted =
                session::promote(state, headers, &pending).await?.ok_or_else(PageError::expired)?;
            (promoted.current, promoted.cookie)
        }
    };
    if let Some(tx) = tx.as_mut() {
        tx.authenticated_sid = Some(current.session.sid.clone());
    }
    let mut response = match client_steps(state, headers, &ctx, &mut current, tx).await {
        Ok(response) => response,
        Err(Refusal::Page(page)) => page.into_response(),
        Err(Refusal::Client(e)) => respond::error(state, &request.reply, &e),
    };
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// The client's steps for a signed-in person, then the code.
async fn client_steps(
    state: &AppState,
    headers: &HeaderMap,
    ctx: &Ctx<'_>,
    current: &mut Current,
    tx: Option<LoginTransaction>,
) -> Result<Response, Refusal> {
    for step in CLIENT_STEPS {
        if let Some(need) = step.needed(ctx).await? {
            return meet(state, headers, ctx.request, tx, need, None).await;
        }
    }
    let (client, request) = (ctx.client, ctx.request);
    if !current.session.clients.contains(&client.id) {
        current.session.clients.push(client.id.clone());
    }
    session::save(state, current).await?;
    let s = &current.session;
    let grant = code::CodeGrant {
        client_id: client.id.clone(),
        redirect_uri: request.reply.redirect_uri.clone(),
        user_id: ctx.user.id.clone(),
        scopes: request.scopes.clone(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        sid: s.sid.clone(),
        auth_time: s.auth_time,
        acr: s.acr.to_string(),
        amr: s.amr.clone(),
        claims: request.claims.clone(),
        resources: request.resources.clone(),
        dpop_jkt: request.dpop_jkt.clone(),
        expires_at: state.clock.now() + state.config.session.code_secs,
    };
    let code = code::issue(state, &grant).await?;
    Ok(respond::success(state, &request.reply, &code).into_response())
}

/// What `prompt=none` gets where a step needs the person.
fn silent(request: &AuthorizationRequest, code: ErrorCode, why: &str) -> Result<(), Refusal> {
    if request.has_prompt(Prompt::None) {
        return Err(Refusal::Client(OAuthError::new(code, why)));
    }
    Ok(())
}

/// Answers a step's `need`; `keep` is the sign-in in progress to carry to its page.
async fn meet(
    state: &AppState,
    headers: &HeaderMap,
    request: &AuthorizationRequest,
    tx: Option<LoginTransaction>,
    need: Need,
    keep: Option<Pending>,
) -> Result<Response, Refusal> {
    match need {
        Need::Refuse(e) => Err(Refusal::Client(e)),
        Need::SignInAgain => {
            silent(request, ErrorCode::LoginRequired, "the user must sign in again")?;
            Ok(enter(state, headers, request, tx, None, "/login").await?)
        }
        Need::Page { page, silent: code, why } => {
            silent(request, code, why)?;
            Ok(enter(state, headers, request, tx, keep, page).await?)
        }
    }
}

/// Stores `tx` (or a new transaction for `request`, bound to this browser)
/// with the sign-in in progress, and sends the browser to `page`.
async fn enter(
    state: &AppState,
    headers: &HeaderMap,
    request: &AuthorizationRequest,
    tx: Option<LoginTransaction>,
    pending: Option<Pending>,
    page: &str,
) -> Result<Response, EphemeralError> {
    let (tx, cookie) = match tx {
        Some(mut tx) => {
            tx.pending = pending;
            (transaction::next_step(state, tx).await?, None)
        }
        None => {
            let (binding, cookie) = browser::bind(state, headers);
            (transaction::create(state, request.clone(), binding, pending).await?, cookie)
        }
    };
    let mut response = respond::redirect(&format!("{page}?tx={}", tx.id));
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Where a step page sends the browser once it is done: back up the ladder.
pub fn onwards(tx: &LoginTransaction) -> String {
    format!("/authorize/continue?tx={}", tx.id)
}
