//! Deployments (care programmes) and their policy; `default` exists from the first start.

use serde::{Deserialize, Serialize};

use super::{Keyset, Store, StoreError, on_pool, on_pool_writing};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize, utoipa::ToSchema)]
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
    /// What people call the platform (pages, emails, the From name); unset: careid.
    pub product_name: Option<String>,
    /// An https image shown at the top of every page.
    pub logo_url: Option<String>,
    /// `#rrggbb`, the buttons' and links' colour.
    pub primary_color: Option<String>,
    /// `#rrggbb`, the colour of highlights.
    pub accent_color: Option<String>,
    /// Whom people write to with questions (error pages, emails).
    pub support_email: Option<String>,
    /// Where people find help (error pages, emails).
    pub support_url: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Bumped by every change: the basis of the conditional update.
    #[serde(skip)]
    pub version: i64,
    /// The client an invitation of staff (administrators, clinicians) leads
    /// to when it names none: where they arrive signed in after sign-up.
    pub staff_client: Option<String>,
    /// The same for patients (the App).
    pub patient_client: Option<String>,
}

const COLUMNS: &str = "id, name, mfa_required, passkey_required, email_verification_hours, invitation_days, \
    terms_version, terms_url, privacy_url, disclaimer_text, disclaimer_version, app_store_url, play_store_url, \
    app_link, default_locale, product_name, logo_url, primary_color, accent_color, support_email, \
    support_url, created_at, updated_at, version, staff_client, patient_client";

impl Store {
    pub async fn deployment(&self, id: &str) -> Result<Option<Deployment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM deployments WHERE id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Deployment>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await)?,
        )
    }

    pub async fn list_deployments(&self) -> Result<Vec<Deployment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM deployments ORDER BY id");
        Ok(
            on_pool!(self, pool => sqlx::query_as::<_, Deployment>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(pool).await)?,
        )
    }

    /// A page of deployments in creation order; `only` narrows to one (an
    /// administrator's view), `name` to those whose name contains it.
    pub async fn page_deployments(
        &self,
        only: Option<&str>,
        name: Option<&str>,
        page: &Keyset,
    ) -> Result<Vec<Deployment>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM deployments WHERE ($1 IS NULL OR id = $1) \
             AND ($2 IS NULL OR LOWER(name) LIKE $2 ESCAPE '\\') \
             AND ($3 IS NULL OR created_at > $3 OR (created_at = $3 AND id > $4)) \
             ORDER BY created_at, id LIMIT $5"
        );
        let name = super::members::contains(name);
        Ok(on_pool!(self, pool => sqlx::query_as::<_, Deployment>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(only).bind(&name).bind(page.after_at()).bind(page.after_id()).bind(page.limit)
            .fetch_all(pool).await)?)
    }

    /// Replaces a deployment's policy if it is still at `version` (what the
    /// caller read); `false` when another change came first.
    pub async fn update_deployment_if(&self, d: &Deployment, version: i64) -> Result<bool, StoreError> {
        let sql = "UPDATE deployments SET name = $2, mfa_required = $3, passkey_required = $4, \
             email_verification_hours = $5, invitation_days = $6, terms_version = $7, terms_url = $8, \
             privacy_url = $9, disclaimer_text = $10, disclaimer_version = $11, app_store_url = $12, \
             play_store_url = $13, app_link = $14, default_locale = $15, updated_at = $16, \
             product_name = $18, logo_url = $19, primary_color = $20, accent_color = $21, \
             support_email = $22, support_url = $23, \
             version = version + 1, staff_client = $24, patient_client = $25 WHERE id = $1 AND version = $17";
        let n = on_pool_writing!(self, pool => sqlx::query(sql)
            .bind(&d.id).bind(&d.name).bind(d.mfa_required).bind(d.passkey_required)
            .bind(d.email_verification_hours).bind(d.invitation_days).bind(&d.terms_version)
            .bind(&d.terms_url).bind(&d.privacy_url).bind(&d.disclaimer_text).bind(&d.disclaimer_version)
            .bind(&d.app_store_url).bind(&d.play_store_url).bind(&d.app_link).bind(&d.default_locale)
            .bind(d.updated_at).bind(version)
            .bind(&d.product_name).bind(&d.logo_url).bind(&d.primary_color).bind(&d.accent_color)
            .bind(&d.support_email).bind(&d.support_url)
            .bind(&d.staff_client).bind(&d.patient_client)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Inserts or replaces a deployment (keeping its creation time).
    pub async fn upsert_deployment(&self, d: &Deployment) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO deployments ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $18, $19, $20, $21, $22, \
             $23, $16, $17, 1, $24, $25) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, mfa_required = excluded.mfa_required, \
             passkey_required = excluded.passkey_required, \
             email_verification_hours = excluded.email_verification_hours, \
             invitation_days = excluded.invitation_days, terms_version = excluded.terms_version, \
             terms_url = excluded.terms_url, privacy_url = excluded.privacy_url, \
             disclaimer_text = excluded.disclaimer_text, disclaimer_version = excluded.disclaimer_version, \
             app_store_url = excluded.app_store_url, play_store_url = excluded.play_store_url, \
             app_link = excluded.app_link, default_locale = excluded.default_locale, \
             product_name = excluded.product_name, logo_url = excluded.logo_url, \
             primary_color = excluded.primary_color, accent_color = excluded.accent_color, \
             support_email = excluded.support_email, support_url = excluded.support_url, \
             updated_at = excluded.updated_at, version = deployments.version + 1, \
             staff_client = excluded.staff_client, patient_client = excluded.patient_client"
        );
        on_pool_writing!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&d.id).bind(&d.name).bind(d.mfa_required).bind(d.passkey_required)
            .bind(d.email_verification_hours).bind(d.invitation_days).bind(&d.terms_version)
            .bind(&d.terms_url).bind(&d.privacy_url).bind(&d.disclaimer_text).bind(&d.disclaimer_version)
            .bind(&d.app_store_url).bind(&d.play_store_url).bind(&d.app_link).bind(&d.default_locale)
            .bind(d.created_at).bind(d.updated_at)
            .bind(&d.product_name).bind(&d.logo_url).bind(&d.primary_color).bind(&d.accent_color)
            .bind(&d.support_email).bind(&d.support_url)
            .bind(&d.staff_client).bind(&d.patient_client)
            .execute(pool).await.map(drop))?;
        Ok(())
    }
}
