//! The fault harness: two careid nodes on a PostgreSQL cluster and a Redis
//! server of its own, under mixed traffic (patients' password sign-ins,
//! clinicians' and an administrator's sign-ins with a texted code, the
//! administrator's changes over the Admin API), while PostgreSQL stops for
//! ten seconds, Redis restarts, a node is killed with SIGKILL and another is
//! stopped with SIGTERM just after back-channel logouts were queued on it.
//! After each fault it checks that nothing durable was lost and that careid
//! recovered without a restart; during each, that every answer was quick and
//! none a 500.
//!
//! Run by `.ci/run` (`cargo test --locked --test faults`); needs root (it
//! runs PostgreSQL as the `postgres` user) and PostgreSQL's and Redis's
//! server binaries.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "a test: any failure ends it, loudly"
)]

mod admin;
#[allow(dead_code)]
#[path = "../api/kit/forms.rs"]
mod forms;
mod ledger;
mod logouts;
mod nodes;
mod stores;
mod texts;
mod traffic;

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use ledger::Ledger;
use logouts::Receiver;
use nodes::Cluster;
use stores::{Postgres, Redis};
use traffic::{Outcome, PATIENCE, Person, Trip};

const PATIENTS: usize = 8;
const CLINICIANS: usize = 3;
/// Sign-ins in a round: the patients, the clinicians and the administrator.
const PEOPLE: usize = PATIENTS + CLINICIANS + 1;
const PASSWORD: &str = "correct horse battery staple";
const ADMIN: &str = "admin@example.org";
/// The member the administrator disables and enables again; never signs in.
const BYSTANDER: &str = "bystander@example.org";
/// Patients who sign in once more and log out at node b just before it stops.
const LEAVERS: usize = 4;

fn email(i: usize) -> String {
    format!("patient{i}@example.org")
}

/// Who signs in in every round: patients with a password, clinicians and the
/// administrator with a texted code as well (a number added the first time).
fn people(cluster: &Cluster) -> Vec<Person> {
    let mut people: Vec<Person> = (0..PATIENTS).map(|i| Person::patient(&email(i), PASSWORD)).collect();
    let two_step = |email: String, i: usize| Person {
        phone: Some((format!("+4474001230{i:02}"), cluster.texts())),
        ..Person::patient(&email, PASSWORD)
    };
    people.extend((0..CLINICIANS).map(|i| two_step(format!("clinician{i}@example.org"), i)));
    people.push(Person { administers: Some(BYSTANDER.into()), ..two_step(ADMIN.into(), 99) });
    people
}

/// Adds everyone with `careid users add`, a few at once (each hashes a password).
fn seed(cluster: &Cluster) {
    let members: Vec<(String, &str)> = people(cluster)
        .into_iter()
        .map(|person| {
            let role = match (&person.phone, &person.administers) {
                (None, _) => "patient",
                (Some(_), None) => "clinician",
                (Some(_), Some(_)) => "admin",
            };
            (person.email, role)
        })
        .collect();
    for batch in members.chunks(4) {
        std::thread::scope(|scope| {
            for (email, role) in batch {
                scope.spawn(|| cluster.add_member(email, role, PASSWORD));
            }
        });
    }
    cluster.add_patient(BYSTANDER, PASSWORD);
}

/// One sign-in per person at once on the nodes up now, alternating the node each starts on.
fn round(
    cluster: &Cluster,
    prefer: usize,
) -> impl std::future::Future<Output = (Vec<Trip>, Duration)> + use<> {
    let (nodes, issuer, people) = (cluster.alive(), cluster.issuer.clone(), people(cluster));
    async move { round_on(nodes, issuer, people, prefer).await }
}

async fn round_on(
    nodes: Vec<String>,
    issuer: String,
    people: Vec<Person>,
    prefer: usize,
) -> (Vec<Trip>, Duration) {
    let tasks: Vec<_> = people
        .into_iter()
        .enumerate()
        .map(|(i, person)| {
            let (nodes, issuer) = (nodes.clone(), issuer.clone());
            tokio::spawn(async move { traffic::sign_in(&nodes, &issuer, prefer + i, &person).await })
        })
        .collect();
    let mut trips = Vec::new();
    for task in tasks {
        trips.push(task.await.unwrap());
    }
    let slowest = trips.iter().map(|t| t.slowest).max().unwrap_or_default();
    (trips, slowest)
}

