//! Second factors: mobile numbers and the one-time codes sent to them, and passkeys.

pub mod passkeys;
pub mod phone;
pub mod sms;
