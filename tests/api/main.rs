//! Integration tests: one module per journey or spec area, all against a real server.

mod account;
mod accounts;
mod authorize;
mod backchannel_logout;
mod browser;
mod cli;
mod cli_admin;
mod code_flow;
mod conformance_basic;
mod conformance_config;
mod durable_store;
mod ephemeral_store;
mod flows;
mod foundation;
mod helpers;
mod introspection;
mod invitations;
mod login;
mod logout;
mod refresh_tokens;
mod revocation;
mod signing_keys;
mod signup;
mod token_endpoint;
mod userinfo;
