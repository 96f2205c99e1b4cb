//! A PostgreSQL cluster and a Redis server of the harness's own, on spare
//! ports in a temporary directory, so the machine's shared ones are never
//! touched: PostgreSQL is initialised and run as the `postgres` user (it
//! refuses root), Redis keeps nothing on disk.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn spare_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Runs `program args` as the `postgres` user; panics with its output on failure.
fn as_postgres(program: &Path, args: &[&str]) {
    let output = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(program)
        .args(args)
        .output()
        .expect("runuser runs");
    assert!(output.status.success(), "{program:?} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

fn postgres_bin(name: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed")
        .flatten()
        .map(|e| e.path())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version").join("bin").join(name)
}

pub struct Postgres {
    pub port: u16,
    data: PathBuf,
    log: PathBuf,
}

impl Postgres {
    /// A fresh cluster (trust authentication) under `dir`, started.
    pub fn start(dir: &Path) -> Postgres {
        let root = dir.join("pg");
        std::fs::create_dir_all(&root).unwrap();
        Command::new("chown").args(["-R", "postgres:postgres"]).arg(&root).status().unwrap();
        let data = root.join("data");
        let pg = Postgres { port: spare_port(), data, log: root.join("log") };
        as_postgres(
            &postgres_bin("initdb"),
            &["-A", "trust", "-U", "postgres", "-D", pg.data.to_str().unwrap()],
        );
        pg.up();
        pg
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl start`, waiting until it accepts connections.
    pub fn up(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.data.display());
        as_postgres(
            &postgres_bin("pg_ctl"),
            &[
                "start",
                "-w",
                "-D",
                self.data.to_str().unwrap(),
                "-l",
                self.log.to_str().unwrap(),
                "-o",
                &options,
            ],
        );
    }

    /// `pg_ctl stop -m fast`: every connection is cut, as in a failover.
    pub fn down(&self) {
        as_postgres(
            &postgres_bin("pg_ctl"),
            &["stop", "-w", "-m", "fast", "-D", self.data.to_str().unwrap()],
        );
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let pg_ctl = postgres_bin("pg_ctl");
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(pg_ctl)
            .args(["stop", "-m", "immediate", "-D", self.data.to_str().unwrap()])
            .output();
    }
}

pub struct Redis {
    pub port: u16,
    child: Option<Child>,
}

impl Redis {
    pub fn start() -> Redis {
        let mut redis = Redis { port: spare_port(), child: None };
        redis.up();
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub fn up(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server runs");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the server: everything it held is gone.
    pub fn down(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.down();
    }
}
