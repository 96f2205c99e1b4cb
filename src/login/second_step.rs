//! The "2 Step Verification" step of sign-in: a code by SMS to the verified
//! number, or first enrolling a number; the session then rises to two factors.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::acr;
use super::session::{self, Current};
use super::transaction::{self, LoginTransaction, SmsStep};
use crate::AppState;
use crate::accounts::User;
use crate::audit::{self, Event, Origin};
use crate::crypto::random;
use crate::factors::phone::PhoneNumber;
use crate::factors::recovery_codes;
use crate::factors::sms::codes::{self, CodeError};
use crate::oidc::authorize::TxQuery;
use crate::oidc::authorize::respond::redirect;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;
use crate::web::params::Params;

/// The transaction and the signed-in user it belongs to.
pub(super) struct Context {
    pub tx: LoginTransaction,
    pub current: Current,
    pub user: User,
}

async fn context(state: &AppState, headers: &HeaderMap, tx: LoginTransaction) -> Result<Context, PageError> {
    let current = session::current(state, headers).await?.ok_or_else(PageError::expired)?;
    let user = state.store.user_by_id(&current.session.user_id).await?.ok_or_else(PageError::expired)?;
    if !user.is_active() {
        return Err(PageError::expired());
    }
    Ok(Context { tx, current, user })
}

/// The form's transaction, after its CSRF check.
pub(super) async fn form_context(
    state: &AppState,
    headers: &HeaderMap,
    form: &Params,
) -> Result<Context, PageError> {
    let tx =
        transaction::load(state, form.get("tx").unwrap_or_default()).await?.ok_or_else(PageError::expired)?;
    if !random::same(form.get("csrf").unwrap_or_default(), &tx.csrf) {
        return Err(PageError::stale_form());
    }
    context(state, headers, tx).await
}

fn code_page(state: &AppState, c: &Context, status: StatusCode, error: Option<String>) -> Response {
    let phone = c.tx.sms.as_ref().and_then(|s| PhoneNumber::parse(&s.phone).ok()).map(|p| p.masked());
    state.templates.page_leading_to(
        status,
        "sms_code.html",
        json!({ "tx": c.tx.id, "csrf": c.tx.csrf, "phone": phone, "error": error }),
        &c.tx.request.reply.redirect_uri,
    )
}

fn phone_page(
    state: &AppState,
    c: &Context,
    status: StatusCode,
    error: Option<String>,
    typed: &str,
) -> Response {
    state.templates.page_leading_to(
        status,
        "phone.html",
        json!({ "tx": c.tx.id, "csrf": c.tx.csrf, "error": error, "phone": typed }),
        &c.tx.request.reply.redirect_uri,
    )
}

/// GET /login/sms: sends a code to the verified number (once per transaction),
/// or asks for a number when there is none yet.
pub async fn show(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(q): Query<TxQuery>,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let page = async {
        let tx = transaction::load(&state, &q.tx).await?.ok_or_else(PageError::expired)?;
        let mut c = context(&state, &headers, tx).await?;
        if c.tx.sms.is_none() {
            let Some(phone) = c.user.verified_phone().and_then(|p| PhoneNumber::parse(p).ok()) else {
                return Ok(phone_page(&state, &c, StatusCode::OK, None, ""));
            };
            let challenge = random::token(24);
            c.tx.sms =
                Some(SmsStep { challenge: challenge.clone(), phone: phone.e164().into(), enrolling: false });
            transaction::save(&state, &c.tx).await?;
            codes::send(&state, &challenge, &c.user, &phone, ip, &origin).await?;
        }
        Ok::<_, PageError>(code_page(&state, &c, StatusCode::OK, None))
    };
    page.await.unwrap_or_else(|p| p.render(&state))
}

