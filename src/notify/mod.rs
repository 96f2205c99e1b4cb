//! Outbound messages to people: email (and, later, SMS).

pub mod email;
pub mod outbox_sender;
pub mod smtp;
