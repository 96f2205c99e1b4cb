//! "Make new recovery codes" on the account page: a two-factor session and the
//! password again, then a fresh set shown once (the old set stops working).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::page::{AccountForm, refuse, reverify};
use crate::AppState;
use crate::audit::Origin;
use crate::factors::recovery_codes;
use crate::notify::sign_in_changed;
use crate::web::client_ip::ClientIp;
use crate::web::pages::PageError;

pub async fn regenerate(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AccountForm { current, user, params }: AccountForm,
) -> Response {
    let origin = Origin::from_request(ip, &headers);
    let outcome = async {
        if user.verified_phone().is_none() {
            let message = "Recovery codes stand in for text-message codes: add a mobile number first.";
            return Ok(refuse(&state, &current, &user, message).await);
        }
        if let Err(page) = reverify(&state, &current, &user, &params).await {
            return Ok(page);
        }
        let codes = recovery_codes::issue(&state, &user, &origin).await?;
        let what = "A new set of recovery codes was made for your account; the earlier codes no longer work.";
        sign_in_changed::tell(&state, &user, what).await;
        Ok::<_, PageError>(state.templates.page(
            StatusCode::OK,
            "recovery_codes.html",
            json!({ "codes": codes }),
        ))
    };
    outcome.await.unwrap_or_else(|p| p.render(&state))
}
