//! Where an authorization request's parameters come from (RFC 9101 §5,
//! RFC 9126 §4): the query or form itself, a signed request object sent by
//! value, or a request pushed to `/par`; never a mix of them.

use super::{pushed, request_object};
use crate::AppState;
use crate::clients::Client;
use crate::oidc::error::OAuthError;
use crate::web::params::Params;

/// The parameters `/authorize` acts on, from the `outer` ones it received
/// for `client`. A client that must push its requests gets them only from `/par`.
pub async fn resolve(state: &AppState, client: &Client, outer: &Params) -> Result<Params, OAuthError> {
    let must_push = client.must_push(state.config.par.required);
    match (outer.get("request"), outer.get("request_uri")) {
        (Some(_), Some(_)) => Err(OAuthError::invalid_request("send request or request_uri, not both")),
        (None, Some(request_uri)) => pushed::take(state, client, request_uri).await,
        _ if must_push => Err(OAuthError::invalid_request(
            "this client must push its authorization requests to the pushed authorization request endpoint",
        )),
        (Some(jwt), None) => {
            let form = request_object::accept(state, client, jwt).await?;
            request_object::outer_matches(outer, &form)?;
            Params::parse(form.as_bytes()).map_err(OAuthError::invalid_request)
        }
        (None, None) => Ok(outer.clone()),
    }
}
