//! An operator manages clients and accounts with `careid clients` and `careid users`;
//! clients declared in configuration are created at start and updated on restart.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use careid::clients::ClientSpec;
use careid::clock::Clock;
use careid::config::Config;
use careid::secret::Secret;
use careid::{Options, Services};
use serde_json::Value;
use tempfile::TempDir;

use crate::kit::app::{shared_keys, test_config};
use crate::kit::cli::{assert_fails, careid, run, same_stores};

/// One operator's shell: every command runs on the same directory and stores.
struct Operator {
    stores: Command,
    dir: TempDir,
}

impl Operator {
    async fn new() -> Operator {
        let dir = tempfile::tempdir().unwrap();
        Operator { stores: careid(dir.path()).await, dir }
    }

    fn run(&self, args: &[&str]) -> Output {
        run(same_stores(&self.stores).args(args))
    }

    fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut cmd = same_stores(&self.stores);
        cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("careid runs");
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs a command that must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        succeeded(self.run(args))
    }

    fn show(&self, what: &str, id: &str) -> Value {
        serde_json::from_str(&self.ok(&[what, "show", id])).expect("show prints JSON")
    }

    /// The stores the commands used, opened in this process.
    async fn services(&self) -> Services {
        let database_url = self
            .stores
            .get_envs()
            .find(|(key, _)| *key == "CAREID_DATABASE_URL")
            .and_then(|(_, url)| Some(url?.to_str()?.to_owned()));
        let config = Config {
            data_dir: self.dir.path().join("data"),
            keys_dir: self.dir.path().join("keys"),
            database_url: database_url.map(Into::into),
            ..Config::default()
        };
        careid::open_services(config, Options::default()).await.expect("stores open")
    }
}

