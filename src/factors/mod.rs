//! Second factors: mobile numbers, the one-time codes sent to them, recovery
//! codes, and resetting them all.

pub mod phone;
pub mod recovery_codes;
pub mod reset;
pub mod sms;
