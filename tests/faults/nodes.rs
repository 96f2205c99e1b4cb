//! careid nodes as real processes of the `careid` binary, one issuer behind
//! them as behind a load balancer, on the harness's own stores; killed with
//! SIGKILL or stopped with SIGTERM like a container.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::stores::spare_port;

pub struct Node {
    pub name: &'static str,
    pub base: String,
    /// Where this node writes the texts it sends (the SMS outbox: no provider configured).
    pub texts: PathBuf,
    config: PathBuf,
    log: PathBuf,
    child: Option<Child>,
}

/// What every node shares: the issuer, the stores and the key-encryption key.
pub struct Cluster {
    pub issuer: String,
    pub nodes: Vec<Node>,
}

const BIN: &str = env!("CARGO_BIN_EXE_careid");

impl Cluster {
    /// Nodes named `names` on `database` and `redis`; the first one's address is the issuer.
    /// The App's back-channel logouts go to `backchannel`, when given.
    pub fn start(
        dir: &Path,
        database: &str,
        redis: &str,
        names: &[&'static str],
        backchannel: Option<&str>,
    ) -> Cluster {
        let ports: Vec<u16> = names.iter().map(|_| spare_port()).collect();
        let issuer = format!("http://127.0.0.1:{}", ports[0]);
        let kek = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let backchannel =
            backchannel.map(|uri| format!("backchannel_logout_uri = \"{uri}\"\n")).unwrap_or_default();
        let nodes = names
            .iter()
            .zip(&ports)
            .map(|(name, port)| {
                let config = dir.join(format!("{name}.toml"));
                std::fs::write(
                    &config,
                    format!(
                        r#"issuer = "{issuer}"
listen = "127.0.0.1:{port}"
data_dir = "{dir}/data-{name}"
keys_dir = "{dir}/keys"
database_url = "{database}"
redis_url = "{redis}"
key_encryption_key = "{kek}"
log_format = "json"
outbound_allowed_networks = ["127.0.0.0/8"]

[mfa]
required_roles = ["clinician", "admin"]

[sms]
per_account_per_hour = 100000
per_number_per_hour = 100000
per_ip_per_hour = 100000
per_country_per_day = 100000

[login]
per_ip_per_minute = 100000
per_account_per_minute = 100000

[http]
posts_per_ip_per_minute = 100000

[backchannel]
poll_millis = 200
timeout_secs = 2

[[clients]]
id = "app"
name = "Care App"
public = true
first_party = true
require_dpop = false
redirect_uris = ["com.example.app:/cb"]
allowed_scopes = ["openid", "offline_access", "careid:admin"]
{backchannel}"#,
                        dir = dir.display()
                    ),
                )
                .unwrap();
                Node {
                    name,
                    base: format!("http://127.0.0.1:{port}"),
                    texts: dir.join(format!("data-{name}")).join("outbox").join("sms.jsonl"),
                    config,
                    log: dir.join(format!("{name}.log")),
                    child: None,
                }
            })
            .collect();
        let mut cluster = Cluster { issuer, nodes };
        for node in &mut cluster.nodes {
            node.spawn();
        }
        cluster
    }

    /// Where every node (running or not) writes the texts it sends.
    pub fn texts(&self) -> Vec<PathBuf> {
        self.nodes.iter().map(|n| n.texts.clone()).collect()
    }

    /// The last lines each node logged (warnings and errors), to say why a round failed.
    pub fn logs(&self) -> String {
        let mut logs = String::new();
        for node in &self.nodes {
            let log = node.log();
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(20)..].join("\n");
            logs.push_str(&format!("\n--- node {} ---\n{tail}", node.name));
        }
        logs
    }

    /// The bases of the nodes running now.
    pub fn alive(&self) -> Vec<String> {
        self.nodes.iter().filter(|n| n.child.is_some()).map(|n| n.base.clone()).collect()
    }

    /// A patient with a verified address and `password`, added with `careid users add`.
    pub fn add_patient(&self, email: &str, password: &str) {
        self.add_member(email, "patient", password);
    }

    /// A member of the default deployment in `role` with a verified address and `password`.
    pub fn add_member(&self, email: &str, role: &str, password: &str) {
        let args = [
            "users",
            "add",
            "--email",
            email,
            "--name",
            "Pat",
            "--role",
            role,
            "--email-verified",
            "--password-stdin",
        ];
        self.cli(&args, &format!("{password}\n"));
    }

    /// `careid ARGS` with the first node's configuration, `stdin` on standard input.
    pub fn cli(&self, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(BIN)
            .args(args)
            .arg("--config")
            .arg(&self.nodes[0].config)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "careid {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        output
    }
}

impl Node {
    pub fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new(BIN)
            .arg("--config")
            .arg(&self.config)
            .arg("serve")
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
    }

    /// Waits up to `within` for `/readyz` to answer 200.
    pub async fn wait_ready(&self, within: Duration) {
        let deadline = Instant::now() + within;
        let http = reqwest::Client::new();
        loop {
            let ready = http.get(format!("{}/readyz", self.base)).send().await.map(|r| r.status() == 200);
            if ready.unwrap_or(false) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} not ready within {within:?}; log: {}",
                self.name,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no shutdown, whatever it was doing is cut off.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// SIGTERM, then waits for a graceful exit; its exit status.
    pub async fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        let pid = child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        tokio::task::spawn_blocking(move || child.wait().unwrap()).await.unwrap()
    }

    /// The process id while it runs (the soak samples its memory and descriptors).
    #[allow(dead_code)]
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}
