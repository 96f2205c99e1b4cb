//! `/invite/{token}`: the sign-up page (GET only shows it) and its submission.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::journey::{self, Arrival};
use super::signup::{self, Invite, SignUpError, SignUpForm, SignedUp};
use crate::AppState;
use crate::account;
use crate::audit::Origin;
use crate::crypto::random;
use crate::login::transaction::{self, Pending};
use crate::login::{acr, browser, policy, session};
use crate::oidc::authorize;
use crate::oidc::authorize::respond::redirect;
use crate::people::Role;
use crate::people::password_policy::{self, Strength};
use crate::secret::Secret;
use crate::web::csrf;
use crate::web::pages::{Form, PageError};

/// Double-submit CSRF cookie: a cross-site form cannot send it (SameSite),
/// so nobody can sign a visitor into an account the attacker was invited to.
const CSRF_COOKIE: &str = "careid_signup_csrf";

#[derive(Deserialize)]
pub struct InviteQuery {
    /// A login transaction to continue once the account exists.
    tx: Option<String>,
}

/// What the form had, to show it again after a correction.
#[derive(Default)]
struct Typed<'a> {
    given_name: &'a str,
    family_name: &'a str,
    email: &'a str,
    tx: &'a str,
}

#[derive(Serialize, Default)]
struct ClosedView {
    /// `expired` or `revoked`; none for unknown and used links alike.
    why: Option<&'static str>,
    inviter_name: Option<String>,
    inviter_email: Option<String>,
}

/// The page for an invitation that cannot be used: for one that expired or
/// was withdrawn, which it was and whom to ask for a new one.
async fn closed(state: &AppState, token: &str) -> Result<Response, PageError> {
    let view = match signup::why_closed(state, token).await? {
        Some(closed) => {
            let (inviter_name, inviter_email) = closed.inviter.unzip();
            let why = if closed.revoked { "revoked" } else { "expired" };
            ClosedView { why: Some(why), inviter_name, inviter_email }
        }
        None => ClosedView::default(),
    };
    Ok(state.templates.page(StatusCode::NOT_FOUND, "invitation_closed.html", view))
}

#[derive(Serialize)]
struct SignUpView<'a> {
    token: &'a str,
    csrf: &'a str,
    tx: &'a str,
    inviter: &'a str,
    role: &'static str,
    deployment: &'a str,
    fixed_email: Option<&'a str>,
    email: &'a str,
    given_name: &'a str,
    family_name: &'a str,
    terms_version: Option<&'a str>,
    terms_url: Option<&'a str>,
    privacy_url: Option<&'a str>,
    disclaimer_text: Option<&'a str>,
    /// Where the account leads (the client's name), when the invitation says.
    client: Option<&'a str>,
    min_chars: usize,
    max_chars: usize,
    error: Option<&'a str>,
    /// The id of the input the error is about.
    error_field: Option<&'a str>,
    strength: Option<&'a Strength>,
    locale: &'a str,
}

/// What to correct on the form, and the input it is about.
struct FormError<'a> {
    field: &'a str,
    message: &'a str,
    strength: Option<&'a Strength>,
}

