//! A change to some fields of a deployment, the one shape read by the Admin
//! API (`PATCH /api/admin/deployments/{id}`) and the command line
//! (`careid deployments add|update`): an absent field stays as it is, an
//! empty text clears it.

use serde::Deserialize;

use super::deployments::DeploymentSpec;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct DeploymentChange {
    /// The deployment's display name, e.g. "Heart Failure UK" (required for a new one).
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// Every member must sign in with two factors (default: off).
    #[arg(skip)]
    pub mfa_required: Option<bool>,
    /// Every member must register a passkey (default: off).
    #[arg(skip)]
    pub passkey_required: Option<bool>,
    /// Hours a new member has to verify their email address, 1 to 720 (default: 24).
    #[arg(long, value_name = "HOURS")]
    pub email_verification_hours: Option<i64>,
    /// Days an invitation stays open, 1 to 90 (default: 7).
    #[arg(long, value_name = "DAYS")]
    pub invitation_days: Option<i64>,
    /// The version of the terms members must accept, e.g. "2026-11"; needs a terms URL (default: none).
    #[arg(long, value_name = "TEXT")]
    pub terms_version: Option<String>,
    /// An https link to the terms of use (default: none).
    #[arg(long, value_name = "URL")]
    pub terms_url: Option<String>,
    /// An https link to the privacy notice (default: none).
    #[arg(long, value_name = "URL")]
    pub privacy_url: Option<String>,
    /// A disclaimer members must accept before using clients that ask for it; needs a disclaimer version (default: none).
    #[arg(long, value_name = "TEXT")]
    pub disclaimer_text: Option<String>,
    /// The disclaimer's version: a new one asks members to accept it again (default: none).
    #[arg(long, value_name = "TEXT")]
    pub disclaimer_version: Option<String>,
    /// An https link to the App Store page of the deployment's app (default: none).
    #[arg(long, value_name = "URL")]
    pub app_store_url: Option<String>,
    /// An https link to the Google Play page of the deployment's app (default: none).
    #[arg(long, value_name = "URL")]
    pub play_store_url: Option<String>,
    /// The app's deep link (custom scheme or universal link) shown after sign-up (default: none).
    #[arg(long, value_name = "URL")]
    pub app_link: Option<String>,
    /// The language of pages and messages when nothing else decides it: en, de or ar (default: en).
    #[arg(long, value_name = "LANG")]
    pub default_locale: Option<String>,
    /// The client (its id) an invitation of staff leads to when it names none,
    /// e.g. the Clinician Portal: where they arrive signed in after sign-up ("" clears).
    #[arg(long, value_name = "CLIENT")]
    pub staff_client: Option<String>,
    /// The same for patients, e.g. the App ("" clears).
    #[arg(long, value_name = "CLIENT")]
    pub patient_client: Option<String>,
    /// What people call the platform, e.g. "CareConnect": page titles, emails and their From name, up to 64 characters (default: careid).
    #[arg(long, value_name = "TEXT")]
    pub product_name: Option<String>,
    /// An https link to the logo shown at the top of every page, its alt text the product name (default: no logo).
    #[arg(long, value_name = "URL")]
    pub logo_url: Option<String>,
    /// The colour of buttons and links, CSS hex #rrggbb or #rgb (default: careid's blue).
    #[arg(long, value_name = "HEX")]
    pub primary_color: Option<String>,
    /// The colour of highlights such as focus rings, CSS hex #rrggbb or #rgb (default: careid's).
    #[arg(long, value_name = "HEX")]
    pub accent_color: Option<String>,
    /// The address people write to with questions, shown on error pages and in emails (default: none).
    #[arg(long, value_name = "EMAIL")]
    pub support_email: Option<String>,
    /// An https page where people find help, shown on error pages and in emails (default: none).
    #[arg(long, value_name = "URL")]
    pub support_url: Option<String>,
}

impl DeploymentChange {
    /// `spec` with the given fields changed (its checks come after, in
    /// `deployments::change`).
    pub fn apply(self, spec: &mut DeploymentSpec) {
        fn set<T>(new: Option<T>, old: &mut T) {
            if let Some(new) = new {
                *old = new;
            }
        }
        fn some<T>(new: Option<T>, old: &mut Option<T>) {
            if new.is_some() {
                *old = new;
            }
        }
        set(self.name, &mut spec.name);
        set(self.mfa_required, &mut spec.mfa_required);
        set(self.passkey_required, &mut spec.passkey_required);
        some(self.email_verification_hours, &mut spec.email_verification_hours);
        some(self.invitation_days, &mut spec.invitation_days);
        some(self.terms_version, &mut spec.terms_version);
        some(self.terms_url, &mut spec.terms_url);
        some(self.privacy_url, &mut spec.privacy_url);
        some(self.disclaimer_text, &mut spec.disclaimer_text);
        some(self.disclaimer_version, &mut spec.disclaimer_version);
        some(self.app_store_url, &mut spec.app_store_url);
        some(self.play_store_url, &mut spec.play_store_url);
        some(self.app_link, &mut spec.app_link);
        some(self.default_locale, &mut spec.default_locale);
        some(self.staff_client, &mut spec.staff_client);
        some(self.patient_client, &mut spec.patient_client);
        some(self.product_name, &mut spec.product_name);
        some(self.logo_url, &mut spec.logo_url);
        some(self.primary_color, &mut spec.primary_color);
        some(self.accent_color, &mut spec.accent_color);
        some(self.support_email, &mut spec.support_email);
        some(self.support_url, &mut spec.support_url);
    }
}
