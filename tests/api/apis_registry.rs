//! An operator registers the platform's APIs with `careid apis` or `[[apis]]`:
//! scopes unique across APIs and apart from careid's own, clients allowed
//! them, and an API in use cannot be removed or narrowed under its clients.

use careid::apis::ApiSpec;
use careid::apis::registry::{self, SecretChange};
use careid::clients::ClientSpec;
use serde_json::{Value, json};

use crate::kit::apis::RECORDS;
use crate::kit::cli::{assert_fails, careid, run};
use crate::kit::oauth::Client;
use crate::kit::{TestApp, join_all, text};

const BENCH_SECRET: &str = "bench-secret-0123456789-abcdefghijklm";
const BENCH: Client = Client::confidential("bench", "https://bench.example/cb", BENCH_SECRET);
const API_SECRET: &str = "an-api-secret-0123456789-abcdefghijkl";

async fn with_bench() -> TestApp {
    let app = TestApp::spawn().await;
    app.add_client(json!({
        "id": "bench", "name": "Benchmark", "secret": BENCH_SECRET, "grant_types": ["client_credentials"],
        "allowed_scopes": ["careid:invite"]
    }))
    .await;
    app
}

fn add_records(app: &TestApp) -> String {
    let args = [
        "apis",
        "add",
        "--id",
        RECORDS,
        "--name",
        "Records API",
        "--scope",
        "records.read",
        "--scope",
        "records.write",
    ];
    app.operator(&args)
}

fn show(app: &TestApp, what: &str, id: &str) -> Value {
    serde_json::from_str(&app.operator(&[what, "show", id])).expect("show prints JSON")
}

#[tokio::test]
async fn once_an_api_defines_a_scope_a_client_may_be_allowed_it() {
    let app = with_bench().await;
    let refused = app.operator_refused(&["clients", "update", "bench", "--scope", "records.read"]);
    assert!(refused.contains("unknown scope \"records.read\""), "{refused}");
    let added = add_records(&app);
    assert!(
        added.contains("added API https://api.example/records (ES256, scopes records.read records.write"),
        "{added}"
    );
    app.operator(&["clients", "update", "bench", "--scope", "records.read"]);
    let (status, body) = app.client_token(&BENCH, &[("resource", RECORDS), ("scope", "records.read")]).await;
    assert_eq!(status, 200, "{body}");
    let claims = app.access_claims(text(&body, "access_token"));
    assert_eq!((claims["aud"].as_str(), claims["scope"].as_str()), (Some(RECORDS), Some("records.read")));
}

#[tokio::test]
async fn apis_round_trip_through_list_show_update_and_remove() {
    let app = TestApp::spawn().await;
    app.operator(&[
        "apis",
        "add",
        "--id",
        RECORDS,
        "--name",
        "Records API",
        "--scope",
        "records.read",
        "--scope",
        "records.write",
        "--scope-description",
        "records.read=Read your health records",
        "--access-token-ttl",
        "300",
        "--alg",
        "EdDSA",
    ]);
    let listed = app.operator(&["apis", "list"]);
    assert!(
        listed
            .lines()
            .any(|l| l.contains(RECORDS) && l.contains("EdDSA") && l.contains("records.read records.write")),
        "{listed}"
    );
    let shown = show(&app, "apis", RECORDS);
    assert_eq!(
        shown["scopes"][0],
        json!({"name": "records.read", "description": "Read your health records"})
    );
    assert_eq!(shown["scopes"][1], json!({"name": "records.write", "description": "Use records.write"}));
    assert_eq!((shown["alg"].as_str(), shown["access_token_ttl"].as_i64()), (Some("EdDSA"), Some(300)));
    assert_eq!(shown["introspection"], "none");
    assert!(shown.get("secret_hash").is_none() && shown.get("secret").is_none(), "{shown}");

    app.operator(&[
        "apis",
        "update",
        RECORDS,
        "--name",
        "Health Records",
        "--scope",
        "records.read",
        "--scope",
        "records.write",
        "--scope",
        "records.share",
        "--clear-access-token-ttl",
        "--alg",
        "ES256",
    ]);
    let shown = show(&app, "apis", RECORDS);
    assert_eq!(shown["name"], "Health Records");
    assert_eq!(shown["scopes"].as_array().unwrap().len(), 3);
    assert_eq!(shown["scopes"][0]["description"], "Read your health records", "kept");
    assert_eq!((shown["alg"].as_str(), shown["access_token_ttl"].as_i64()), (Some("ES256"), None));

    app.operator_with_stdin(
        &["apis", "update", "--id", RECORDS, "--secret-stdin"],
        &format!("{API_SECRET}\n"),
    );
    assert_eq!(show(&app, "apis", RECORDS)["introspection"], "client_secret_basic");
    let (status, body) = app.introspect("nonsense", Some((RECORDS, API_SECRET))).await;
    assert_eq!((status, body), (200, json!({"active": false})));
    app.operator(&["apis", "update", RECORDS, "--clear-secret"]);
    assert_eq!(show(&app, "apis", RECORDS)["introspection"], "none");
    assert_eq!(app.introspect("nonsense", Some((RECORDS, API_SECRET))).await.0, 401);

    assert!(app.operator(&["apis", "remove", RECORDS]).contains("removed API"));
    assert!(app.operator_refused(&["apis", "show", RECORDS]).contains("no API"));
    assert!(!app.operator(&["apis", "list"]).contains(RECORDS));
}

