//! Soak: two careid nodes on a PostgreSQL and a Redis of their own (the fault
//! harness's, `tests/faults/`) under continuous sign-in traffic for
//! `SOAK_MINUTES` (30 by default). Every `SOAK_SAMPLE_SECS` (30) it prints
//! each node's resident memory and open file descriptors, PostgreSQL's
//! connections, and the sign-ins completed and failed since the last sample;
//! at the end it compares the last fifth of the run with the first. A
//! measurement, not a test: run it as root with `cargo bench --bench soak`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a measurement: any failure ends it, loudly")]

#[allow(dead_code)]
#[path = "../tests/faults/admin.rs"]
mod admin;
#[allow(dead_code)]
#[path = "../tests/api/kit/forms.rs"]
mod forms;
#[allow(dead_code)]
#[path = "../tests/faults/nodes.rs"]
mod nodes;
#[allow(dead_code)]
#[path = "../tests/faults/stores.rs"]
mod stores;
#[allow(dead_code)]
#[path = "../tests/faults/texts.rs"]
mod texts;
#[allow(dead_code)]
#[path = "../tests/faults/traffic.rs"]
mod traffic;

use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use nodes::Cluster;
use stores::{Postgres, Redis};
use traffic::Outcome;

const PEOPLE: usize = 8;
const PASSWORD: &str = "correct horse battery staple";

#[allow(clippy::disallowed_methods, reason = "the soak's own knobs, not careid's configuration")]
fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Resident memory (KiB) and open descriptors of process `pid`.
fn process(pid: u32) -> (u64, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0);
    (rss, fds)
}

#[derive(Clone, Copy)]
struct Sample {
    rss_kib: u64,
    fds: usize,
    db_connections: i64,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let minutes = env_number("SOAK_MINUTES", 30);
    let every = Duration::from_secs(env_number("SOAK_SAMPLE_SECS", 30));
    let dir = tempfile::Builder::new().prefix("careid-soak").tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let pg = Postgres::start(dir.path());
    let redis = Redis::start();
    let cluster = Cluster::start(dir.path(), &pg.url(), &redis.url(), &["a", "b"], None);
    for node in &cluster.nodes {
        node.wait_ready(Duration::from_secs(60)).await;
    }
    for i in 0..PEOPLE {
        cluster.add_patient(&format!("soak{i}@example.org"), PASSWORD);
    }
    let pool = sqlx::PgPool::connect(&pg.url()).await.unwrap();
    let (completed, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let deadline = Instant::now() + Duration::from_secs(minutes * 60);
    let workers: Vec<_> = (0..PEOPLE)
        .map(|i| {
            let (nodes, issuer) = (cluster.alive(), cluster.issuer.clone());
            let (completed, failed) = (completed.clone(), failed.clone());
            tokio::spawn(async move {
                let mut n = i;
                while Instant::now() < deadline {
                    let person = traffic::Person::patient(&format!("soak{i}@example.org"), PASSWORD);
                    match traffic::sign_in(&nodes, &issuer, n, &person).await.outcome {
                        Outcome::Completed { .. } => completed.fetch_add(1, Ordering::Relaxed),
                        _ => failed.fetch_add(1, Ordering::Relaxed),
                    };
                    n += 1;
                }
            })
        })
        .collect();
    println!(
        "{:>6} {:>10} {:>6} {:>10} {:>6} {:>8} {:>9} {:>7}",
        "min", "rss a KiB", "fds a", "rss b KiB", "fds b", "db conns", "sign-ins", "failed"
    );
    let mut samples: Vec<Vec<Sample>> = Vec::new();
    let started = Instant::now();
    let (mut done_before, mut failed_before) = (0, 0);
    while Instant::now() < deadline {
        tokio::time::sleep(every).await;
        let db_connections: i64 =
            sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
                .fetch_one(&pool)
                .await
                .unwrap();
        let now: Vec<Sample> = cluster
            .nodes
            .iter()
            .map(|node| {
                let (rss_kib, fds) = process(node.pid().unwrap());
                Sample { rss_kib, fds, db_connections }
            })
            .collect();
        let (done, bad) = (completed.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
        println!(
            "{:>6.1} {:>10} {:>6} {:>10} {:>6} {:>8} {:>9} {:>7}",
            started.elapsed().as_secs_f64() / 60.0,
            now[0].rss_kib,
            now[0].fds,
            now[1].rss_kib,
            now[1].fds,
            db_connections,
            done - done_before,
            bad - failed_before
        );
        (done_before, failed_before) = (done, bad);
        samples.push(now);
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let fifth = (samples.len() / 5).max(1);
    let average = |range: &[Vec<Sample>], node: usize, f: fn(&Sample) -> f64| {
        range.iter().map(|s| f(&s[node])).sum::<f64>() / range.len() as f64
    };
    let (first, last) = (&samples[..fifth], &samples[samples.len() - fifth..]);
    for (node, name) in ["a", "b"].iter().enumerate() {
        println!(
            "node {name}: RSS {:.0} → {:.0} KiB, descriptors {:.0} → {:.0}, database connections {:.0} → {:.0} (first fifth → last fifth)",
            average(first, node, |s| s.rss_kib as f64),
            average(last, node, |s| s.rss_kib as f64),
            average(first, node, |s| s.fds as f64),
            average(last, node, |s| s.fds as f64),
            average(first, node, |s| s.db_connections as f64),
            average(last, node, |s| s.db_connections as f64),
        );
    }
    let (done, bad) = (completed.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    println!(
        "{done} sign-ins completed, {bad} failed ({:.3} %) in {minutes} minutes",
        100.0 * bad as f64 / (done + bad).max(1) as f64
    );
    drop(redis);
}
