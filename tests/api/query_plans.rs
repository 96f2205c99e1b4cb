//! Every lookup on a hot path uses an index, so a region of a million people
//! costs what an empty database does (issue 16). On PostgreSQL, with whole-table
//! scans priced out (`enable_seqscan = off`: the planner scans a table only
//! when no index serves the query), a node's traffic (password sign-in, code
//! exchange, refresh, userinfo, introspection, client_credentials, revocation,
//! logout) and one round of each periodic sweep (expired grants, verification
//! reminders, due emails and back-channel logouts) must leave every table's
//! `seq_scan` counter where start-up left it.
//!
//! The counters are read after each node is gone (a backend flushes its
//! statistics when it exits): node A migrates and warms up; node B only starts
//! (what start-up scans); node C starts and runs the traffic. Traffic's own
//! scans are (C − B) − (B − A's end).

use std::collections::BTreeMap;

use careid::config::Config;

use crate::kit::app::fresh_database_url;
use crate::kit::{CLINICIAN, PORTAL, TestApp, text};

type Counters = BTreeMap<String, i64>;

#[tokio::test]
async fn hot_paths_never_scan_a_whole_table_on_postgresql() {
    let Some(url) = fresh_database_url().await else {
        eprintln!("query plans are PostgreSQL's: set CAREID_TEST_DATABASE_URL");
        return;
    };
    let schema = url.split("search_path%3D").nth(1).expect("the kit names the schema").to_string();
    let url = url.replace("options=", "options=-c%20enable_seqscan%3Doff%20")
        + &format!("&application_name={schema}");
    let base = std::env::var("CAREID_TEST_DATABASE_URL").expect("checked above");
    let mut watcher = <sqlx::PgConnection as sqlx::Connection>::connect(&base).await.unwrap();

    // Every node seals and opens the signing keys with one key-encryption key.
    let keys = tempfile::tempdir().unwrap();
    let node = |url: String| {
        let keys_dir = keys.path().to_path_buf();
        async move {
            TestApp::spawn_with(|config: &mut Config| {
                config.database_url = Some(url.into());
                config.keys_dir = keys_dir;
            })
            .await
        }
    };
    let warm = node(url.clone()).await;
    traffic(&warm, true).await;
    let after_a = counters_once_gone(warm, &mut watcher, &schema).await;
    let idle = node(url.clone()).await;
    let after_b = counters_once_gone(idle, &mut watcher, &schema).await;
    let busy = node(url.clone()).await;
    traffic(&busy, false).await;
    let after_c = counters_once_gone(busy, &mut watcher, &schema).await;

    let scanned: Vec<(String, i64)> = after_c
        .iter()
        .map(|(table, c)| {
            let (a, b) = (after_a.get(table).copied().unwrap_or(0), after_b[table]);
            (table.clone(), (c - b) - (b - a))
        })
        .filter(|(_, scans)| *scans != 0)
        .collect();
    assert!(scanned.is_empty(), "tables scanned whole by the hot paths: {scanned:?}");
    assert!(after_c.contains_key("users") && after_c.contains_key("grants"), "{after_c:?}");
}

/// One of each hot path; `first` also creates what the paths read.
async fn traffic(app: &TestApp, first: bool) {
    if first {
        app.add_portal(serde_json::json!({ "grant_types": ["authorization_code", "refresh_token", "client_credentials"] }))
            .await;
        app.add_clinician(CLINICIAN).await;
    }
    let tokens = app.sign_in(&PORTAL, CLINICIAN).scope("openid email offline_access").tokens().await;
    let (status, refreshed) = app.refresh(&PORTAL, text(&tokens, "refresh_token")).await;
    assert_eq!(status, 200, "{refreshed}");
    let access = text(&refreshed, "access_token");
    let userinfo = app.client.get(app.url("/userinfo")).bearer_auth(access).send().await.unwrap();
    assert_eq!(userinfo.status(), 200);
    assert!(app.is_active(access).await);
    let (status, body) = app.token_request_as(&PORTAL, &[("grant_type", "client_credentials")]).await;
    assert_eq!(status, 200, "{body}");
    let revoked = app.revoke(&[("token", text(&refreshed, "refresh_token"))], PORTAL.basic()).await;
    assert_eq!(revoked.status(), 200);
    let (store, now) = (&app.state.store, app.clock.now());
    store.purge_expired_grants(now).await.unwrap();
    store.users_to_remind(now, 86_400, 100).await.unwrap();
    store.due_emails(now, 100).await.unwrap();
    store.due_deliveries(now, 100).await.unwrap();
}

/// The table → seq_scan counters of `schema`, read once `app`'s connections are closed.
async fn counters_once_gone(app: TestApp, watcher: &mut sqlx::PgConnection, schema: &str) -> Counters {
    drop(app);
    for _ in 0..200 {
        let open: i64 =
            sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1")
                .bind(schema)
                .fetch_one(&mut *watcher)
                .await
                .unwrap();
        if open == 0 {
            sqlx::query("SELECT pg_stat_clear_snapshot()").execute(&mut *watcher).await.unwrap();
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT relname::text, seq_scan FROM pg_stat_user_tables WHERE schemaname = $1",
            )
            .bind(schema)
            .fetch_all(&mut *watcher)
            .await
            .unwrap();
            return rows.into_iter().collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the node's database connections stayed open");
}
