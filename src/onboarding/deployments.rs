//! Deployments as an operator declares them (careid.toml `[[deployments]]` or
//! `careid deployments`), validated once so a bad policy cannot be stored.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;
use crate::audit::{self, Event, Origin};
use crate::store::{Deployment, Store, StoreError};

/// A deployment's policy as written; [`DeploymentSpec::validate`] makes it a [`Deployment`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub mfa_required: bool,
    #[serde(default)]
    pub passkey_required: bool,
    /// Unset: 24 hours.
    pub email_verification_hours: Option<i64>,
    /// Unset: 7 days.
    pub invitation_days: Option<i64>,
    pub terms_version: Option<String>,
    pub terms_url: Option<String>,
    pub privacy_url: Option<String>,
    pub disclaimer_text: Option<String>,
    pub disclaimer_version: Option<String>,
    pub app_store_url: Option<String>,
    pub play_store_url: Option<String>,
    /// The app's deep link (custom scheme or universal link) shown after sign-up.
    pub app_link: Option<String>,
    /// Unset: `en`.
    pub default_locale: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DeploymentError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<&Deployment> for DeploymentSpec {
    fn from(d: &Deployment) -> Self {
        DeploymentSpec {
            id: d.id.clone(),
            name: d.name.clone(),
            mfa_required: d.mfa_required,
            passkey_required: d.passkey_required,
            email_verification_hours: Some(d.email_verification_hours),
            invitation_days: Some(d.invitation_days),
            terms_version: d.terms_version.clone(),
            terms_url: d.terms_url.clone(),
            privacy_url: d.privacy_url.clone(),
            disclaimer_text: d.disclaimer_text.clone(),
            disclaimer_version: d.disclaimer_version.clone(),
            app_store_url: d.app_store_url.clone(),
            play_store_url: d.play_store_url.clone(),
            app_link: d.app_link.clone(),
            default_locale: Some(d.default_locale.clone()),
        }
    }
}

/// Trimmed, with empty meaning unset (how `--terms-url ""` clears a value).
fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Store links are opened by people's browsers: https only.
fn web_url(field: &str, value: Option<String>) -> Result<Option<String>, String> {
    let Some(value) = present(value) else { return Ok(None) };
    match url::Url::parse(&value) {
        Ok(url) if url.scheme() == "https" => Ok(Some(value)),
        _ => Err(format!("{field}: {value:?} is not an https URL")),
    }
}

impl DeploymentSpec {
    pub fn validate(self, created_at: i64, now: i64) -> Result<Deployment, String> {
        let id = self.id.trim().to_string();
        let id_ok = (1..=64).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !id_ok {
            return Err(format!("deployment id {id:?}: 1 to 64 of a-z, 0-9, - and _"));
        }
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(format!("deployment {id}: name is empty"));
        }
        let hours = self.email_verification_hours.unwrap_or(24);
        if !(1..=720).contains(&hours) {
            return Err(format!("deployment {id}: email_verification_hours must be 1 to 720"));
        }
        let days = self.invitation_days.unwrap_or(7);
        if !(1..=90).contains(&days) {
            return Err(format!("deployment {id}: invitation_days must be 1 to 90"));
        }
        let terms_version = present(self.terms_version);
        let terms_url = web_url("terms_url", self.terms_url).map_err(|e| format!("deployment {id}: {e}"))?;
        if terms_version.is_some() && terms_url.is_none() {
            return Err(format!("deployment {id}: terms_version needs terms_url"));
        }
        let disclaimer_text = present(self.disclaimer_text);
        let disclaimer_version = present(self.disclaimer_version);
        if disclaimer_text.is_some() != disclaimer_version.is_some() {
            return Err(format!("deployment {id}: disclaimer_text and disclaimer_version go together"));
        }
        let app_link = present(self.app_link);
        if let Some(link) = &app_link {
            url::Url::parse(link).map_err(|_| format!("deployment {id}: app_link {link:?} is not a URL"))?;
        }
        let default_locale = present(self.default_locale).unwrap_or_else(|| "en".into());
        let locale_ok = (2..=35).contains(&default_locale.len())
            && default_locale.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !locale_ok {
            return Err(format!("deployment {id}: default_locale {default_locale:?} is not a language tag"));
        }
        let with_id = |e: String| format!("deployment {id}: {e}");
        Ok(Deployment {
            privacy_url: web_url("privacy_url", self.privacy_url).map_err(with_id)?,
            app_store_url: web_url("app_store_url", self.app_store_url).map_err(with_id)?,
            play_store_url: web_url("play_store_url", self.play_store_url).map_err(with_id)?,
            id,
            name,
            mfa_required: self.mfa_required,
            passkey_required: self.passkey_required,
            email_verification_hours: hours,
            invitation_days: days,
            terms_version,
            terms_url,
            disclaimer_text,
            disclaimer_version,
            app_link,
            default_locale,
            created_at,
            updated_at: now,
        })
    }
}

