//! Integration tests: one module per journey or spec area, all against a real server.

mod backchannel_logout;
mod browser;
mod cli;
mod code_flow;
mod durable_store;
mod ephemeral_store;
mod flows;
mod foundation;
mod helpers;
mod logout;
mod signing_keys;
