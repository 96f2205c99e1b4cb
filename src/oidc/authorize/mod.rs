//! The authorization endpoint (`/authorize`, GET and POST) and its continuation
//! after sign-in or consent.

pub mod code;
pub mod request;
pub mod respond;

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use self::request::{AuthorizationRequest, Prompt};
use crate::AppState;
use crate::accounts::User;
use crate::clients::Client;
use crate::login::policy;
use crate::login::session::{self, Current};
use crate::login::transaction::{self, LoginTransaction};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::web::pages::PageError;
use crate::web::params::Params;

pub async fn get(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    start(&state, &headers, query.unwrap_or_default().as_bytes()).await
}

pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return PageError::bad_request("The authorization request must be a form POST.").render(&state);
    }
    start(&state, &headers, &body).await
}

async fn start(state: &AppState, headers: &HeaderMap, raw: &[u8]) -> Response {
    match checked_request(state, raw).await {
        Ok(Ok((client, request))) => match session::current(state, headers).await {
            Ok(current) => proceed(state, &client, request, current, None).await,
            Err(e) => PageError::from(e).render(state),
        },
        Ok(Err(response)) => response,
        Err(page) => page.render(state),
    }
}

/// The page error (unknown client or redirect URI), or the request; errors
/// after that point are already answered to the client.
async fn checked_request(
    state: &AppState,
    raw: &[u8],
) -> Result<Result<(Client, AuthorizationRequest), Response>, PageError> {
    let params = Params::parse(raw).map_err(PageError::bad_request)?;
    let client = match params.get("client_id") {
        Some(id) if id.len() <= 128 => state.store.client(id).await?,
        _ => None,
    };
    let reply = request::check_client_and_redirect(&params, client.as_ref())?;
    let client = client.expect("checked above");
    let mut request = match request::check_rest(&params, &client, reply.clone()) {
        Ok(request) => request,
        Err(e) => return Ok(Err(respond::error(state, &reply, &e))),
    };
    if let Some(hint) = params.get("id_token_hint") {
        match state.keyring.verify::<serde_json::Value>(hint, state.config.issuer_str(), None) {
            Ok(claims) => request.hinted_sub = claims["sub"].as_str().map(str::to_owned),
            Err(_) => {
                let e = OAuthError::invalid_request("id_token_hint is not an ID token careid issued");
                return Ok(Err(respond::error(state, &reply, &e)));
            }
        }
    }
    Ok(Ok((client, request)))
}

/// `?tx=…` of the sign-in pages. Without one the page answers as for an
/// unknown transaction (the "sign-in has expired" page), not with a bare 400.
#[derive(Deserialize)]
pub struct TxQuery {
    #[serde(default)]
    pub tx: String,
}

/// `/authorize/continue?tx=…`: back from the login or consent page.
pub async fn resume(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<TxQuery>) -> Response {
    let outcome = async {
        let tx = transaction::take(&state, &q.tx).await?.ok_or_else(PageError::expired)?;
        let client = state.store.client(&tx.request.reply.client_id).await?.ok_or_else(PageError::expired)?;
        let current = session::current(&state, &headers).await?;
        Ok::<_, PageError>(proceed(&state, &client, tx.request.clone(), current, Some(tx)).await)
    };
    outcome.await.unwrap_or_else(|page| page.render(&state))
}

/// Decides what the request needs next (sign-in, consent) and, when nothing,
/// issues the code. `tx`, when given, has already been taken from the store.
pub async fn proceed(
    state: &AppState,
    client: &Client,
    request: AuthorizationRequest,
    current: Option<Current>,
    tx: Option<LoginTransaction>,
) -> Response {
    match next_step(state, client, &request, current, tx).await {
        Ok(response) => response,
        Err(Step::Page(page)) => page.render(state),
        Err(Step::Client(e)) => respond::error(state, &request.reply, &e),
    }
}

enum Step {
    Page(PageError),
    Client(OAuthError),
}

impl From<PageError> for Step {
    fn from(p: PageError) -> Self {
        Step::Page(p)
    }
}

impl From<crate::store::StoreError> for Step {
    fn from(e: crate::store::StoreError) -> Self {
        Step::Page(e.into())
    }
}

impl From<crate::ephemeral::EphemeralError> for Step {
    fn from(e: crate::ephemeral::EphemeralError) -> Self {
        Step::Page(e.into())
    }
}

