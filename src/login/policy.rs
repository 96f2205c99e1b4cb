//! Whether a sign-in needs a second factor: the person's choice, their role,
//! their deployment, the client's minimum level, or the request's
//! `acr_values` / essential `acr` claim.

use super::acr;
use super::session::Session;
use crate::AppState;
use crate::accounts::User;
use crate::clients::Client;
use crate::oidc::authorize::request::AuthorizationRequest;
use crate::store::StoreError;

pub enum Needed {
    /// The session's level is enough.
    Enough,
    /// The session must add a second factor first (step-up).
    SecondFactor,
    /// Only a passkey will do (the phishing-resistant level), and the person has one.
    Passkey,
    /// A required `acr` careid cannot give this person (phishing-resistant without a passkey).
    Unmet,
}

/// Does the level of `session` satisfy two factors?
pub fn is_multi_factor(level: &str) -> bool {
    level == acr::MFA || level == acr::PHISHING_RESISTANT
}

/// Whether `user` must use a second factor whatever the request says.
pub async fn user_requires(state: &AppState, user: &User) -> Result<bool, StoreError> {
    Ok(user.two_step_enabled || policy_requires(state, user).await?)
}

/// Whether the role or deployment requires two steps (so the person cannot turn them off).
pub async fn policy_requires(state: &AppState, user: &User) -> Result<bool, StoreError> {
    if user.role().is_some_and(|r| state.config.mfa.required_roles.contains(&r)) {
        return Ok(true);
    }
    Ok(state.store.deployment(&user.deployment_id).await?.is_some_and(|d| d.mfa_required))
}

/// Whether `user` can confirm with a passkey (this server has passkeys and they have one).
pub async fn has_passkey(state: &AppState, user: &User) -> Result<bool, StoreError> {
    Ok(state.passkeys.is_some() && state.store.passkey_count(&user.id).await? > 0)
}

/// Whether sign-in must stop for `user` to register a passkey: their deployment
/// requires one and they have none.
pub async fn passkey_enrolment_needed(state: &AppState, user: &User) -> Result<bool, StoreError> {
    if state.passkeys.is_none() {
        return Ok(false);
    }
    let required = state.store.deployment(&user.deployment_id).await?.is_some_and(|d| d.passkey_required);
    Ok(required && state.store.passkey_count(&user.id).await? == 0)
}

/// The values of an essential `acr` claim (OIDC Core §5.5.1.1), if the request has one.
fn essential_acr(request: &AuthorizationRequest) -> Option<Vec<String>> {
    let acr = request.claims.as_ref()?.get("id_token")?.get("acr")?;
    if acr.get("essential").and_then(|e| e.as_bool()) != Some(true) {
        return None;
    }
    let values = match (acr.get("values"), acr.get("value")) {
        (Some(v), _) => v.as_array()?.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        (None, Some(v)) => vec![v.as_str()?.to_owned()],
        (None, None) => return None,
    };
    Some(values)
}

pub async fn check(
    state: &AppState,
    client: &Client,
    request: &AuthorizationRequest,
    user: &User,
    session: &Session,
) -> Result<Needed, StoreError> {
    let essential = essential_acr(request);
    let only_phishing_resistant =
        |values: &[String]| !values.is_empty() && values.iter().all(|v| v == acr::PHISHING_RESISTANT);
    // A client that insists on a passkey, or an essential acr of that level, never
    // gets a token below it: SMS cannot reach it.
    let required = client.min_acr.as_deref() == Some(acr::PHISHING_RESISTANT)
        || essential.as_deref().is_some_and(only_phishing_resistant);
    if required {
        if session.acr == acr::PHISHING_RESISTANT {
            return Ok(Needed::Enough);
        }
        return Ok(if has_passkey(state, user).await? { Needed::Passkey } else { Needed::Unmet });
    }
    // acr_values are voluntary: a passkey when the person has one, else what they can do.
    let voluntary = request.acr_values.iter().filter(|v| acr::SUPPORTED.contains(&v.as_str())).cloned();
    let voluntary: Vec<String> = voluntary.collect();
    if only_phishing_resistant(&voluntary)
        && session.acr != acr::PHISHING_RESISTANT
        && has_passkey(state, user).await?
    {
        return Ok(Needed::Passkey);
    }
    // acr_values lists acceptable levels; values careid does not know are ignored (they are
    // voluntary), and among those it knows, without the password level only two factors will do.
    let asked = |values: &[String]| {
        let known: Vec<&String> = values.iter().filter(|v| acr::SUPPORTED.contains(&v.as_str())).collect();
        !known.is_empty() && !known.iter().any(|v| *v == acr::PASSWORD)
    };
    let wanted = client.min_acr.as_deref() == Some(acr::MFA)
        || asked(&request.acr_values)
        || essential.as_deref().is_some_and(asked)
        || user_requires(state, user).await?;
    Ok(if wanted && !is_multi_factor(&session.acr) { Needed::SecondFactor } else { Needed::Enough })
}
