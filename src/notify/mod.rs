//! Outbound messages to people: email (and, later, SMS).

pub mod email;