/// Prints what a round under `fault` did and fails on any 500 or slow answer.
fn report(fault: &str, trips: &[Trip], slowest: Duration) -> usize {
    let outcomes: Vec<&Outcome> = trips.iter().map(|t| &t.outcome).collect();
    let completed = outcomes.iter().filter(|o| matches!(o, Outcome::Completed { .. })).count();
    let broken: Vec<&Outcome> =
        outcomes.iter().copied().filter(|o| matches!(o, Outcome::Broken { .. })).collect();
    let texted = trips.iter().filter(|t| t.made.phone.is_some()).count();
    let changes: usize = trips.iter().map(|t| t.made.changes.len()).sum();
    println!(
        "{fault}: {completed} sign-ins completed ({} numbers added), {} admin changes, {} started again, \
         {} broken, slowest answer {} ms",
        texted,
        changes,
        outcomes.len() - completed - broken.len(),
        broken.len(),
        slowest.as_millis()
    );
    for outcome in &outcomes {
        if let Outcome::Interrupted { step, why } = outcome {
            println!("  started again at {step}: {why}");
        }
    }
    for outcome in &broken {
        if let Outcome::Broken { step, why } = outcome {
            println!("  BROKEN at {step}: {why}");
        }
    }
    assert!(broken.is_empty(), "{fault}: {} broken", broken.len());
    assert!(slowest < PATIENCE, "{fault}: an answer took {slowest:?}");
    completed
}

/// After a fault: careid is ready again without a restart, a full round
/// completes, and nothing is lost.
async fn recovered(fault: &str, cluster: &Cluster, ledger: &mut Ledger) {
    for node in cluster.nodes.iter().filter(|n| cluster.alive().contains(&n.base)) {
        node.wait_ready(Duration::from_secs(30)).await;
    }
    let (trips, slowest) = round(cluster, 0).await;
    let completed = report(&format!("{fault}, after"), &trips, slowest);
    ledger.record(&trips);
    if completed < PEOPLE {
        // Without a fault careid may still answer 503 when the machine is too busy to
        // reach a store in time (a stall of seconds); those people start again, once.
        let again: Vec<Person> = people(cluster)
            .into_iter()
            .zip(&trips)
            .filter(|(_, trip)| !matches!(trip.outcome, Outcome::Completed { .. }))
            .map(|(person, _)| person)
            .collect();
        let (trips, slowest) = round_on(cluster.alive(), cluster.issuer.clone(), again, 0).await;
        let completed = report(&format!("{fault}, after, started again"), &trips, slowest);
        ledger.record(&trips);
        assert_eq!(completed, trips.len(), "{fault}: every sign-in completes again; {}", cluster.logs());
    }
    let lost = ledger.lost(&cluster.alive()).await;
    println!("{fault}: {}, {} lost", ledger.summary(), lost.len());
    assert!(lost.is_empty(), "{fault}: lost {lost:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_is_lost_when_stores_and_nodes_fail() {
    let dir = tempfile::Builder::new().prefix("careid-faults").tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let pg = Postgres::start(dir.path());
    let mut redis = Redis::start();
    let receiver = Receiver::start().await;
    let mut cluster = Cluster::start(dir.path(), &pg.url(), &redis.url(), &["a", "b"], Some(&receiver.uri));
    for node in &cluster.nodes {
        node.wait_ready(Duration::from_secs(60)).await;
    }
    seed(&cluster);
    let mut ledger = Ledger::open(&pg.url(), PEOPLE as i64 + 1, ADMIN).await;
    recovered("no fault", &cluster, &mut ledger).await;

    // PostgreSQL stops for 10 s: quick 503s naming the durable store, then recovery.
    pg.down();
    let down_since = Instant::now();
    let http = reqwest::Client::builder().timeout(PATIENCE * 2).build().unwrap();
    while down_since.elapsed() < Duration::from_secs(10) {
        for base in cluster.alive() {
            let asked = Instant::now();
            let response = http.get(format!("{base}/readyz")).send().await.unwrap();
            assert!(asked.elapsed() < PATIENCE, "readyz took {:?}", asked.elapsed());
            assert_eq!(response.status(), 503);
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(
                (body["durable"].as_str(), body["ephemeral"].as_str()),
                (Some("unavailable"), Some("ok"))
            );
        }
        let (trips, slowest) = round(&cluster, 1).await;
        report("PostgreSQL down", &trips, slowest);
        ledger.record(&trips);
    }
    pg.up();
    recovered("PostgreSQL down for 10 s", &cluster, &mut ledger).await;

    // Redis restarts in the middle of sign-ins: transactions may be lost, nothing durable.
    let failures_before: i64 = failed_logins(&pg.url(), &email(0)).await;
    let traffic = round(&cluster, 0);
    let restart = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        redis.down();
        tokio::time::sleep(Duration::from_secs(1)).await;
        redis.up();
    };
    let ((trips, slowest), ()) = tokio::join!(traffic, restart);
    report("Redis restart", &trips, slowest);
    ledger.record(&trips);
    recovered("Redis restart", &cluster, &mut ledger).await;
    assert_eq!(failed_logins(&pg.url(), &email(0)).await, failures_before, "durable counters stay");

    // A node is killed with SIGKILL in the middle of sign-ins; the other finishes them.
    let traffic = round(&cluster, 0);
    let kill = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        cluster.nodes[0].kill();
    };
    let ((trips, slowest), ()) = tokio::join!(traffic, kill);
    report("node a killed (SIGKILL)", &trips, slowest);
    ledger.record(&trips);
    recovered("node a killed", &cluster, &mut ledger).await;
    cluster.nodes[0].spawn();
    recovered("node a restarted", &cluster, &mut ledger).await;

    // SIGTERM under load: what is in flight finishes; the emails and back-channel logouts
    // queued on node b (the App's endpoint refusing for the moment) go out from node a.
    for i in 0..4 {
        let invitee = format!("invitee{i}@example.org");
        cluster.cli(&["invite", "--role", "patient", "--email", &invitee], "");
    }
    let leaving = leave_at_node_b(&cluster, &receiver, &mut ledger).await;
    let traffic = round(&cluster, 1);
    let terminate = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        cluster.nodes[1].terminate().await
    };
    let ((trips, slowest), exit) = tokio::join!(traffic, terminate);
    report("node b stopped (SIGTERM)", &trips, slowest);
    ledger.record(&trips);
    assert!(exit.success(), "a graceful stop exits 0: {exit:?}");
    receiver.refuse(false);
    recovered("node b stopped", &cluster, &mut ledger).await;
    wait_for_outbox(&pg.url()).await;
    println!("node b stopped: every queued email sent by node a");
    delivered_once(&receiver, &leaving).await;
}