async fn next_step(
    state: &AppState,
    client: &Client,
    request: &AuthorizationRequest,
    current: Option<Current>,
    tx: Option<LoginTransaction>,
) -> Result<Response, Step> {
    let signed_in = match current {
        Some(current) => {
            signed_in_user(state, request, &current, tx.as_ref()).await?.map(|user| (current, user))
        }
        None => None,
    };
    let Some((mut current, user)) = signed_in else {
        if request.has_prompt(Prompt::None) {
            return Err(Step::Client(OAuthError::new(ErrorCode::LoginRequired, "the user is not signed in")));
        }
        let tx = match tx {
            Some(tx) => transaction::next_step(state, tx).await?,
            None => transaction::create(state, request.clone()).await?,
        };
        return Ok(respond::redirect(&format!("/login?tx={}", tx.id)));
    };
    match policy::check(state, client, request, &user, &current.session).await? {
        policy::Needed::Enough => {}
        policy::Needed::Unmet => {
            let e = OAuthError::new(
                ErrorCode::UnmetAuthenticationRequirements,
                "the required acr cannot be satisfied",
            );
            return Err(Step::Client(e));
        }
        needed @ (policy::Needed::SecondFactor | policy::Needed::Passkey) => {
            if request.has_prompt(Prompt::None) {
                let e = OAuthError::new(ErrorCode::InteractionRequired, "a second factor is required");
                return Err(Step::Client(e));
            }
            // Someone with a passkey confirms with it; others get a code by SMS.
            let passkey =
                matches!(needed, policy::Needed::Passkey) || policy::has_passkey(state, &user).await?;
            let page = if passkey { "/login/passkey/confirm" } else { "/login/sms" };
            let tx = match tx {
                Some(tx) => transaction::next_step(state, tx).await?,
                None => transaction::create(state, request.clone()).await?,
            };
            return Ok(respond::redirect(&format!("{page}?tx={}", tx.id)));
        }
    }
    let role_allowed = user.role().is_some_and(|role| client.allows_role(role));
    if !role_allowed {
        return Err(Step::Client(OAuthError::new(
            ErrorCode::AccessDenied,
            "this account may not use this application",
        )));
    }
    if policy::passkey_enrolment_needed(state, &user).await? {
        if request.has_prompt(Prompt::None) {
            let e = OAuthError::new(ErrorCode::InteractionRequired, "the user must register a passkey first");
            return Err(Step::Client(e));
        }
        let tx = match tx {
            Some(tx) => transaction::next_step(state, tx).await?,
            None => transaction::create(state, request.clone()).await?,
        };
        return Ok(respond::redirect(&format!("/login/passkey/register?tx={}", tx.id)));
    }
    if client.require_terms && !crate::login::terms::pending(state, &user).await?.is_empty() {
        if request.has_prompt(Prompt::None) {
            return Err(Step::Client(OAuthError::new(
                ErrorCode::InteractionRequired,
                "the user must accept new terms first",
            )));
        }
        let tx = match tx {
            Some(tx) => transaction::next_step(state, tx).await?,
            None => transaction::create(state, request.clone()).await?,
        };
        return Ok(respond::redirect(&format!("/terms?tx={}", tx.id)));
    }
    let consented = tx.as_ref().is_some_and(|tx| tx.consent_given);
    if !client.first_party && !consented {
        let granted = state.store.consented_scopes(&user.id, &client.id).await?;
        let covered = request.scopes.iter().all(|s| granted.contains(s));
        if !covered || request.has_prompt(Prompt::Consent) {
            if request.has_prompt(Prompt::None) {
                return Err(Step::Client(OAuthError::new(ErrorCode::ConsentRequired, "consent is required")));
            }
            let tx = match tx {
                Some(tx) => transaction::next_step(state, tx).await?,
                None => transaction::create(state, request.clone()).await?,
            };
            return Ok(respond::redirect(&format!("/consent?tx={}", tx.id)));
        }
    }
    if !current.session.clients.contains(&client.id) {
        current.session.clients.push(client.id.clone());
    }
    session::save(state, &current).await?;
    let s = &current.session;
    let grant = code::CodeGrant {
        client_id: client.id.clone(),
        redirect_uri: request.reply.redirect_uri.clone(),
        user_id: user.id.clone(),
        scopes: request.scopes.clone(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        sid: s.sid.clone(),
        auth_time: s.auth_time,
        acr: s.acr.clone(),
        amr: s.amr.clone(),
        claims: request.claims.clone(),
        expires_at: state.clock.now() + state.config.session.code_secs,
    };
    let code = code::issue(state, &grant).await?;
    Ok(respond::success(state, &request.reply, &code).into_response())
}

/// The session's user when the session satisfies this request (fresh enough,
/// the hinted user, not forced to sign in again), else `None`.
async fn signed_in_user(
    state: &AppState,
    request: &AuthorizationRequest,
    current: &Current,
    tx: Option<&LoginTransaction>,
) -> Result<Option<User>, Step> {
    let s = &current.session;
    let Some(user) = state.store.user_by_id(&s.user_id).await? else { return Ok(None) };
    if !user.is_active() || s.auth_time < user.sessions_valid_after {
        return Ok(None);
    }
    if tx.is_some_and(|tx| tx.authenticated_sid.as_deref() == Some(s.sid.as_str())) {
        return Ok(Some(user));
    }
    let now = state.clock.now();
    let forced = request.has_prompt(Prompt::Login) || request.has_prompt(Prompt::SelectAccount);
    let too_old = request.max_age.is_some_and(|max| now - s.auth_time > max);
    let other_user = request.hinted_sub.as_ref().is_some_and(|sub| *sub != user.id);
    if forced || too_old || other_user {
        return Ok(None);
    }
    Ok(Some(user))
}
