//! Resource indicators (RFC 8707): the APIs an authorization request is for,
//! the one audience each access token names, and which scopes a token for
//! that audience carries. careid itself is the audience when none is named,
//! as it was before APIs existed.

use crate::AppState;
use crate::apis::{Api, check_resource_uri};
use crate::clients::{Client, SCOPES};
use crate::crypto::Alg;
use crate::oidc::error::OAuthError;
use crate::web::params::Params;

/// At most this many resources in one authorization request.
pub const MAX_RESOURCES: usize = 10;

/// The OpenID scopes a user's token for an API carries beside the API's own
/// (what the person shared with the client: OIDC Core §5.4 and §11).
const OIDC_SCOPES: [&str; 5] = ["openid", "profile", "email", "phone", "offline_access"];

/// careid's own access tokens (for `/userinfo` and careid's APIs) are ES256.
pub const CAREID_ALG: Alg = Alg::ES256;

/// The one audience of an access token.
#[derive(Debug, Clone)]
pub enum Target {
    /// careid itself: `aud` is the issuer, the scopes careid's.
    Careid,
    Api(Api),
}

impl Target {
    pub fn audience<'a>(&'a self, state: &'a AppState) -> &'a str {
        match self {
            Target::Careid => state.config.issuer_str(),
            Target::Api(api) => &api.id,
        }
    }

    pub fn alg(&self) -> Alg {
        match self {
            Target::Careid => CAREID_ALG,
            Target::Api(api) => api.alg,
        }
    }

    /// Seconds a token for this target lives: the API's choice, else the client's.
    pub fn ttl(&self, client: &Client) -> i64 {
        match self {
            Target::Careid => client.access_token_ttl,
            Target::Api(api) => api.access_token_ttl.unwrap_or(client.access_token_ttl),
        }
    }

    /// Whether a token for this target may carry `scope`; `for_user`: a
    /// person's token, which also carries the OpenID scopes they shared.
    pub fn carries(&self, scope: &str, for_user: bool) -> bool {
        match self {
            Target::Careid => SCOPES.contains(&scope),
            Target::Api(api) => api.has_scope(scope) || (for_user && OIDC_SCOPES.contains(&scope)),
        }
    }

    /// A person's token: of the `granted` scopes, the `requested` ones (all
    /// when none are), each of which must have been granted (RFC 6749 §6) and
    /// be for this target; unrequested scopes of other targets are left out.
    pub fn user_scopes(
        &self,
        granted: &[String],
        requested: Option<&str>,
    ) -> Result<Vec<String>, OAuthError> {
        let Some(requested) = requested else {
            return Ok(granted.iter().filter(|s| self.carries(s, true)).cloned().collect());
        };
        let mut scopes = Vec::new();
        for scope in requested.split(' ').filter(|s| !s.is_empty()) {
            if !granted.iter().any(|g| g == scope) {
                return Err(OAuthError::invalid_scope(format!("scope {scope} was not granted")));
            }
            if !self.carries(scope, true) {
                return Err(self.not_for_target(scope));
            }
            if !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_string());
            }
        }
        Ok(scopes)
    }

    /// The refusal of a scope that is not for this target.
    pub fn not_for_target(&self, scope: &str) -> OAuthError {
        match self {
            Target::Careid => OAuthError::invalid_scope(format!(
                "scope {scope} is not careid's: ask for it with the resource of its API"
            )),
            Target::Api(api) => {
                OAuthError::invalid_scope(format!("scope {scope} is not a scope of {}", api.id))
            }
        }
    }
}

/// One named resource: careid itself (its issuer identifier) or a registered
/// API this client is allowed (one of the API's scopes is the client's).
async fn named(state: &AppState, client: &Client, resource: &str) -> Result<Target, OAuthError> {
    check_resource_uri(resource).map_err(|e| OAuthError::invalid_target(format!("resource: {e}")))?;
    if resource.trim_end_matches('/') == state.config.issuer_str() {
        return Ok(Target::Careid);
    }
    match state.api(resource).await? {
        None => Err(OAuthError::invalid_target(format!("resource {resource} is not known here"))),
        Some(api) if !api.serves(&client.allowed_scopes) => {
            Err(OAuthError::invalid_target(format!("this client may not use resource {resource}")))
        }
        Some(api) => Ok(Target::Api(api)),
    }
}

/// The client's default API, when it has one that still exists.
async fn default_api(state: &AppState, client: &Client) -> Result<Option<Api>, OAuthError> {
    let Some(id) = &client.default_resource else { return Ok(None) };
    Ok(state.api(id).await?.filter(|api| api.serves(&client.allowed_scopes)))
}

