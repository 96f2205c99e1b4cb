//! Authentication context classes (`acr`) and methods (`amr`, RFC 8176).

/// A password alone.
pub const PASSWORD: &str = "urn:careid:acr:password";
/// Two factors (password and a one-time code, or a passkey).
pub const MFA: &str = "urn:careid:acr:mfa";
/// Phishing-resistant (a passkey).
pub const PHISHING_RESISTANT: &str = "urn:careid:acr:phishing-resistant";

/// Every acr careid can assert, weakest first.
pub const SUPPORTED: [&str; 3] = [PASSWORD, MFA, PHISHING_RESISTANT];

pub const AMR_PASSWORD: &str = "pwd";
/// A one-time code sent by SMS (RFC 8176).
pub const AMR_SMS: &str = "sms";
/// More than one factor (RFC 8176).
pub const AMR_MFA: &str = "mfa";
/// Proof of possession of a hardware-protected key: a passkey (RFC 8176).
pub const AMR_HWK: &str = "hwk";
/// The user was verified by the authenticator (biometric or PIN), RFC 8176.
pub const AMR_USER: &str = "user";
