//! The account page and its forms; every form carries a CSRF token derived
//! from the session cookie, which a cross-site page cannot read.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::signin;
use crate::AppState;
use crate::accounts::{User, password_policy};
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::factors::phone::PhoneNumber;
use crate::login::policy;
use crate::login::session::{self, Current};
use crate::oidc::authorize::respond::redirect;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;
use crate::web::params::Params;

pub(super) fn csrf(current: &Current) -> String {
    random::digest(&format!("account csrf {}", current.cookie))
}

/// The signed-in person, or `None` when the browser has no live session.
pub(super) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Current, User)>, PageError> {
    let Some(current) = session::current(state, headers).await? else { return Ok(None) };
    let user = state.store.user_by_id(&current.session.user_id).await?;
    Ok(user
        .filter(|u| u.is_active() && current.session.auth_time >= u.sessions_valid_after)
        .map(|u| (current, u)))
}

pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers).await {
        Ok(Some((current, user))) => render(&state, &current, &user, StatusCode::OK, None, None).await,
        Ok(None) => signin::sign_in(&state),
        Err(page) => page.render(&state),
    }
}

pub(super) async fn render(
    state: &AppState,
    current: &Current,
    user: &User,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> Response {
    let idle_cutoff = state.clock.now() - state.config.session.idle_secs;
    let sessions = state.store.open_user_sessions(&user.id, idle_cutoff).await.unwrap_or_default();
    let sessions: Vec<_> = sessions
        .iter()
        .map(|s| json!({ "sid": s.sid, "created_at": s.created_at, "last_seen": s.last_seen, "current": s.sid == current.session.sid }))
        .collect();
    let deployment = state.store.deployment(&user.deployment_id).await.ok().flatten();
    let accepted: Vec<_> = state
        .store
        .acceptances(&user.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(document, version, at)| json!({ "document": document, "version": version, "accepted_at": at }))
        .collect();
    let required = policy::policy_requires(state, user).await.unwrap_or(true);
    let phone = user.verified_phone().and_then(|p| PhoneNumber::parse(p).ok()).map(|p| p.masked());
    let (issued, left) = state.store.recovery_code_counts(&user.id).await.unwrap_or_default();
    state.templates.page(
        status,
        "account.html",
        json!({
            "csrf": csrf(current),
            "user": {
                "email": user.email, "email_verified": user.email_verified, "given_name": user.given_name,
                "family_name": user.family_name, "role": user.role,
            },
            "app": deployment.as_ref().filter(|_| user.role() == Some(crate::accounts::Role::Patient)).and_then(|d| {
                d.app_link.as_ref().map(|link| json!({
                    "link": link, "app_store_url": d.app_store_url, "play_store_url": d.play_store_url,
                }))
            }),
            "deployment": deployment.map(|d| d.name),
            "sessions": sessions,
            "accepted": accepted,
            "two_step": { "enabled": user.two_step_enabled || required, "required": required, "phone": phone },
            "recovery": { "issued": issued, "left": left },
            "passkeys": super::passkeys::view(state, user).await,
            "notice": notice,
            "error": error,
        }),
    )
}

/// A fresh verification before a change to the second factor: a two-factor
/// session (else the person is sent through the second step first) and the
/// password again. `Err` is the page to answer with.
pub(super) async fn reverify(
    state: &AppState,
    current: &Current,
    user: &User,
    params: &Params,
) -> Result<(), Response> {
    if !policy::is_multi_factor(&current.session.acr) {
        return Err(signin::step_up(state));
    }
    password_again(state, current, user, params).await
}

/// The password typed again (`current_password`) before a sensitive change;
/// `Err` is the account page saying it is not right.
pub(super) async fn password_again(
    state: &AppState,
    current: &Current,
    user: &User,
    params: &Params,
) -> Result<(), Response> {
    let password = params.get("current_password").unwrap_or_default();
    if !state.passwords.verify(password, user.password_hash.as_deref()).await {
        return Err(refuse(state, current, user, "Your password is not right.").await);
    }
    Ok(())
}

/// The account page again, with `message` saying why a change was refused (400).
pub(super) async fn refuse(state: &AppState, current: &Current, user: &User, message: &str) -> Response {
    render(state, current, user, StatusCode::BAD_REQUEST, None, Some(message)).await
}

/// A posted account form: the signed-in person and the fields, after the CSRF
/// check. Without a session the request is answered by sending the browser to sign in.
pub(super) struct AccountForm {
    pub current: Current,
    pub user: User,
    pub params: Params,
}

impl FromRequest<AppState> for AccountForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| PageError::bad_request("The form could not be read.").render(state))?;
        let read = async {
            let Some((current, user)) = signed_in(state, &headers).await? else { return Ok(None) };
            let params = Params::parse(&body).map_err(PageError::bad_request)?;
            if !random::same(params.get("csrf").unwrap_or_default(), &csrf(&current)) {
                return Err(PageError::bad_request(
                    "This form is stale. Please reload the page and try again.",
                ));
            }
            Ok(Some(AccountForm { current, user, params }))
        };
        match read.await {
            Ok(Some(form)) => Ok(form),
            Ok(None) => Err(signin::sign_in(state)),
            Err(page) => Err(page.render(state)),
        }
    }
}

