//! Second factors: mobile numbers, the one-time codes sent to them, recovery
//! codes, passkeys, and resetting them.

pub mod passkeys;
pub mod phone;
pub mod recovery_codes;
pub mod reset;
pub mod sms;