fn succeeded(output: Output) -> String {
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn all_output(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// The secret from the one `client secret (shown once): …` line.
fn shown_secret(stdout: &str) -> String {
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("client secret (shown once): ")).collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    lines[0].rsplit(' ').next().unwrap().to_string()
}

const PORTAL: [&str; 8] = [
    "clients",
    "add",
    "--id",
    "portal",
    "--name",
    "Clinician Portal",
    "--redirect-uri",
    "https://portal.example/cb",
];

#[tokio::test]
async fn a_confidential_client_gets_a_generated_secret_shown_once_and_stored_hashed() {
    let op = Operator::new().await;
    let added = op.ok(&[&PORTAL[..], &["--first-party"]].concat());
    let secret = shown_secret(&added);
    assert_eq!(secret.len(), 43, "256 bits, base64url");
    assert_eq!(added.matches(&secret).count(), 1);

    let shown = op.ok(&["clients", "show", "portal"]);
    assert!(!shown.contains(&secret), "{shown}");
    let fields: Value = serde_json::from_str(&shown).unwrap();
    assert!(fields.as_object().unwrap().keys().all(|k| !k.contains("secret")), "{shown}");
    let listed = op.ok(&["clients", "list"]);
    assert!(listed.contains("portal") && listed.contains("confidential") && !listed.contains(&secret));

    let services = op.services().await;
    let stored = services.store.client("portal").await.unwrap().unwrap();
    let hash = stored.secret_hash.expect("a hash is stored");
    assert!(services.secrets.verify(&secret, &hash));
    assert!(!String::from_utf8_lossy(&hash).contains(&secret));
}

#[tokio::test]
async fn a_secret_from_stdin_is_used_and_a_short_one_refused() {
    let op = Operator::new().await;
    let add = [&PORTAL[..], &["--secret-stdin"]].concat();
    assert_fails(&op.run_with_stdin(&add, "too-short\n"), 1, "at least 32 characters");
    assert_fails(&op.run(&["clients", "show", "portal"]), 1, "no client \"portal\"");

    let secret = "a-secret-the-operator-chose-of-40-chars!";
    let output = op.run_with_stdin(&add, &format!("{secret}\n"));
    assert!(!all_output(&output).contains(secret));
    assert!(!succeeded(output).contains("client secret"), "nothing generated");
    let stored = op.services().await;
    let hash = stored.store.client("portal").await.unwrap().unwrap().secret_hash.unwrap();
    assert!(stored.secrets.verify(secret, &hash), "the trailing newline is not part of the secret");
}

#[tokio::test]
async fn public_and_private_key_jwt_clients_get_no_secret() {
    let op = Operator::new().await;
    let added = op.ok(&[
        "clients",
        "add",
        "--id",
        "app",
        "--name",
        "Patient App",
        "--public",
        "--redirect-uri",
        "com.example.app:/cb",
    ]);
    assert!(!added.contains("client secret"), "{added}");
    let app = op.show("clients", "app");
    assert_eq!((app["public"].as_bool(), app["auth_method"].as_str()), (Some(true), Some("none")));

    let jwks = op.dir.path().join("jwks.json");
    let key = serde_json::json!({"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"});
    std::fs::write(&jwks, serde_json::json!({ "keys": [key] }).to_string()).unwrap();
    let added = op.ok(&[
        "clients",
        "add",
        "--id",
        "lab",
        "--name",
        "Lab",
        "--jwks-file",
        jwks.to_str().unwrap(),
        "--grant-type",
        "client_credentials",
    ]);
    assert!(!added.contains("client secret"), "{added}");
    assert_eq!(op.show("clients", "lab")["auth_method"], "private_key_jwt");
    assert_fails(&op.run(&["clients", "rotate-secret", "lab"]), 1, "not a secret");
}

#[tokio::test]
async fn clients_round_trip_through_list_show_update_and_remove() {
    let op = Operator::new().await;
    op.ok(&[&PORTAL[..], &["--first-party", "--access-token-ttl", "300", "--id-token-alg", "ES256"]].concat());
    op.ok(&[
        "clients",
        "update",
        "--id",
        "portal",
        "--name",
        "Portal",
        "--scope",
        "openid",
        "--scope",
        "email",
        "--allowed-role",
        "clinician",
        "--redirect-uri",
        "https://portal.example/a",
        "--redirect-uri",
        "https://portal.example/b",
        "--no-first-party",
    ]);
    let portal = op.show("clients", "portal");
    assert_eq!(portal["name"], "Portal");
    assert_eq!(portal["allowed_scopes"], serde_json::json!(["openid", "email"]));
    assert_eq!(portal["allowed_roles"], serde_json::json!(["clinician"]));
    assert_eq!(
        portal["redirect_uris"],
        serde_json::json!(["https://portal.example/a", "https://portal.example/b"])
    );
    assert_eq!(portal["first_party"], false);
    assert_eq!(
        (portal["access_token_ttl"].as_i64(), portal["id_token_alg"].as_str()),
        (Some(300), Some("ES256"))
    );

    op.ok(&["clients", "update", "portal", "--clear-allowed-roles"]);
    assert_eq!(op.show("clients", "portal")["allowed_roles"], serde_json::json!([]));
    let listed = op.ok(&["clients", "list"]);
    assert!(listed.lines().any(|l| l.starts_with("portal ") && l.trim_end().ends_with(" 2 all")), "{listed}");

    op.ok(&["clients", "remove", "--id", "portal"]);
    assert!(!op.ok(&["clients", "list"]).contains("portal"));
    assert_fails(&op.run(&["clients", "show", "portal"]), 1, "no client \"portal\"");
}

#[tokio::test]
async fn rotate_secret_prints_a_new_secret_once_and_the_old_one_stops_working() {
    let op = Operator::new().await;
    let old = shown_secret(&op.ok(&PORTAL));
    let new = shown_secret(&op.ok(&["clients", "rotate-secret", "--id", "portal"]));
    assert_ne!(old, new);
    let services = op.services().await;
    let hash = services.store.client("portal").await.unwrap().unwrap().secret_hash.unwrap();
    assert!(services.secrets.verify(&new, &hash) && !services.secrets.verify(&old, &hash));

    let rotate = ["clients", "rotate-secret", "portal", "--secret-stdin"];
    assert_fails(&op.run_with_stdin(&rotate, "short\n"), 1, "at least 32 characters");
    let output = op.run_with_stdin(&rotate, &format!("{}\n", "s".repeat(32)));
    assert!(!succeeded(output).contains("shown once"));
}

#[tokio::test]
async fn adding_an_existing_id_fails_and_unknown_ids_are_named() {
    let op = Operator::new().await;
    op.ok(&PORTAL);
    assert_fails(&op.run(&PORTAL), 1, "client portal already exists; use update");
    for command in ["show", "update", "remove", "rotate-secret"] {
        assert_fails(&op.run(&["clients", command, "ghost"]), 1, "no client \"ghost\"");
    }
}

#[tokio::test]
async fn an_invalid_redirect_uri_is_refused_with_the_reason() {
    let op = Operator::new().await;
    let mut add = PORTAL;
    add[7] = "http://portal.example/cb";
    assert_fails(&op.run(&add), 1, "must use https");
    op.ok(&PORTAL);
    let update = ["clients", "update", "portal", "--redirect-uri", "https://portal.example/cb#x"];
    assert_fails(&op.run(&update), 1, "must not have a fragment");
    assert_eq!(
        op.show("clients", "portal")["redirect_uris"],
        serde_json::json!(["https://portal.example/cb"])
    );
}

const PASSWORD: &str = "correct horse battery staple";

#[tokio::test]
async fn accounts_are_added_listed_shown_disabled_enabled_and_unlocked() {
    let op = Operator::new().await;
    let add = ["users", "add", "--email", "Ann.Lee@Example.com", "--name", "Ann Lee", "--role", "clinician"];
    let output = op.run_with_stdin(&[&add[..], &["--password-stdin", "--email-verified"]].concat(), PASSWORD);
    assert!(!all_output(&output).contains(PASSWORD));
    succeeded(output);
    op.ok(&["users", "add", "--email", "pat@example.com", "--name", "Pat", "--role", "patient"]);

    let listed = op.ok(&["users", "list", "--deployment", "default"]);
    assert!(listed.contains("ann.lee@example.com") && listed.contains("pat@example.com"), "{listed}");
    let ann = op.ok(&["users", "show", "ann.lee@example.com"]);
    assert!(!ann.contains(PASSWORD) && !ann.contains("argon2"), "{ann}");
    let ann: Value = serde_json::from_str(&ann).unwrap();
    assert_eq!((ann["role"].as_str(), ann["deployment"].as_str()), (Some("clinician"), Some("default")));
    assert_eq!((ann["has_password"].as_bool(), ann["email_verified"].as_bool()), (Some(true), Some(true)));
    assert_eq!(op.show("users", "pat@example.com")["has_password"], false, "set later by invitation");

    op.ok(&["users", "disable", "ANN.LEE@example.com"]);
    assert_eq!(op.show("users", "ann.lee@example.com")["status"], "disabled");
    op.ok(&["users", "enable", "ann.lee@example.com"]);
    assert_eq!(op.show("users", "ann.lee@example.com")["status"], "active");

    let services = op.services().await;
    let id = ann["id"].as_str().unwrap();
    services.store.record_login_failure(id, 1, services.clock.now() + 3600).await.unwrap();
    assert_eq!(op.show("users", "ann.lee@example.com")["locked"], true);
    services.store.record_sms_failure(id, 1, services.clock.now() + 3600).await.unwrap();
    let ann = op.show("users", "ann.lee@example.com");
    assert_eq!(
        (ann["second_step_locked"].as_bool(), ann["second_step_failures"].as_i64()),
        (Some(true), Some(1))
    );
    assert_eq!((ann["recovery_codes_left"].as_i64(), ann["passkeys"].as_i64()), (Some(0), Some(0)));
    op.ok(&["users", "unlock", "ann.lee@example.com"]);
    let ann = op.show("users", "ann.lee@example.com");
    assert_eq!((ann["locked"].as_bool(), ann["failed_logins"].as_i64()), (Some(false), Some(0)));
    assert_eq!(
        (ann["second_step_locked"].as_bool(), ann["second_step_failures"].as_i64()),
        (Some(false), Some(0))
    );
    assert_fails(&op.run(&["users", "show", "nobody@example.com"]), 1, "no account \"nobody@example.com\"");
}

#[tokio::test]
async fn bad_accounts_are_refused_with_the_reason_and_no_password_in_sight() {
    let op = Operator::new().await;
    let add = |email: &'static str, role: &'static str, more: &[&'static str]| {
        [&["users", "add", "--email", email, "--name", "Ann", "--role", role, "--password-stdin"][..], more]
            .concat()
    };
    succeeded(op.run_with_stdin(&add("ann@example.com", "clinician", &[]), PASSWORD));
    let cases = [
        (
            add("ANN@example.com", "patient", &[]),
            PASSWORD.to_string(),
            "an account with this email already exists",
        ),
        (add("bob@example.com", "nurse", &[]), PASSWORD.to_string(), "unknown role \"nurse\""),
        (
            add("bob@example.com", "patient", &["--deployment", "mars"]),
            PASSWORD.to_string(),
            "no deployment \"mars\"",
        ),
        // The password rule of sign-up: 15 characters where the password may
        // be the only factor, 8 where the role always adds a second one.
        (add("bob@example.com", "patient", &[]), "seven77 eight".to_string(), "at least 15 characters"),
        (add("bob@example.com", "clinician", &[]), "seven77".to_string(), "at least 8 characters"),
        (add("bob@example.com", "patient", &[]), "x".repeat(129), "at most 128 characters"),
        (add("bob@example.com", "clinician", &[]), "password123".to_string(), "most commonly used"),
        (add("bob@", "patient", &[]), PASSWORD.to_string(), "not an email address"),
    ];
    for (args, password, reason) in cases {
        let output = op.run_with_stdin(&args, &password);
        assert!(!all_output(&output).contains(&password), "{reason}");
        assert_fails(&output, 1, reason);
    }
    let listed = op.ok(&["users", "list"]);
    assert_eq!(listed.lines().count(), 2, "header and ann only: {listed}");
}

#[tokio::test]
async fn clients_declared_in_configuration_are_created_at_start_and_updated_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "a-declared-secret-of-at-least-32-chars";
    let mut config = test_config(dir.path()).await;
    config.clients = vec![ClientSpec {
        id: "portal".into(),
        name: "Portal".into(),
        secret: Some(Secret::new(secret)),
        redirect_uris: vec!["https://portal.example/cb".into()],
        ..ClientSpec::default()
    }];
    let clock = Clock::system();
    let options = || Options { clock: clock.clone(), initial_keys: Some(shared_keys()) };
    let first = careid::build(config.clone(), options()).await.unwrap();
    let created = first.state.store.client("portal").await.unwrap().expect("created at start");
    assert_eq!(created.name, "Portal");
    drop(first);

    clock.advance(60);
    config.clients[0].name = "Clinician Portal".into();
    config.clients[0].redirect_uris.push("https://portal.example/cb2".into());
    let second = careid::build(config, options()).await.unwrap();
    let clients: Vec<_> = second
        .state
        .store
        .list_clients()
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.id != careid::account::ACCOUNT_CLIENT_ID)
        .collect();
    assert_eq!(clients.len(), 1, "no duplicate from the restart");
    let updated = &clients[0];
    assert_eq!(updated.name, "Clinician Portal");
    assert_eq!(updated.redirect_uris.len(), 2);
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at >= created.updated_at + 60);
    assert!(second.state.secrets.verify(secret, updated.secret_hash.as_deref().unwrap()));
}

