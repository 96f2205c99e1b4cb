//! Onboarding journeys: proving an email address, resetting a forgotten password.

pub mod password_reset;
pub mod verification;