#[tokio::test]
async fn an_api_in_use_is_neither_removed_nor_narrowed_under_its_clients() {
    let app = with_bench().await;
    add_records(&app);
    app.operator(&["clients", "update", "bench", "--scope", "records.read"]);
    app.operator(&[
        "clients",
        "add",
        "--id",
        "viewer",
        "--name",
        "Viewer",
        "--grant-type",
        "client_credentials",
        "--scope",
        "records.write",
        "--default-resource",
        RECORDS,
    ]);
    assert_eq!(show(&app, "clients", "viewer")["default_resource"], RECORDS);
    let refused = app.operator_refused(&["apis", "remove", RECORDS]);
    assert!(refused.contains("still used by clients bench, viewer"), "{refused}");
    let refused = app.operator_refused(&["apis", "update", RECORDS, "--scope", "records.write"]);
    assert!(refused.contains("clients bench are allowed scopes it would drop (records.read)"), "{refused}");
    let refused = app.operator_refused(&["clients", "update", "viewer", "--scope", "careid:invite"]);
    assert!(refused.contains("default_resource"), "a default API needs one of its scopes: {refused}");

    app.operator(&["clients", "update", "bench", "--scope", "careid:invite"]);
    app.operator(&["clients", "update", "viewer", "--scope", "careid:invite", "--clear-default-resource"]);
    app.operator(&["apis", "remove", RECORDS]);
    assert!(app.state.store.api(RECORDS).await.unwrap().is_none());
}

#[tokio::test]
async fn scopes_are_unique_across_apis_and_apart_from_careids() {
    let app = with_bench().await;
    app.add_client(json!({"id": "https://client.example", "name": "URI client", "secret": BENCH_SECRET,
        "grant_types": ["client_credentials"]}))
        .await;
    add_records(&app);
    let base = app.base.clone();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--id", "https://api.example/other", "--scope", "records.read"],
            "scope records.read belongs to API https://api.example/records",
        ),
        (vec!["--id", "https://api.example/other", "--scope", "openid"], "careid's own"),
        (vec!["--id", "https://api.example/other", "--scope", "a\\b"], "no spaces, quotes"),
        (vec!["--id", "records", "--scope", "x.read"], "absolute URI"),
        (vec!["--id", "https://api.example/other#f", "--scope", "x.read"], "fragment"),
        (vec!["--id", &base, "--scope", "x.read"], "careid's own issuer"),
        (vec!["--id", "https://client.example", "--scope", "x.read"], "a client has this id"),
        (vec!["--id", RECORDS, "--scope", "x.read"], "already exists"),
        (
            vec!["--id", "https://api.example/other", "--scope", "x.read", "--access-token-ttl", "0"],
            "access_token_ttl",
        ),
        (
            vec!["--id", "https://api.example/other", "--scope", "x.read", "--scope-description", "y=Why"],
            "not one of its scopes",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["apis", "add", "--name", "Other"];
        all.extend(args.iter().copied());
        let refused = app.operator_refused(&all);
        assert!(refused.contains(needle), "{args:?}: {refused}");
    }
    let args = [
        "apis",
        "add",
        "--id",
        "https://api.example/other",
        "--name",
        "Other",
        "--scope",
        "x.read",
        "--secret-stdin",
    ];
    assert_fails(&app.careid_with_stdin(&args, "short\n"), 1, "at least 32 characters");
    let refused = app.operator_refused(&[
        "clients",
        "add",
        "--id",
        RECORDS,
        "--name",
        "Clash",
        "--public",
        "--redirect-uri",
        "https://x.example/cb",
    ]);
    assert!(refused.contains("an API has this id"), "{refused}");
}

