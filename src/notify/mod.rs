//! Outbound messages to people: email, and the emails that tell of changes
//! to how someone signs in.

pub mod config;
pub mod email;
pub mod outbox_seal;
pub mod outbox_sender;
pub mod sign_in_changed;
pub mod smtp;
