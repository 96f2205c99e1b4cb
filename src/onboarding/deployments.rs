//! Deployments as an operator declares them (careid.toml `[[deployments]]` or
//! `careid deployments`), validated once so a bad policy cannot be stored.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::brand;

use crate::audit::{self, ActorKind, Event, Origin};
use crate::people::Role;
use crate::store::{Deployment, Store, StoreError};

/// A deployment's policy as written; [`DeploymentSpec::validate`] makes it a [`Deployment`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// The client (its id) an invitation of staff leads to when it names none.
    #[serde(default)]
    pub staff_client: Option<String>,
    /// The client (its id) a patient's invitation leads to when it names none.
    #[serde(default)]
    pub patient_client: Option<String>,
    /// What people call the platform, e.g. "CareConnect" (page titles,
    /// emails, the From name). Unset: careid.
    pub product_name: Option<String>,
    /// An https image shown at the top of every page. Unset: no logo.
    pub logo_url: Option<String>,
    /// CSS hex (`#rrggbb` or `#rgb`): buttons and links. Unset: careid's blue.
    pub primary_color: Option<String>,
    /// CSS hex (`#rrggbb` or `#rgb`): highlights such as focus rings.
    pub accent_color: Option<String>,
    /// The address people write to with questions (error pages, emails).
    pub support_email: Option<String>,
    /// An https page where people find help (error pages, emails).
    pub support_url: Option<String>,
}

/// A policy that cannot be stored: the field at fault and why.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    fn new(field: &'static str, message: String) -> Invalid {
        Invalid { field, message }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeploymentError {
    #[error(transparent)]
    Invalid(Invalid),
    #[error("the deployment changed since it was read")]
    Stale,
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
            staff_client: d.staff_client.clone(),
            patient_client: d.patient_client.clone(),
            product_name: d.product_name.clone(),
            logo_url: d.logo_url.clone(),
            primary_color: d.primary_color.clone(),
            accent_color: d.accent_color.clone(),
            support_email: d.support_email.clone(),
            support_url: d.support_url.clone(),
        }
    }
}

/// Trimmed, with empty meaning unset (how `--terms-url ""` clears a value).
fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Store links are opened by people's browsers: https only.
fn web_url(value: Option<String>) -> Result<Option<String>, String> {
    let Some(value) = present(value) else { return Ok(None) };
    match url::Url::parse(&value) {
        Ok(url) if url.scheme() == "https" => Ok(Some(value)),
        _ => Err(format!("{value:?} is not an https URL")),
    }
}