/// The authorization request's resources (RFC 8707 §2.1): each named API,
/// or the client's default API when none is named; `scopes` (already limited
/// to the client's) keeps careid's and those of these APIs. Returns their ids.
pub async fn authorize(
    state: &AppState,
    client: &Client,
    params: &Params,
    scopes: &mut Vec<String>,
) -> Result<Vec<String>, OAuthError> {
    let asked = params.all("resource");
    if asked.len() > MAX_RESOURCES {
        return Err(OAuthError::invalid_target(format!("at most {MAX_RESOURCES} resources in one request")));
    }
    let mut apis: Vec<Api> = Vec::new();
    for resource in asked {
        if let Target::Api(api) = named(state, client, resource).await?
            && !apis.iter().any(|a| a.id == api.id)
        {
            apis.push(api);
        }
    }
    if asked.is_empty() {
        apis.extend(default_api(state, client).await?);
    }
    scopes.retain(|s| SCOPES.contains(&s.as_str()) || apis.iter().any(|api| api.has_scope(s)));
    Ok(apis.into_iter().map(|api| api.id).collect())
}

/// The one `resource` of a token request (RFC 8707 §2.2), if any.
fn asked_once(params: &Params) -> Result<Option<&str>, OAuthError> {
    match params.all("resource") {
        [] => Ok(None),
        [one] => Ok(Some(one.as_str())),
        _ => Err(OAuthError::invalid_target("an access token has one audience: send one resource")),
    }
}

/// The target of a token minted from a grant (authorization_code,
/// refresh_token): a named resource must be one the grant was made for (or
/// careid); without one, the client's default resource if granted, else the
/// grant's only resource, else careid.
pub async fn for_grant(
    state: &AppState,
    client: &Client,
    granted: &[String],
    params: &Params,
) -> Result<Target, OAuthError> {
    let chosen = match asked_once(params)? {
        Some(resource) => {
            check_resource_uri(resource).map_err(|e| OAuthError::invalid_target(format!("resource: {e}")))?;
            if resource.trim_end_matches('/') == state.config.issuer_str() {
                return Ok(Target::Careid);
            }
            if !granted.iter().any(|g| g == resource) {
                return Err(OAuthError::invalid_target(format!("resource {resource} was not granted")));
            }
            resource
        }
        None => match (&client.default_resource, granted) {
            (Some(default), _) if granted.contains(default) => default.as_str(),
            (_, [only]) => only.as_str(),
            _ => return Ok(Target::Careid),
        },
    };
    // The API may have gone, or stopped serving this client, since the grant.
    named(state, client, chosen).await
}

/// The target of a client's own token (client_credentials): the named
/// resource, else the client's default API, else careid.
pub async fn for_client(state: &AppState, client: &Client, params: &Params) -> Result<Target, OAuthError> {
    match asked_once(params)? {
        Some(resource) => named(state, client, resource).await,
        None => Ok(default_api(state, client).await?.map_or(Target::Careid, Target::Api)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::ApiSpec;
    use crate::oidc::error::ErrorCode;

    fn records() -> Target {
        let spec = ApiSpec {
            id: "https://api.example/records".into(),
            name: "Records API".into(),
            scopes: vec!["records.read".into(), "records.write".into()],
            ..ApiSpec::default()
        };
        Target::Api(spec.validate(None, 0).unwrap())
    }

    fn list(scopes: &str) -> Vec<String> {
        scopes.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn a_token_carries_only_its_targets_scopes() {
        let granted = list("openid profile careid:invite records.read messages.send");
        let api = records().user_scopes(&granted, None).unwrap();
        assert_eq!(api, list("openid profile records.read"));
        let careid = Target::Careid.user_scopes(&granted, None).unwrap();
        assert_eq!(careid, list("openid profile careid:invite"));
        assert!(!records().carries("openid", false), "a client's own token has no OpenID scopes");
    }

    #[test]
    fn down_scoping_is_allowed_and_up_scoping_refused() {
        let granted = list("openid records.read records.write");
        assert_eq!(records().user_scopes(&granted, Some("records.read")).unwrap(), list("records.read"));
        let up = records().user_scopes(&granted, Some("records.read records.delete")).unwrap_err();
        assert_eq!(
            (up.code, up.description.as_str()),
            (ErrorCode::InvalidScope, "scope records.delete was not granted")
        );
        let elsewhere = Target::Careid.user_scopes(&granted, Some("openid records.read")).unwrap_err();
        assert_eq!(elsewhere.code, ErrorCode::InvalidScope);
        assert!(elsewhere.description.contains("resource"), "{}", elsewhere.description);
    }
}
