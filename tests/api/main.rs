//! Integration tests: one module per journey or spec area, all against a real server.

mod cli;
mod cli_admin;
mod durable_store;
mod ephemeral_store;
mod foundation;
mod helpers;
mod signing_keys;
