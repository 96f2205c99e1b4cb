//! The platform's brand, per deployment (product name, logo, colours,
//! support contact), and which deployment's brand a page shows: the
//! signed-in, signing-in or invited person's; else that of the client's one
//! deployment; else careid's own. The same deployment gives the page its
//! default language.

pub mod current;
pub mod spec;
pub mod style;

pub use current::{Brand, Strength};

use crate::AppState;
use crate::i18n::{Lang, negotiation};
use crate::people::User;
use crate::store::{Deployment, StoreError};

/// The brand deployment `d` shows.
pub fn of(d: &Deployment) -> Brand {
    let has_colours = d.primary_color.is_some() || d.accent_color.is_some();
    Brand {
        product_name: d.product_name.clone().unwrap_or_else(|| current::DEFAULT_PRODUCT.into()),
        named: d.product_name.is_some(),
        logo_url: d.logo_url.clone(),
        // The version makes the stylesheet's address change with the colours.
        colours: has_colours.then(|| format!("/brand/{}/colours.css?v={}", d.id, d.version)),
        support_email: d.support_email.clone(),
        support_url: d.support_url.clone(),
    }
}

/// Offers deployment `d` from `strength` for the current request's pages:
/// its brand and, when taken, its default language.
pub fn offer(strength: Strength, d: &Deployment) {
    if current::offer(strength, of(d)) {
        negotiation::offer_deployment(Lang::from_tag(&d.default_locale));
    }
}

/// Offers deployment `id` (read from the store) from `strength`.
pub async fn offer_id(state: &AppState, strength: Strength, id: &str) -> Result<(), StoreError> {
    if let Some(d) = state.store.deployment(id).await? {
        offer(strength, &d);
    }
    Ok(())
}

/// Offers `user`'s deployment: the person's brand wins over the client's.
pub async fn offer_person(state: &AppState, user: &User) -> Result<(), StoreError> {
    offer_id(state, Strength::Person, &user.deployment_id).await
}

/// Offers the deployment of the person an email link (`purpose`: verification,
/// password reset) was sent to, so the pages it opens wear their brand before
/// any session exists. An unknown link offers nothing.
pub async fn offer_link_owner(state: &AppState, token: &str, purpose: &str) -> Result<(), StoreError> {
    let digest = crate::crypto::random::digest(token);
    let Some(user_id) = state.store.email_link_owner(&digest, purpose).await? else { return Ok(()) };
    match state.store.user_by_id(&user_id).await? {
        Some(user) => offer_person(state, &user).await,
        None => Ok(()),
    }
}

/// Offers the deployment of client `client_id` when it serves exactly one.
pub async fn offer_client(state: &AppState, client_id: &str) -> Result<(), StoreError> {
    let deployments = state.store.client_deployments(client_id).await?;
    match deployments.as_slice() {
        [only] => offer_id(state, Strength::Client, only).await,
        _ => Ok(()),
    }
}

/// The brand of `user`'s deployment, for messages sent to them (emails
/// leave outside any page, so they name it themselves), and that deployment.
pub async fn of_user(state: &AppState, user: &User) -> (Brand, Option<Deployment>) {
    match state.store.deployment(&user.deployment_id).await {
        Ok(Some(d)) => (of(&d), Some(d)),
        Ok(None) => (Brand::default(), None),
        Err(e) => {
            tracing::warn!(error = %e, "the person's deployment is unknown for this message");
            (Brand::default(), None)
        }
    }
}
