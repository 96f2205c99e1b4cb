//! Integration tests: one module per journey or spec area, all against a real server.

mod authorize;
mod browser;
mod cli;
mod cli_admin;
mod code_flow;
mod durable_store;
mod email;
mod email_verification;
mod ephemeral_store;
mod foundation;
mod helpers;
mod login;
mod password_reset;
mod signing_keys;
mod smtp_sink;
