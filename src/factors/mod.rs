//! Second factors: mobile numbers and the one-time codes sent to them.

pub mod phone;
pub mod sms;