fn render(
    state: &AppState,
    status: StatusCode,
    token: &str,
    invite: &Invite,
    typed: &Typed,
    error: Option<&FormError<'_>>,
) -> Response {
    let csrf = random::token(24);
    let d = &invite.deployment;
    let view = SignUpView {
        token,
        csrf: &csrf,
        tx: typed.tx,
        inviter: &invite.inviter_name,
        role: invite.role.as_str(),
        deployment: &d.name,
        fixed_email: invite.invitation.email.as_deref(),
        email: typed.email,
        given_name: typed.given_name,
        family_name: typed.family_name,
        terms_version: d.terms_version.as_deref(),
        terms_url: d.terms_url.as_deref(),
        privacy_url: d.privacy_url.as_deref(),
        disclaimer_text: d.disclaimer_version.as_ref().and(d.disclaimer_text.as_deref()),
        client: invite.client.as_ref().map(|c| c.name.as_str()),
        min_chars: invite.password_rule(state).min_chars,
        max_chars: password_policy::MAX_CHARS,
        error: error.map(|e| e.message),
        error_field: error.map(|e| e.field),
        strength: error.and_then(|e| e.strength),
        locale: &d.default_locale,
    };
    // The form may end, through careid's redirects, at the client.
    let target =
        invite.client.as_ref().and_then(|c| c.initiate_login_uri.as_ref().or(c.redirect_uris.first()));
    let mut response = match target {
        Some(target) => state.templates.page_leading_to(status, "signup.html", view, target),
        None => state.templates.page(status, "signup.html", view),
    };
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let cookie = format!("{CSRF_COOKIE}={csrf}; Path=/invite; HttpOnly; SameSite=Strict{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<InviteQuery>,
) -> Result<Response, PageError> {
    Ok(match signup::open(&state, &token).await? {
        Some(invite) => {
            let typed = Typed { tx: q.tx.as_deref().unwrap_or_default(), ..Typed::default() };
            render(&state, StatusCode::OK, &token, &invite, &typed, None)
        }
        None => closed(&state, &token).await?,
    })
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    origin: Origin,
    Path(token): Path<String>,
    Form(form): Form,
) -> Result<Response, PageError> {
    let cookie = session::read_cookie(&headers, CSRF_COOKIE).unwrap_or_default();
    if !csrf::matches(form.get("csrf").unwrap_or_default(), cookie) {
        return Err(PageError::bad_request(crate::i18n::text("signup-stale")));
    }
    let typed = Typed {
        given_name: form.get("given_name").unwrap_or_default(),
        family_name: form.get("family_name").unwrap_or_default(),
        email: form.get("email").unwrap_or_default(),
        tx: form.get("tx").unwrap_or_default(),
    };
    let input = SignUpForm {
        given_name: typed.given_name.to_string(),
        family_name: typed.family_name.to_string(),
        email: form.get("email").map(str::to_owned),
        password: Secret::new(form.get("password").unwrap_or_default()),
        accepted_terms: form.get("accept_terms") == Some("yes"),
    };
    match signup::redeem(&state, &token, input, &origin).await {
        Ok(done) => signed_up(&state, &headers, done, typed.tx).await,
        Err(SignUpError::Closed) => closed(&state, &token).await,
        Err(SignUpError::Form { field, message, strength }) => {
            Ok(match signup::open(&state, &token).await? {
                Some(invite) => {
                    let error = FormError { field, message: &message, strength: strength.as_ref() };
                    render(&state, StatusCode::BAD_REQUEST, &token, &invite, &typed, Some(&error))
                }
                None => closed(&state, &token).await?,
            })
        }
        Err(SignUpError::Store(e)) => Err(e.into()),
        Err(SignUpError::Ephemeral(e)) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct DoneView<'a> {
    deployment: &'a str,
    app_link: &'a str,
    app_store_url: Option<&'a str>,
    play_store_url: Option<&'a str>,
    /// The App's name as registered, when the invitation leads to it.
    client: Option<&'a str>,
    locale: &'a str,
}

/// Where a new account goes: back into the sign-in it interrupted; else to
/// the client the invitation leads to, signed in (through a sign-in to the
/// account pages that first sets up a factor the account must have, when it
/// must have one); where careid cannot bring them there, to the app for a
/// patient whose deployment has one, else to the account page.
async fn signed_up(
    state: &AppState,
    headers: &HeaderMap,
    done: SignedUp,
    tx_id: &str,
) -> Result<Response, PageError> {
    let user = &done.user;
    let pending =
        Pending::first_factor(&user.id, &[acr::AMR_PASSWORD], acr::Level::Password, state.clock.now());
    let factor_to_add =
        policy::user_requires(state, user).await? || policy::passkey_enrolment_needed(state, user).await?;
    let arrival =
        done.client.as_ref().map_or(Arrival::Nowhere, |c| journey::arrival(state, c, Some(&user.email)));
    let mut cookies = Vec::new();
    let mut response = match transaction::take(state, tx_id, headers).await? {
        Some(mut tx) => {
            tx.pending = Some(pending);
            let tx = transaction::next_step(state, tx).await?;
            redirect(&format!("/authorize/continue?tx={}", tx.id))
        }
        None if factor_to_add => {
            // The account pages' sign-in sets the factor up; its end goes on
            // to the client (`/start/…`) when careid can bring them there.
            let then = done.client.as_ref().filter(|_| arrival != Arrival::Nowhere).map(|c| c.id.as_str());
            let (_, request) =
                authorize::internal_request(state, &account::sign_in_query_then(state, then)).await?;
            let (binding, cookie) = browser::bind(state, headers);
            let tx = transaction::create(state, request, binding, Some(pending)).await?;
            cookies.extend(cookie);
            redirect(&format!("/authorize/continue?tx={}", tx.id))
        }
        None => {
            let current = session::start(state, &user.id, pending.amr, pending.acr).await?;
            cookies.extend(session::set_cookie(state, &current.cookie));
            match (arrival, &done.deployment.app_link) {
                (Arrival::Initiate(url) | Arrival::Authorize(url), _) => redirect(&url),
                (Arrival::Nowhere, Some(app_link)) if user.role() == Some(Role::Patient) => {
                    let d = &done.deployment;
                    let view = DoneView {
                        deployment: &d.name,
                        app_link,
                        app_store_url: d.app_store_url.as_deref(),
                        play_store_url: d.play_store_url.as_deref(),
                        client: done.client.as_ref().map(|c| c.name.as_str()),
                        locale: &d.default_locale,
                    };
                    state.templates.page(StatusCode::OK, "signup_done.html", view)
                }
                (Arrival::Nowhere, _) => redirect("/account"),
            }
        }
    };
    let headers = response.headers_mut();
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let clear = format!("{CSRF_COOKIE}=; Path=/invite; HttpOnly; SameSite=Strict; Max-Age=0{secure}");
    if let Ok(value) = HeaderValue::from_str(&clear) {
        headers.append(header::SET_COOKIE, value);
    }
    Ok(response)
}
