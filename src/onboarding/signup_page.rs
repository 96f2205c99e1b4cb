//! `/invite/{token}`: the sign-up page (GET only shows it) and its submission.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::signup::{self, Invite, SignUpError, SignUpForm, SignedUp};
use crate::AppState;
use crate::accounts::Role;
use crate::accounts::password_policy::{self, Strength};
use crate::audit::Origin;
use crate::crypto::random;
use crate::login::{policy, session, transaction};
use crate::oidc::authorize::respond::redirect;
use crate::secret::Secret;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;
use crate::web::params::Params;

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

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "administrator",
        Role::Clinician => "clinician",
        Role::Patient => "patient",
    }
}

/// The one page for every invitation that cannot be used, whatever the reason.
fn closed(state: &AppState) -> Response {
    state.templates.page(StatusCode::NOT_FOUND, "invitation_closed.html", json!({}))
}

fn render(
    state: &AppState,
    status: StatusCode,
    token: &str,
    invite: &Invite,
    typed: &Typed,
    error: Option<(&str, Option<&Strength>)>,
) -> Response {
    let csrf = random::token(24);
    let d = &invite.deployment;
    let min_chars = if invite.second_factor_required() {
        password_policy::MIN_CHARS_WITH_SECOND_FACTOR
    } else {
        password_policy::MIN_CHARS_SOLE_FACTOR
    };
    let mut response = state.templates.page(
        status,
        "signup.html",
        json!({
            "token": token,
            "csrf": csrf,
            "tx": typed.tx,
            "inviter": invite.inviter_name,
            "role": role_label(invite.role),
            "deployment": d.name,
            "fixed_email": invite.invitation.email,
            "email": typed.email,
            "given_name": typed.given_name,
            "family_name": typed.family_name,
            "terms_version": d.terms_version,
            "terms_url": d.terms_url,
            "privacy_url": d.privacy_url,
            "min_chars": min_chars,
            "max_chars": password_policy::MAX_CHARS,
            "error": error.map(|e| e.0),
            "strength": error.and_then(|e| e.1),
            "locale": d.default_locale,
        }),
    );
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
) -> Response {
    match signup::open(&state, &token).await {
        Ok(Some(invite)) => {
            let typed = Typed { tx: q.tx.as_deref().unwrap_or_default(), ..Typed::default() };
            render(&state, StatusCode::OK, &token, &invite, &typed, None)
        }
        Ok(None) => closed(&state),
        Err(e) => PageError::from(e).render(&state),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let form = match Params::parse(&body) {
        Ok(form) => form,
        Err(e) => return PageError::bad_request(e).render(&state),
    };
    let cookie = session::read_cookie(&headers, CSRF_COOKIE).unwrap_or_default();
    if cookie.is_empty() || !random::same(form.get("csrf").unwrap_or_default(), cookie) {
        return PageError::bad_request("This form is stale. Please open your invitation link again.")
            .render(&state);
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
    let origin = Origin::from_request(ip, &headers);
    match signup::redeem(&state, &token, input, &origin).await {
        Ok(done) => signed_up(&state, done, typed.tx).await.unwrap_or_else(|page| page.render(&state)),
        Err(SignUpError::Closed) => closed(&state),
        Err(SignUpError::Form { message, strength }) => match signup::open(&state, &token).await {
            Ok(Some(invite)) => {
                let error = Some((message.as_str(), strength.as_ref()));
                render(&state, StatusCode::BAD_REQUEST, &token, &invite, &typed, error)
            }
            Ok(None) => closed(&state),
            Err(e) => PageError::from(e).render(&state),
        },
        Err(SignUpError::Store(e)) => PageError::from(e).render(&state),
        Err(SignUpError::Ephemeral(e)) => PageError::from(e).render(&state),
    }
}

/// Where a new account goes: back into the sign-in it interrupted, through
/// setting up a required second factor, to the app for a patient whose
/// deployment has one, else to the account page.
async fn signed_up(state: &AppState, done: SignedUp, tx_id: &str) -> Result<Response, PageError> {
    let sid = done.session.session.sid.clone();
    let resumed = match transaction::take(state, tx_id).await? {
        Some(mut tx) => {
            tx.authenticated_sid = Some(sid);
            Some(transaction::next_step(state, tx).await?)
        }
        None => None,
    };
    let patient = done.user.role() == Some(Role::Patient);
    // A second factor the person must set up (a mobile number where two steps
    // are required, a passkey where biometric login is mandatory) is set up
    // now: the sign-in to the account page asks for it before anything else.
    let factor_to_add = done.deployment.passkey_required || policy::user_requires(state, &done.user).await?;
    let mut response = match (resumed, &done.deployment.app_link) {
        (Some(tx), _) => redirect(&format!("/authorize/continue?tx={}", tx.id)).into_response(),
        (None, _) if factor_to_add => redirect(&crate::account::sign_in_path(state)).into_response(),
        (None, Some(app_link)) if patient => state.templates.page(
            StatusCode::OK,
            "signup_done.html",
            json!({
                "deployment": done.deployment.name,
                "app_link": app_link,
                "app_store_url": done.deployment.app_store_url,
                "play_store_url": done.deployment.play_store_url,
                "locale": done.deployment.default_locale,
            }),
        ),
        (None, _) => redirect("/account").into_response(),
    };
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, session::set_cookie(state, &done.session.cookie));
    let secure = if state.config.is_https() { "; Secure" } else { "" };
    let clear = format!("{CSRF_COOKIE}=; Path=/invite; HttpOnly; SameSite=Strict; Max-Age=0{secure}");
    if let Ok(value) = HeaderValue::from_str(&clear) {
        headers.append(header::SET_COOKIE, value);
    }
    Ok(response)
}
