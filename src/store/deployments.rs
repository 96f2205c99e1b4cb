//! Deployments (care programmes) and their policy; `default` exists from the first start.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    /// Every member must sign in with two factors.
    pub mfa_required: bool,
    /// Every member must register a passkey ("biometric login mandatory").
    pub passkey_required: bool,
    pub email_verification_hours: i64,
    pub invitation_days: i64,
    pub terms_version: Option<String>,
    pub terms_url: Option<String>,
    pub privacy_url: Option<String>,
    pub disclaimer_text: Option<String>,
    pub disclaimer_version: Option<String>,
    pub app_store_url: Option<String>,
    pub play_store_url: Option<String>,
    pub app_link: Option<String>,
    pub default_locale: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, name, mfa_required, passkey_required, email_verification_hours, invitation_days, \
    terms_version, terms_url, privacy_url, disclaimer_text, disclaimer_version, app_store_url, play_store_url, \
    app_link, default_locale, created_at, updated_at";

impl Store {
    pub async fn deployment(&self, id: &str) -> Result<Option<Deployment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM deployments WHERE id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, Deployment>(&sql).bind(id).fetch_optional(pool).await)?)
    }

    pub async fn list_deployments(&self) -> Result<Vec<Deployment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM deployments ORDER BY id");
        Ok(on_pool!(self, pool => sqlx::query_as::<_, Deployment>(&sql).fetch_all(pool).await)?)
    }

    /// Inserts or replaces a deployment (keeping its creation time).
    pub async fn upsert_deployment(&self, d: &Deployment) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO deployments ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, mfa_required = excluded.mfa_required, \
             passkey_required = excluded.passkey_required, \
             email_verification_hours = excluded.email_verification_hours, \
             invitation_days = excluded.invitation_days, terms_version = excluded.terms_version, \
             terms_url = excluded.terms_url, privacy_url = excluded.privacy_url, \
             disclaimer_text = excluded.disclaimer_text, disclaimer_version = excluded.disclaimer_version, \
             app_store_url = excluded.app_store_url, play_store_url = excluded.play_store_url, \
             app_link = excluded.app_link, default_locale = excluded.default_locale, \
             updated_at = excluded.updated_at"
        );
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(&d.id).bind(&d.name).bind(d.mfa_required).bind(d.passkey_required)
            .bind(d.email_verification_hours).bind(d.invitation_days).bind(&d.terms_version)
            .bind(&d.terms_url).bind(&d.privacy_url).bind(&d.disclaimer_text).bind(&d.disclaimer_version)
            .bind(&d.app_store_url).bind(&d.play_store_url).bind(&d.app_link).bind(&d.default_locale)
            .bind(d.created_at).bind(d.updated_at)
            .execute(pool).await.map(drop))?;
        Ok(())
    }
}