#[tokio::test]
async fn concurrent_registrations_of_one_scope_leave_it_with_one_api() {
    let app = TestApp::spawn().await;
    for round in 0..4 {
        let scope = format!("shared{round}.read");
        let tasks = (0..2).map(|i| {
            let state = app.state.clone();
            let spec = ApiSpec {
                id: format!("https://api.example/race{round}-{i}"),
                name: format!("Race {i}"),
                scopes: vec![scope.clone()],
                ..ApiSpec::default()
            };
            tokio::spawn(async move {
                registry::save(
                    &state.store,
                    &state.secrets,
                    spec,
                    SecretChange::Keep,
                    state.config.issuer_str(),
                    0,
                )
                .await
            })
        });
        let results = join_all(tasks).await;
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "round {round}: {:?}",
            results.iter().map(|r| r.as_ref().err().map(ToString::to_string)).collect::<Vec<_>>()
        );
        let owners: Vec<_> =
            app.state.store.list_apis().await.unwrap().into_iter().filter(|a| a.has_scope(&scope)).collect();
        assert_eq!(owners.len(), 1);
    }
}

#[tokio::test]
async fn the_help_lists_the_apis_commands() {
    let app = TestApp::spawn().await;
    let help = app.operator(&["--help"]);
    assert!(help.contains("apis") && help.contains("APIs (resource servers)"), "{help}");
    let help = app.operator(&["apis", "--help"]);
    for command in ["add", "list", "show", "update", "remove"] {
        assert!(help.contains(command), "{help}");
    }
    let help = app.operator(&["apis", "add", "--help"]);
    for flag in [
        "--id",
        "--name",
        "--scope",
        "--scope-description",
        "--access-token-ttl",
        "--alg",
        "--secret-stdin",
        "--jwks-file",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
    assert!(app.operator(&["clients", "add", "--help"]).contains("--default-resource"));
}

#[tokio::test]
async fn apis_declared_in_configuration_are_synced_at_start_before_clients() {
    let api: ApiSpec = serde_json::from_value(json!({
        "id": RECORDS, "name": "Records API", "scopes": ["records.read", "records.write"],
        "scope_descriptions": {"records.read": "Read your health records"}, "secret": API_SECRET
    }))
    .unwrap();
    let client: ClientSpec = serde_json::from_value(json!({
        "id": "bench", "name": "Benchmark", "secret": BENCH_SECRET, "grant_types": ["client_credentials"],
        "allowed_scopes": ["records.read"], "default_resource": RECORDS
    }))
    .unwrap();
    let app = TestApp::spawn_with(|c| {
        c.apis = vec![api];
        c.clients = vec![client];
    })
    .await;
    let (status, body) = app.client_token(&BENCH, &[]).await;
    assert_eq!(status, 200, "{body}");
    let token = text(&body, "access_token");
    assert_eq!(app.access_claims(token)["aud"], RECORDS, "the client's default resource");
    let (status, seen) = app.introspect(token, Some((RECORDS, API_SECRET))).await;
    assert_eq!((status, seen["active"].as_bool()), (200, Some(true)), "{seen}");
}

#[tokio::test]
async fn a_bad_declared_api_stops_start_up_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("careid.toml");
    let cases = [
        ("[[apis]]\nid = \"https://api.example/x\"\nname = \"X\"\nscopes = [\"openid\"]\n", "careid's own"),
        (
            "[[apis]]\nid = \"https://api.example/x\"\nname = \"X\"\nscopes = [\"x\"]\ncolour = \"red\"\n",
            "colour",
        ),
        (
            "[[apis]]\nid = \"https://api.example/x\"\nname = \"X\"\nscopes = [\"x\"]\n\
             [[apis]]\nid = \"https://api.example/y\"\nname = \"Y\"\nscopes = [\"x\"]\n",
            "belongs to API https://api.example/x",
        ),
    ];
    for (toml, needle) in cases {
        std::fs::write(&file, toml).unwrap();
        let mut cmd = careid(dir.path()).await;
        cmd.arg("--config").arg(&file).args(["apis", "list"]);
        assert_fails(&run(&mut cmd), 2, needle);
    }
}