/// Signs `LEAVERS` patients in and logs them out at node b while the App's
/// back-channel endpoint refuses, so node b queues each logout and its first
/// attempt fails; the sessions (`sid`) logged out.
async fn leave_at_node_b(cluster: &Cluster, receiver: &Receiver, ledger: &mut Ledger) -> Vec<String> {
    let (nodes, node_b) = (cluster.alive(), cluster.nodes[1].base.clone());
    let mut trips = Vec::new();
    for i in 0..LEAVERS {
        let person = Person::patient(&email(i), PASSWORD);
        // Starting again, as in the rounds after a fault, should a busy machine turn someone away.
        for _ in 0..3 {
            let trip = traffic::sign_in(&nodes, &cluster.issuer, 1, &person).await;
            if matches!(trip.outcome, Outcome::Completed { .. }) {
                trips.push(trip);
                break;
            }
        }
    }
    assert_eq!(trips.len(), LEAVERS, "every leaver signed in");
    ledger.record(&trips);
    receiver.refuse(true);
    let mut sids = Vec::new();
    for trip in &trips {
        let Outcome::Completed { id_token, .. } = &trip.outcome else { panic!("{:?}", trip.outcome) };
        let status = logouts::log_out(&trip.browser, &node_b, id_token).await.unwrap();
        assert_eq!(status, 200, "logged out at node b");
        sids.push(logouts::claims(id_token)["sid"].as_str().expect("an ID token with sid").to_string());
    }
    let tried = receiver.wait_until(Duration::from_secs(5), |r| r.refused() >= LEAVERS).await;
    assert!(
        tried,
        "each logout was tried (and refused) before node b stopped: {} refused",
        receiver.refused()
    );
    sids
}

/// Every session in `sids` is told of its logout exactly once, by the node left.
async fn delivered_once(receiver: &Receiver, sids: &[String]) {
    let all = receiver.wait_until(Duration::from_secs(20), |r| r.accepted().len() >= sids.len()).await;
    // A little longer, so a second delivery of the same logout would be seen.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let accepted = receiver.accepted();
    assert!(all, "{} of {} logouts delivered", accepted.len(), sids.len());
    let mut got: Vec<&str> = accepted.iter().map(|c| c["sid"].as_str().unwrap_or_default()).collect();
    let mut jtis: Vec<&str> = accepted.iter().map(|c| c["jti"].as_str().unwrap_or_default()).collect();
    let mut wanted: Vec<&str> = sids.iter().map(String::as_str).collect();
    got.sort_unstable();
    wanted.sort_unstable();
    assert_eq!(got, wanted, "one logout token per session logged out");
    jtis.sort_unstable();
    jtis.dedup();
    assert_eq!(jtis.len(), accepted.len(), "no logout token sent twice");
    println!(
        "node b stopped: {} back-channel logouts queued on it (its attempts refused), {} logout tokens \
         delivered by node a, one per session, 0 lost",
        sids.len(),
        accepted.len()
    );
}

async fn failed_logins(url: &str, email: &str) -> i64 {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    sqlx::query_scalar("SELECT failed_logins FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&pool)
        .await
        .unwrap()
}

/// Waits until no email is left unsent in the outbox.
async fn wait_for_outbox(url: &str) {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    for _ in 0..100 {
        let pending: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM email_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM email_outbox WHERE sent_at IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
        if pending == 0 && sent >= 4 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("queued emails were not sent");
}
