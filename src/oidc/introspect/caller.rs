//! Who asks at `/introspect`: a client, authenticated as at `/token`, or an
//! API with its own credentials (HTTP Basic with its secret, or
//! `private_key_jwt` signed by one of its keys).

use axum::extract::{FromRequest, Request};

use crate::AppState;
use crate::apis::{Api, MAX_ID_LEN, check_resource_uri};
use crate::clients::Client;
use crate::oidc::client_auth::{self, Presented};
use crate::oidc::error::OAuthError;
use crate::oidc::form::OAuthForm;
use crate::web::params::Params;

pub enum Caller {
    Client(Box<Client>),
    Api(Api),
}

/// An introspection request: its form and its authenticated caller.
pub struct Introspecting {
    pub caller: Caller,
    pub params: Params,
}

impl FromRequest<AppState> for Introspecting {
    type Rejection = OAuthError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let audience = state.config.url(req.uri().path());
        let OAuthForm(params) = OAuthForm::from_request(req, state).await?;
        let mut presented = client_auth::presented(&headers, &params)?;
        let claimed = match &presented {
            Presented::Basic { id, .. } | Presented::Post { id, .. } | Presented::IdOnly(id) => id.clone(),
            Presented::Assertion { assertion, .. } => client_auth::unverified_issuer(assertion)?,
        };
        // API ids are resource URIs; one too long to be one is left to client authentication.
        let mut api = if claimed.len() <= MAX_ID_LEN { state.store.api(&claimed).await? } else { None };
        if api.is_none()
            && let Presented::Basic { id, secret } = &presented
            && let Some((found, secret)) = unencoded_api_id(state, id, secret).await?
        {
            presented = Presented::Basic { id: found.id.clone(), secret };
            api = Some(found);
        }
        let caller = match api {
            Some(api) => {
                authenticate_api(state, &api, presented, &audience).await?;
                Caller::Api(api)
            }
            None => Caller::Client(Box::new(
                client_auth::authenticate(state, &headers, &params, &audience).await?,
            )),
        };
        Ok(Introspecting { caller, params })
    }
}

/// An API id sent in HTTP Basic without the form-urlencoding RFC 6749
/// §2.3.1 asks for (`https://api.example/x:secret`, as many HTTP libraries
/// send it) splits at the URI's own colon: the id is whichever prefix up to a
/// later colon names an API (a few tries at most).
async fn unencoded_api_id(
    state: &AppState,
    id: &str,
    rest: &str,
) -> Result<Option<(Api, String)>, OAuthError> {
    let whole = format!("{id}:{rest}");
    let colons = whole.match_indices(':').map(|(i, _)| i).filter(|i| *i > id.len() && *i <= MAX_ID_LEN);
    for at in colons.take(4) {
        let candidate = &whole[..at];
        if check_resource_uri(candidate).is_ok()
            && let Some(api) = state.store.api(candidate).await?
        {
            return Ok(Some((api, whole[at + 1..].to_string())));
        }
    }
    Ok(None)
}

/// HTTP Basic with the API's secret, or an assertion signed by one of its
/// keys (with the same checks as a client's); nothing else.
async fn authenticate_api(
    state: &AppState,
    api: &Api,
    presented: Presented,
    audience: &str,
) -> Result<(), OAuthError> {
    match presented {
        Presented::Basic { secret, .. } => {
            // Without a secret, spend the effort of a real check all the same.
            let ok = match &api.secret_hash {
                Some(hash) => state.secrets.verify(&secret, hash),
                None => {
                    state.secrets.verify("", &[0u8; 32]);
                    false
                }
            };
            if !ok {
                let e = OAuthError::invalid_client(
                    "client authentication failed: unknown client or bad credentials",
                );
                return Err(e.with_basic_challenge());
            }
            Ok(())
        }
        Presented::Assertion { assertion, .. } if api.jwks.is_some() => {
            client_auth::verify_assertion(state, &api.id, api.jwks.as_ref(), &assertion, audience).await
        }
        _ => Err(OAuthError::invalid_client(
            "client authentication failed: an API authenticates with HTTP Basic (its secret) \
             or private_key_jwt (its keys)",
        )),
    }
}