impl DeploymentSpec {
    pub fn validate(self, created_at: i64, now: i64) -> Result<Deployment, Invalid> {
        let id = self.id.trim().to_string();
        let id_ok = (1..=64).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !id_ok {
            return Err(Invalid::new("id", format!("deployment id {id:?}: 1 to 64 of a-z, 0-9, - and _")));
        }
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(Invalid::new("name", format!("deployment {id}: name is empty")));
        }
        let hours = self.email_verification_hours.unwrap_or(24);
        if !(1..=720).contains(&hours) {
            let message = format!("deployment {id}: email_verification_hours must be 1 to 720");
            return Err(Invalid::new("email_verification_hours", message));
        }
        let days = self.invitation_days.unwrap_or(7);
        if !(1..=90).contains(&days) {
            return Err(Invalid::new(
                "invitation_days",
                format!("deployment {id}: invitation_days must be 1 to 90"),
            ));
        }
        let terms_version = present(self.terms_version);
        let shown = id.clone();
        let in_field = |field: &'static str| {
            let shown = shown.clone();
            move |e: String| Invalid::new(field, format!("deployment {shown}: {field}: {e}"))
        };
        let terms_url = web_url(self.terms_url).map_err(in_field("terms_url"))?;
        if terms_version.is_some() && terms_url.is_none() {
            return Err(Invalid::new(
                "terms_version",
                format!("deployment {id}: terms_version needs terms_url"),
            ));
        }
        let disclaimer_text = present(self.disclaimer_text);
        let disclaimer_version = present(self.disclaimer_version);
        if disclaimer_text.is_some() != disclaimer_version.is_some() {
            let message = format!("deployment {id}: disclaimer_text and disclaimer_version go together");
            return Err(Invalid::new("disclaimer_version", message));
        }
        let app_link = present(self.app_link);
        if let Some(link) = &app_link {
            url::Url::parse(link).map_err(|_| in_field("app_link")(format!("{link:?} is not a URL")))?;
        }
        let default_locale = present(self.default_locale).unwrap_or_else(|| "en".into());
        let locale_ok = (2..=35).contains(&default_locale.len())
            && default_locale.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !locale_ok {
            let message = format!("deployment {id}: default_locale {default_locale:?} is not a language tag");
            return Err(Invalid::new("default_locale", message));
        }
        let client = |field: &'static str, value: Option<String>| match present(value) {
            Some(c) if c.len() > 128 || !c.chars().all(|ch| ch.is_ascii_graphic()) => {
                Err(Invalid::new(field, format!("deployment {id}: {field}: {c:?} is not a client id")))
            }
            other => Ok(other),
        };
        let staff_client = client("staff_client", self.staff_client)?;
        let patient_client = client("patient_client", self.patient_client)?;
        let checked =
            |field: &'static str, value: Option<String>, check: fn(&str) -> Result<String, String>| {
                present(value).map(|v| check(&v)).transpose().map_err(in_field(field))
            };
        Ok(Deployment {
            staff_client,
            patient_client,
            product_name: checked("product_name", self.product_name, brand::spec::product_name)?,
            logo_url: web_url(self.logo_url).map_err(in_field("logo_url"))?,
            primary_color: checked("primary_color", self.primary_color, brand::spec::colour)?,
            accent_color: checked("accent_color", self.accent_color, brand::spec::colour)?,
            support_email: checked("support_email", self.support_email, brand::spec::support_email)?,
            support_url: web_url(self.support_url).map_err(in_field("support_url"))?,
            privacy_url: web_url(self.privacy_url).map_err(in_field("privacy_url"))?,
            app_store_url: web_url(self.app_store_url).map_err(in_field("app_store_url"))?,
            play_store_url: web_url(self.play_store_url).map_err(in_field("play_store_url"))?,
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
            version: 0,
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

/// Saves `spec` as [`save`] does and audits what changed, field by field:
/// `deployment.created`, `deployment.policy_changed` when who must use two
/// factors or a passkey changes, `deployment.changed` otherwise. `actor` is
/// the administrator or operator signed in (`None`: the operator at the
/// CLI); with `version` the change is made only if the deployment is still
/// at that version (what the caller read), [`DeploymentError::Stale`] if not.
pub async fn change(
    state: &AppState,
    spec: DeploymentSpec,
    actor: Option<&str>,
    version: Option<i64>,
    origin: &Origin,
) -> Result<Deployment, DeploymentError> {
    let now = state.clock.now();
    let before = state.store.deployment(spec.id.trim()).await?;
    let after = match (&before, version) {
        (Some(before), Some(version)) => {
            let after = spec.validate(before.created_at, now).map_err(DeploymentError::Invalid)?;
            check_clients(&state.store, &after).await?;
            if audit::changes(before, &after, IGNORED).is_empty() {
                // Nothing to change: nothing written, so the ETag stays.
                return Ok(before.clone());
            }
            if !state.store.update_deployment_if(&after, version).await? {
                return Err(DeploymentError::Stale);
            }
            after
        }
        (None, Some(_)) => return Err(DeploymentError::Stale),
        (_, None) => {
            let created_at = before.as_ref().map_or(now, |d| d.created_at);
            let after = spec.validate(created_at, now).map_err(DeploymentError::Invalid)?;
            check_clients(&state.store, &after).await?;
            state.store.upsert_deployment(&after).await?;
            after
        }
    };
    let (kind, detail) = match &before {
        None => ("deployment.created", Value::Object(audit::changes(&json!({}), &after, IGNORED))),
        Some(before) => {
            let changes = audit::changes(before, &after, IGNORED);
            if changes.is_empty() {
                return Ok(after);
            }
            let policy = changes.contains_key("mfa_required") || changes.contains_key("passkey_required");
            (if policy { "deployment.policy_changed" } else { "deployment.changed" }, Value::Object(changes))
        }
    };
    let event = Event {
        actor_kind: Some(ActorKind::of_change(actor, None)),
        actor,
        deployment_id: Some(&after.id),
        detail: Some(json!({ "changes": detail })),
        ..Event::new(kind)
    };
    audit::record(state, event, origin).await;
    Ok(after)
}

/// A default client must exist (careid.toml declares clients after
/// deployments, so its deployments name clients of earlier starts or none)
/// and admit the deployment's members of that kind.
async fn check_clients(store: &Store, d: &Deployment) -> Result<(), DeploymentError> {
    let defaults = [
        ("staff_client", &d.staff_client, Role::Clinician),
        ("patient_client", &d.patient_client, Role::Patient),
    ];
    for (field, client, role) in defaults {
        let Some(id) = client else { continue };
        let admits = store.client(id).await?.is_some_and(|c| c.serves(&d.id) && c.allows_role(role));
        if !admits {
            let message =
                format!("deployment {}: {field}: no client {id:?} serving its {}s", d.id, role.as_str());
            return Err(DeploymentError::Invalid(Invalid::new(field, message)));
        }
    }
    Ok(())
}

/// Bookkeeping, not policy: never audited as a change.
const IGNORED: &[&str] = &["created_at", "updated_at"];

/// Creates or updates every deployment declared in configuration.
pub async fn sync_declared(store: &Store, specs: &[DeploymentSpec], now: i64) -> Result<(), DeploymentError> {
    for spec in specs {
        save(store, spec.clone(), now).await?;
    }
    Ok(())
}

/// Checks the default clients of every declared deployment, once the
/// declared clients are stored too (they are synced after the deployments
/// they may serve).
pub async fn check_declared_clients(store: &Store, specs: &[DeploymentSpec]) -> Result<(), DeploymentError> {
    for spec in specs {
        if let Some(d) = store.deployment(spec.id.trim()).await? {
            check_clients(store, &d).await?;
        }
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
            DeploymentSpec { primary_color: Some("blue".into()), ..spec() },
            DeploymentSpec { accent_color: Some("#12345".into()), ..spec() },
            DeploymentSpec { logo_url: Some("http://x.example/logo.png".into()), ..spec() },
            DeploymentSpec { support_email: Some("help at example".into()), ..spec() },
            DeploymentSpec { support_url: Some("javascript:alert(1)".into()), ..spec() },
        ];
        for s in bad {
            assert!(s.clone().validate(0, 0).is_err(), "{s:?}");
        }
    }
}
