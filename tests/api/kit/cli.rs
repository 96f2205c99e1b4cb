//! The `careid` binary as an operator runs it: on fresh stores of the test
//! tier, or on a running test app's own stores.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::kit::app::{TestApp, fresh_database_url};

const BIN: &str = env!("CARGO_BIN_EXE_careid");

/// A `careid` command in `dir` with fresh stores of the test tier and nothing
/// from the developer's environment.
pub async fn careid(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    if let Some(url) = fresh_database_url().await {
        cmd.env("CAREID_DATABASE_URL", url);
    }
    if let Ok(url) = std::env::var("CAREID_TEST_REDIS_URL") {
        cmd.env("CAREID_REDIS_URL", url);
        cmd.env("CAREID_REDIS_PREFIX", format!("careid-test:{}:", uuid::Uuid::new_v4().simple()));
        if std::env::var_os("CAREID_TEST_REDIS_CLUSTER").is_some() {
            cmd.env("CAREID_REDIS_CLUSTER", "true");
        }
    }
    cmd
}

/// Another `careid` command on the same directory and stores as `cmd`.
pub fn same_stores(cmd: &Command) -> Command {
    let mut again = Command::new(BIN);
    again.env_clear();
    if let Some(dir) = cmd.get_current_dir() {
        again.current_dir(dir);
    }
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            again.env(key, value);
        }
    }
    again
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("careid runs")
}

/// Asserts a failed start: the exit code and exactly one line naming the problem.
pub fn assert_fails(output: &Output, code: i32, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    let lines: Vec<&str> = stderr.trim().lines().collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(lines[0].starts_with("careid: "), "{stderr}");
    assert!(lines[0].contains(needle), "expected {needle:?} in {stderr}");
}

impl TestApp {
    /// `careid ARGS…` on the running app's stores, nothing else from the environment.
    pub fn careid(&self, args: &[&str]) -> Command {
        let config = &self.state.config;
        let roles: Vec<&str> = config.mfa.required_roles.iter().map(|r| r.as_str()).collect();
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("CAREID_ISSUER", config.issuer_str())
            .env("CAREID_DATA_DIR", &config.data_dir)
            .env("CAREID_KEYS_DIR", &config.keys_dir)
            // The app's role rule, so the operator sees the policy the app applies.
            .env("CAREID_MFA__REQUIRED_ROLES", roles.join(","))
            .args(args)
            .stdin(Stdio::null());
        if let Some(url) = &config.database_url {
            cmd.env("CAREID_DATABASE_URL", &**url);
        }
        if let Some(url) = &config.redis_url {
            cmd.env("CAREID_REDIS_URL", &**url).env("CAREID_REDIS_PREFIX", &config.redis_prefix);
            cmd.env("CAREID_REDIS_CLUSTER", config.redis_cluster.to_string());
        }
        cmd
    }

    /// `careid ARGS…` as the operator, which must succeed; its stdout.
    pub fn operator(&self, args: &[&str]) -> String {
        let output = self.careid(args).output().expect("careid runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "careid {args:?}: {stderr}");
        String::from_utf8(output.stdout).unwrap()
    }

    /// `careid ARGS…` with `input` on stdin (a secret), as the operator.
    pub fn careid_with_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .careid(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("careid runs");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// `careid ARGS…` with `input` on stdin (a secret), which must succeed; its stdout.
    pub fn operator_with_stdin(&self, args: &[&str], input: &str) -> String {
        let output = self.careid_with_stdin(args, input);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "careid {args:?}: {stderr}");
        String::from_utf8(output.stdout).unwrap()
    }

    /// `careid ARGS…` as the operator, which must be refused with exit 1: its one stderr line.
    pub fn operator_refused(&self, args: &[&str]) -> String {
        let output = self.careid(args).output().expect("careid runs");
        assert_fails(&output, 1, "");
        String::from_utf8_lossy(&output.stderr).trim().to_string()
    }
}
