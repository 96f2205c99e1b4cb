//! Where a journey ends: the client an invitation leads to (the Clinician
//! Portal for staff, the App for patients; the deployment's default when the
//! invitation names none), and how careid brings a person there signed in.
//!
//! Two ways, in this order: the client's `initiate_login_uri` (OIDC
//! third-party-initiated login: the client starts its own request, with its
//! own state, nonce and PKCE verifier), or an authorization request careid
//! starts for the client (its first redirect URI, a fresh state). careid
//! cannot start one for a client that must use PKCE (public clients) or PAR:
//! the verifier would be careid's, and the code worthless to the client. Such
//! a client needs an `initiate_login_uri`; without one the journey ends on
//! careid's own pages (the App's link for patients, else the account page).

use crate::AppState;
use crate::clients::{ACCOUNT_CLIENT_ID, Client, initiate_login};
use crate::crypto::random;
use crate::people::{Role, User};
use crate::store::{Deployment, Invitation, StoreError};

/// The deployment's default client for people of `role`.
pub fn default_client(deployment: &Deployment, role: Role) -> Option<&str> {
    match role {
        Role::Patient => deployment.patient_client.as_deref(),
        Role::Admin | Role::Clinician => deployment.staff_client.as_deref(),
    }
}

/// Client `id` when it exists and admits people of `role` in `deployment`.
pub async fn admitting(
    state: &AppState,
    id: &str,
    role: Role,
    deployment: &str,
) -> Result<Option<Client>, StoreError> {
    let client = state.store.client(id).await?;
    Ok(client.filter(|c| c.id != ACCOUNT_CLIENT_ID && c.allows_role(role) && c.serves(deployment)))
}

/// The client an invitation leads to: its own, else its deployment's default.
pub async fn client_of_invitation(
    state: &AppState,
    invitation: &Invitation,
    role: Role,
    deployment: &Deployment,
) -> Result<Option<Client>, StoreError> {
    let Some(id) = invitation.client_id.as_deref().or_else(|| default_client(deployment, role)) else {
        return Ok(None);
    };
    admitting(state, id, role, &deployment.id).await
}

/// The client `user` belongs at: the one of the invitation that made the
/// account, else their deployment's default for their role.
pub async fn client_of(state: &AppState, user: &User) -> Result<Option<Client>, StoreError> {
    let Some(role) = user.role() else { return Ok(None) };
    let invited = state.store.invitation_redeemed_by(&user.id).await?.and_then(|i| i.client_id);
    let id = match invited {
        Some(id) => id,
        None => {
            let Some(d) = state.store.deployment(&user.deployment_id).await? else { return Ok(None) };
            let Some(id) = default_client(&d, role) else { return Ok(None) };
            id.to_string()
        }
    };
    admitting(state, &id, role, &user.deployment_id).await
}

/// How careid brings a person to a client.
#[derive(Debug, PartialEq, Eq)]
pub enum Arrival {
    /// The client's login initiation endpoint, with `iss` (and `login_hint`).
    Initiate(String),
    /// An authorization request for the client (a path on careid).
    Authorize(String),
    /// Neither is possible: careid's own pages.
    Nowhere,
}

/// Whether careid can write an authorization request whose code the client
/// can redeem: no PKCE (public clients must use it), no PAR, a redirect URI.
pub fn can_start(state: &AppState, client: &Client) -> bool {
    !client.public
        && !client.must_push(state.config.par.required)
        && client.allows_grant("authorization_code")
        && !client.redirect_uris.is_empty()
        && client.id != ACCOUNT_CLIENT_ID
}

/// The authorization request careid starts for `client`: its first redirect
/// URI, `openid`, a fresh state (the client sees an answer it did not ask
/// for; the code is only good at its own token endpoint with its own secret).
pub fn authorize_query(client: &Client) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.id)
        .append_pair("redirect_uri", client.redirect_uris.first().map_or("", String::as_str))
        .append_pair("scope", "openid")
        .append_pair("state", &random::token(24));
    query.finish()
}

/// How `client` is reached; `login_hint` is the person's address when known.
pub fn arrival(state: &AppState, client: &Client, login_hint: Option<&str>) -> Arrival {
    if let Some(uri) = &client.initiate_login_uri {
        return Arrival::Initiate(initiate_login::request(uri, state.config.issuer_str(), login_hint));
    }
    if can_start(state, client) {
        return Arrival::Authorize(format!("/authorize?{}", authorize_query(client)));
    }
    Arrival::Nowhere
}

/// The link on careid's pages and emails that brings a person to `client`
/// (`GET /start/{client}`), under the configured issuer.
pub fn start_url(state: &AppState, client: &Client) -> String {
    let id: String = url::form_urlencoded::byte_serialize(client.id.as_bytes()).collect();
    state.config.url(&format!("/start/{id}"))
}
