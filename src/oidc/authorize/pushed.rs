//! Pushed authorization requests (RFC 9126): a client's request, checked as
//! `/authorize` checks it, kept for a minute under a `request_uri` that only
//! that client can use, and only once (taken in one atomic step, on any node).

use serde::{Deserialize, Serialize};

use super::{request_object, validate};
use crate::AppState;
use crate::clients::Client;
use crate::crypto::random;
use crate::ephemeral::records::{self, PUSHED_REQUEST_SECS, Record};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::web::params::Params;

/// What every `request_uri` careid issues starts with (RFC 9126 §2.2).
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// Random bytes in a `request_uri`: it is a bearer secret while it lives.
const REFERENCE_BYTES: usize = 32;

/// Parameters of the client authentication, which are not the request's.
const CLIENT_AUTH_PARAMS: [&str; 3] = ["client_secret", "client_assertion", "client_assertion_type"];

/// A pushed request as kept: its parameters as form text, checked again when used.
#[derive(Serialize, Deserialize)]
struct PushedRequest {
    params: String,
    expires_at: i64,
}

impl Record for PushedRequest {
    fn expires_at(&self, _state: &AppState) -> Option<i64> {
        Some(self.expires_at)
    }
}

/// The answer to a push (RFC 9126 §2.2).
#[derive(Debug, Serialize)]
pub struct Pushed {
    pub request_uri: String,
    pub expires_in: i64,
}

/// Checks the request `form` the authenticated `client` pushed and keeps it:
/// its parameters come from its signed `request` when it sends one (RFC 9126
/// §3), otherwise from the form itself. `proof_jkt`: the key of the push's
/// DPoP proof, which binds the code unless `dpop_jkt` names another.
pub async fn push(
    state: &AppState,
    client: &Client,
    form: &Params,
    proof_jkt: Option<String>,
) -> Result<Pushed, OAuthError> {
    if form.contains("request_uri") {
        return Err(OAuthError::invalid_request("request_uri cannot be pushed (RFC 9126 §2.1)"));
    }
    let mut text = match form.get("request") {
        Some(jwt) => {
            let text = request_object::accept(state, client, jwt).await?;
            request_object::outer_matches(form, &text)?;
            text
        }
        None => {
            let mut pairs: Vec<(&str, &str)> = form
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .filter(|(name, _)| !CLIENT_AUTH_PARAMS.contains(name))
                .collect();
            // A client authenticating with HTTP Basic need not repeat its id.
            if !form.contains("client_id") {
                pairs.push(("client_id", &client.id));
            }
            url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
        }
    };
    let mut params = Params::parse(text.as_bytes()).map_err(OAuthError::invalid_request)?;
    if let Some(jkt) = proof_jkt {
        match params.get("dpop_jkt") {
            Some(named) if named != jkt => {
                return Err(OAuthError::new(
                    ErrorCode::InvalidDpopProof,
                    "dpop_jkt names another key than the DPoP proof's",
                ));
            }
            Some(_) => {}
            None => {
                text = format!("{text}&dpop_jkt={jkt}");
                params = Params::parse(text.as_bytes()).map_err(OAuthError::invalid_request)?;
            }
        }
    }
    validate::validate(state, &params, client).map_err(validate::Refusal::into_oauth)?;
    let reference = random::token(REFERENCE_BYTES);
    let record = PushedRequest { params: text, expires_at: state.clock.now() + PUSHED_REQUEST_SECS };
    records::PUSHED_REQUEST.put(state, &records::scoped(&client.id, &reference), &record).await?;
    Ok(Pushed { request_uri: format!("{REQUEST_URI_PREFIX}{reference}"), expires_in: PUSHED_REQUEST_SECS })
}

/// Takes the request `client` pushed under `request_uri`: of every use, on
/// any node, only the first finds it. A `request_uri` careid did not issue is
/// never fetched.
pub async fn take(state: &AppState, client: &Client, request_uri: &str) -> Result<Params, OAuthError> {
    let Some(reference) = request_uri.strip_prefix(REQUEST_URI_PREFIX) else {
        return Err(OAuthError::new(
            ErrorCode::RequestUriNotSupported,
            "careid accepts only a request_uri its /par endpoint issued; it fetches none",
        ));
    };
    let unusable = || {
        OAuthError::new(
            ErrorCode::InvalidRequestUri,
            "the request_uri is unknown, expired, already used or another client's",
        )
    };
    if reference.is_empty() || reference.len() > 2 * REFERENCE_BYTES {
        return Err(unusable());
    }
    let id = records::scoped(&client.id, reference);
    let record: PushedRequest = records::PUSHED_REQUEST.take(state, &id).await?.ok_or_else(unusable)?;
    Params::parse(record.params.as_bytes()).map_err(|_| unusable())
}
