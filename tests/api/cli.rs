//! The `careid` binary: start-up failures give one clear line and an exit code;
//! a restart keeps keys; SIGTERM stops gracefully.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::kit::cli::{assert_fails, careid, run, same_stores};

#[tokio::test]
async fn bad_values_in_the_environment_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("CAREID_LISTEN", "not-an-address", "listen"),
        ("CAREID_ISSUER", "not a url", "issuer"),
        ("CAREID_ISSUER", "http://idp.example.com", "must use https"),
        ("CAREID_ISSUER", "https://idp.example.com/?x=1", "query or fragment"),
        ("CAREID_DATABASE_URL", "mysql://localhost/db", "database_url"),
        ("CAREID_REDIS_URL", "http://localhost", "redis_url"),
        ("CAREID_TRUSTED_PROXIES", "10.0.0.0/8, banana", "banana"),
        ("CAREID_KEY_ENCRYPTION_KEY", "c2hvcnQ=", "32 bytes"),
    ];
    for (key, value, needle) in cases {
        let mut cmd = careid(dir.path()).await;
        cmd.env(key, value).arg("migrate");
        assert_fails(&run(&mut cmd), 2, needle);
    }
}

#[tokio::test]
async fn a_bad_configuration_file_is_refused_with_the_key_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("careid.toml");
    std::fs::write(&file, "issuer = \"http://localhost:9000\"\nlisten_port = 9000\n").unwrap();
    let mut cmd = careid(dir.path()).await;
    cmd.arg("--config").arg(&file).arg("migrate");
    assert_fails(&run(&mut cmd), 2, "listen_port");

    std::fs::write(&file, "issuer = [").unwrap();
    let mut cmd = careid(dir.path()).await;
    cmd.arg("--config").arg(&file).arg("migrate");
    assert_fails(&run(&mut cmd), 2, "careid.toml");

    let mut cmd = careid(dir.path()).await;
    cmd.arg("--config").arg(dir.path().join("missing.toml")).arg("migrate");
    assert_fails(&run(&mut cmd), 2, "cannot read configuration file");
}

#[tokio::test]
async fn an_unreachable_database_fails_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = careid(dir.path()).await;
    cmd.env("CAREID_DATABASE_URL", "postgres://careid:secret-pw@127.0.0.1:1/careid").arg("keys").arg("list");
    let output = run(&mut cmd);
    assert_fails(&output, 1, "cannot connect to the database");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("secret-pw"), "password is masked");
}

#[tokio::test]
async fn an_unreachable_redis_fails_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = careid(dir.path()).await;
    cmd.env("CAREID_REDIS_URL", "redis://127.0.0.1:1/").arg("keys").arg("list");
    assert_fails(&run(&mut cmd), 1, "cannot connect to Redis");
}

#[tokio::test]
async fn a_wrong_key_encryption_key_is_refused_and_keys_survive() {
    let dir = tempfile::tempdir().unwrap();
    let stores = careid(dir.path()).await;
    let listed = run(same_stores(&stores).args(["keys", "list"]));
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));

    let mut wrong = same_stores(&stores);
    wrong
        .env("CAREID_KEY_ENCRYPTION_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        .args(["keys", "list"]);
    assert_fails(&run(&mut wrong), 2, "key-encryption key does not match");

    let relisted = run(same_stores(&stores).args(["keys", "list"]));
    assert_eq!(relisted.stdout, listed.stdout, "keys unchanged");
}

#[tokio::test]
async fn keys_rotate_adds_a_next_key_per_algorithm() {
    let dir = tempfile::tempdir().unwrap();
    let stores = careid(dir.path()).await;
    let output = run(same_stores(&stores).args(["keys", "rotate", "--alg", "ES256"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("ES256: new key"));

    let listed = run(same_stores(&stores).args(["keys", "list"]));
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(listed.lines().filter(|l| l.contains(" next ")).count(), 1, "{listed}");
    assert_eq!(listed.lines().filter(|l| l.contains(" current ")).count(), 4, "{listed}");

    let output = run(same_stores(&stores).args(["keys", "rotate", "--alg", "HS256"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown algorithm"));
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    async fn start(mut cmd: Command) -> Server {
        let port = free_port();
        cmd.env("CAREID_LISTEN", format!("127.0.0.1:{port}"))
            .env("CAREID_ISSUER", format!("http://localhost:{port}"))
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let child = cmd.spawn().expect("careid starts");
        let server = Server { child, port };
        for _ in 0..200 {
            if reqwest::get(server.url("/healthz")).await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("careid did not start listening");
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn terminate(self) -> std::process::ExitStatus {
        self.terminate_with_logs().0
    }

    /// Stops the server; its exit status and everything it logged.
    fn terminate_with_logs(self) -> (std::process::ExitStatus, String) {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        )
        .unwrap();
        let output = self.child.wait_with_output().unwrap();
        (output.status, String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn a_restarted_server_serves_the_same_jwks_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let stores = careid(dir.path()).await;
    let server = Server::start(same_stores(&stores)).await;
    let before = reqwest::get(server.url("/jwks.json")).await.unwrap().text().await.unwrap();
    assert!(before.contains("\"keys\""));
    assert!(server.terminate().success(), "SIGTERM exits 0");

    let server = Server::start(same_stores(&stores)).await;
    let after = reqwest::get(server.url("/jwks.json")).await.unwrap().text().await.unwrap();
    assert_eq!(before, after);
    assert!(server.terminate().success());
}

#[tokio::test]
async fn logs_written_to_a_pipe_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(careid(dir.path()).await).await;
    reqwest::get(server.url("/healthz")).await.unwrap();
    let (status, logs) = server.terminate_with_logs();
    assert!(status.success());
    assert!(logs.contains("INFO") && logs.contains("careid started"), "some logs to look at: {logs}");
    assert!(!logs.contains("\x1b["), "colour escape codes in piped logs: {logs:?}");
}

#[tokio::test]
async fn a_busy_port_is_one_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut cmd = careid(dir.path()).await;
    cmd.env("CAREID_LISTEN", format!("127.0.0.1:{port}")).arg("serve");
    assert_fails(&run(&mut cmd), 1, &format!("cannot listen on 127.0.0.1:{port}"));
}

#[tokio::test]
async fn an_unusable_outbound_ca_file_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = careid(dir.path()).await;
    cmd.env("CAREID_OUTBOUND_CA_FILE", dir.path().join("missing.pem")).args(["keys", "list"]);
    assert_fails(&run(&mut cmd), 2, "outbound_ca_file");
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate").unwrap();
    let mut cmd = careid(dir.path()).await;
    cmd.env("CAREID_OUTBOUND_CA_FILE", &empty).args(["keys", "list"]);
    assert_fails(&run(&mut cmd), 2, "outbound_ca_file");
}