/// POST /login/phone: the number to enrol; a code goes to it.
pub async fn enrol(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        let mut c = form_context(&state, &headers, &form).await?;
        if c.user.verified_phone().is_some() {
            return Ok(redirect(&format!("/login/sms?tx={}", c.tx.id)));
        }
        let typed = form.get("phone").unwrap_or_default();
        let phone = match PhoneNumber::parse(typed) {
            Ok(phone) => phone,
            Err(e) => return Ok(phone_page(&state, &c, StatusCode::BAD_REQUEST, Some(e.to_string()), typed)),
        };
        let step = SmsStep { challenge: random::token(24), phone: phone.e164().into(), enrolling: true };
        codes::send(&state, &step.challenge, &c.user, &phone, ip, &origin).await?;
        c.tx.sms = Some(step);
        transaction::save(&state, &c.tx).await?;
        Ok::<_, PageError>(redirect(&format!("/login/sms?tx={}", c.tx.id)))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

/// POST /login/sms/resend: a new code for the same step, after 30 seconds.
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        let c = form_context(&state, &headers, &form).await?;
        let step = c.tx.sms.as_ref().ok_or_else(PageError::expired)?;
        let phone = PhoneNumber::parse(&step.phone).map_err(|_| PageError::expired())?;
        codes::send(&state, &step.challenge, &c.user, &phone, ip, &origin).await?;
        Ok::<_, PageError>(redirect(&format!("/login/sms?tx={}", c.tx.id)))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

/// POST /login/sms: the code; a right one raises the session to two factors.
pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        let form = Params::parse(&body).map_err(PageError::bad_request)?;
        let c = form_context(&state, &headers, &form).await?;
        let step = c.tx.sms.clone().ok_or_else(PageError::expired)?;
        let input = form.get("code").unwrap_or_default();
        match codes::verify(&state, &step.challenge, &c.user, &step.phone, input, &origin).await {
            Ok(()) => {}
            Err(CodeError::Wrong { remaining }) => {
                let error = format!("That code is not right. You have {remaining} more tries.");
                return Ok(code_page(&state, &c, StatusCode::UNAUTHORIZED, Some(error)));
            }
            Err(e) => return Err(e.into()),
        }
        verified(&state, c, &step, &origin).await
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}

/// After a right code: confirms an enrolled number, raises the session, and
/// shows recovery codes the first time a person sets up two steps.
async fn verified(
    state: &AppState,
    c: Context,
    step: &SmsStep,
    origin: &Origin,
) -> Result<Response, PageError> {
    if step.enrolling {
        state.store.set_verified_phone(&c.user.id, &step.phone, state.clock.now()).await?;
        let masked = PhoneNumber::parse(&step.phone).map(|p| p.masked()).unwrap_or_default();
        let event = Event {
            subject: Some(&c.user.id),
            detail: Some(json!({ "phone": masked })),
            ..Event::new("phone.enrolled")
        };
        audit::record(state, event, origin).await;
    }
    let user = c.user.clone();
    let next = raise(state, c, &[acr::AMR_SMS, acr::AMR_MFA], origin).await?;
    let (issued, _) = state.store.recovery_code_counts(&user.id).await?;
    if issued > 0 {
        return Ok(redirect(&format!("/authorize/continue?tx={next}")));
    }
    let codes = recovery_codes::issue(state, &user, origin).await?;
    Ok(state.templates.page(StatusCode::OK, "recovery_codes.html", json!({ "codes": codes, "tx": next })))
}

/// Raises the session to two factors, adding `methods` to its `amr`, and moves
/// the authorization on; the id of the transaction to continue.
pub(super) async fn raise(
    state: &AppState,
    c: Context,
    methods: &[&str],
    origin: &Origin,
) -> Result<String, PageError> {
    // One continuation per transaction, however often the form is submitted.
    let mut tx = transaction::take(state, &c.tx.id).await?.ok_or_else(PageError::expired)?;
    let mut current = c.current;
    session::add_second_factor(state, &mut current, methods, acr::MFA, &tx.request.reply.client_id, origin)
        .await?;
    tx.sms = None;
    tx.authenticated_sid = Some(current.session.sid.clone());
    Ok(transaction::next_step(state, tx).await?.id)
}
