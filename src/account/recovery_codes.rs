//! "Make new recovery codes" on the account page: the password again and a
//! fresh second factor, then a new set shown once (the old set stops working).

use axum::extract::State;
use axum::response::Response;

use super::form::AccountForm;
use super::proof;
use super::view::refuse;
use crate::AppState;
use crate::factors::recovery_codes;
use crate::login::acr;
use crate::login::second_step::recovery_codes_page;
use crate::notify::sign_in_changed;
use crate::web::pages::PageError;

pub async fn regenerate(
    State(state): State<AppState>,
    AccountForm { current, user, params, origin }: AccountForm,
) -> Result<Response, PageError> {
    if user.verified_phone().is_none() {
        let message = &crate::i18n::text("account-recovery-needs-phone");
        return Ok(refuse(&state, &current, &user, message).await);
    }
    if let Some(answer) =
        proof::password_again(&state, &current, &user, &params, &origin, "recovery_password").await?
    {
        return Ok(answer);
    }
    if let Some(page) =
        proof::unless_fresh(&state, &current, proof::level_for(&state, &user, acr::Level::Mfa).await?)
    {
        return Ok(page);
    }
    let codes = recovery_codes::issue(&state, &user, &origin).await?;
    sign_in_changed::tell(&state, &user, "changed-recovery-codes", &[]).await;
    Ok(recovery_codes_page(&state, &codes, None))
}