#[tokio::test]
async fn new_public_clients_require_dpop_unless_told_otherwise() {
    let op = Operator::new().await;
    let public = |id: &'static str| {
        ["clients", "add", "--id", id, "--name", "App", "--public", "--redirect-uri", "com.example.app:/cb"]
    };
    op.ok(&public("app"));
    assert_eq!(op.show("clients", "app")["require_dpop"], true);
    op.ok(&[&public("bearer")[..], &["--no-require-dpop"]].concat());
    assert_eq!(op.show("clients", "bearer")["require_dpop"], false);
    op.ok(&["clients", "update", "app", "--no-require-dpop"]);
    assert_eq!(op.show("clients", "app")["require_dpop"], false, "an update may turn it off");
    op.ok(&["clients", "update", "app", "--name", "Renamed"]);
    assert_eq!(op.show("clients", "app")["require_dpop"], false, "other updates keep it");
    op.ok(&[
        "clients",
        "add",
        "--id",
        "portal",
        "--name",
        "Portal",
        "--redirect-uri",
        "https://portal.example/cb",
    ]);
    assert_eq!(op.show("clients", "portal")["require_dpop"], false, "confidential clients choose");
    op.ok(&["clients", "update", "portal", "--require-dpop"]);
    assert_eq!(op.show("clients", "portal")["require_dpop"], true);
    let both = op.run(&["clients", "update", "portal", "--require-dpop", "--no-require-dpop"]);
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));
}