pub async fn update_profile(
    State(state): State<AppState>,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let outcome = async {
        let given = params.get("given_name").unwrap_or_default().trim();
        let family = params.get("family_name").unwrap_or_default().trim();
        if given.is_empty() || given.chars().count() > 100 || family.chars().count() > 100 {
            let message = "Please give a first name of 1 to 100 characters and a family name of at most 100.";
            return Ok(refuse(&state, &current, &user, message).await);
        }
        state.store.update_user_name(&user.id, given, family, state.clock.now()).await?;
        Ok::<_, PageError>(redirect("/account"))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

pub async fn change_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        let fail = |message: String| (StatusCode::BAD_REQUEST, message);
        let current_password = password_policy::normalize(params.get("current_password").unwrap_or_default());
        let new_password = password_policy::normalize(params.get("new_password").unwrap_or_default());
        let confirm = password_policy::normalize(params.get("confirm_password").unwrap_or_default());
        let second_factor = match (user.role(), state.store.deployment(&user.deployment_id).await?) {
            (Some(role), Some(deployment)) => password_policy::second_factor_required(role, &deployment),
            _ => false,
        };
        let problem = if !state.passwords.verify(&current_password, user.password_hash.as_deref()).await {
            Some(fail("Your current password is not right.".to_string()))
        } else if let Err(refusal) =
            password_policy::check(&new_password, second_factor, &[&user.email, &user.name])
        {
            Some(fail(refusal.to_string()))
        } else if confirm != new_password {
            Some(fail("The two new passwords differ.".to_string()))
        } else {
            None
        };
        if let Some((status, message)) = problem {
            return Ok(render(&state, &current, &user, status, None, Some(&message)).await);
        }
        let now = state.clock.now();
        let hash = state.passwords.hash(&new_password).await;
        state.store.update_password_hash(&user.id, &hash, now).await?;
        // A new password ends every other session: whoever knew the old one is out.
        for other in state.store.open_user_sessions(&user.id, 0).await? {
            if other.sid != current.session.sid {
                session::end_by_sid(&state, &other.sid).await.map_err(|_| PageError::unavailable())?;
            }
        }
        audit::record(&state, Event { subject: Some(&user.id), ..Event::new("password.changed") }, &origin)
            .await;
        Ok::<_, PageError>(
            render(&state, &current, &user, StatusCode::OK, Some("Your password is changed."), None).await,
        )
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

pub async fn end_session(
    State(state): State<AppState>,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let outcome = async {
        let targets: Vec<String> = match params.get("sid") {
            Some("others") => state
                .store
                .open_user_sessions(&user.id, 0)
                .await?
                .into_iter()
                .map(|s| s.sid)
                .filter(|sid| *sid != current.session.sid)
                .collect(),
            Some(sid) => {
                let mine = state.store.open_user_sessions(&user.id, 0).await?.iter().any(|s| s.sid == sid);
                if !mine {
                    return Err(PageError::bad_request("That session is not one of yours, or it has ended."));
                }
                vec![sid.to_string()]
            }
            None => return Err(PageError::bad_request("Which session?")),
        };
        for sid in targets {
            session::end_by_sid(&state, &sid).await.map_err(|_| PageError::unavailable())?;
        }
        Ok::<_, PageError>(redirect("/account"))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}