/// Creates or replaces a deployment from `spec`, keeping its creation time.
pub async fn save(store: &Store, spec: DeploymentSpec, now: i64) -> Result<Deployment, DeploymentError> {
    let created_at = store.deployment(spec.id.trim()).await?.map_or(now, |d| d.created_at);
    let deployment = spec.validate(created_at, now).map_err(DeploymentError::Invalid)?;
    store.upsert_deployment(&deployment).await?;
    Ok(deployment)
}

/// Saves `spec` as [`save`] does, and audits a new deployment or a change of
/// who must use two factors or a passkey; `actor` is the administrator
/// (`None`: the operator).
pub async fn change(
    state: &AppState,
    spec: DeploymentSpec,
    actor: Option<&str>,
    origin: &Origin,
) -> Result<Deployment, DeploymentError> {
    let before = state.store.deployment(spec.id.trim()).await?;
    let after = save(&state.store, spec, state.clock.now()).await?;
    let changed = before
        .is_none_or(|b| (b.mfa_required, b.passkey_required) != (after.mfa_required, after.passkey_required));
    if changed {
        let event = Event {
            actor,
            deployment_id: Some(&after.id),
            detail: Some(
                json!({ "mfa_required": after.mfa_required, "passkey_required": after.passkey_required }),
            ),
            ..Event::new("deployment.policy_changed")
        };
        audit::record(state, event, origin).await;
    }
    Ok(after)
}

/// Creates or updates every deployment declared in configuration.
pub async fn sync_declared(store: &Store, specs: &[DeploymentSpec], now: i64) -> Result<(), DeploymentError> {
    for spec in specs {
        save(store, spec.clone(), now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> DeploymentSpec {
        DeploymentSpec { id: "heart".into(), name: "Heart Failure".into(), ..Default::default() }
    }

    #[test]
    fn defaults_fill_in() {
        let d = spec().validate(1, 2).unwrap();
        assert_eq!((d.email_verification_hours, d.invitation_days, d.default_locale.as_str()), (24, 7, "en"));
    }

    #[test]
    fn bad_policies_are_refused() {
        let bad = [
            DeploymentSpec { id: "Heart Failure".into(), ..spec() },
            DeploymentSpec { name: " ".into(), ..spec() },
            DeploymentSpec { invitation_days: Some(0), ..spec() },
            DeploymentSpec { email_verification_hours: Some(10_000), ..spec() },
            DeploymentSpec { terms_version: Some("3".into()), ..spec() },
            DeploymentSpec { terms_url: Some("http://x.example/terms".into()), ..spec() },
            DeploymentSpec { disclaimer_text: Some("Not for emergencies".into()), ..spec() },
            DeploymentSpec { app_link: Some("not a link".into()), ..spec() },
        ];
        for s in bad {
            assert!(s.clone().validate(0, 0).is_err(), "{s:?}");
        }
    }
}
