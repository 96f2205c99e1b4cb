//! A Redis restart loses only what is ephemeral: careid answers 503 while
//! Redis is down, reconnects by itself, and the durable count of wrong
//! second-factor codes carries on where it was (a restart never resets it).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use careid::accounts::Role;
use reqwest::StatusCode;

use crate::browser::Browser;
use crate::flows::{CLINICIAN, PASSWORD};
use crate::helpers::TestApp;
use crate::sms_signin::{last_code, portal_url, spawn, submit_code, to_code_page};

/// A private redis-server on `port` that keeps nothing on disk.
fn start_redis(port: u16) -> Child {
    Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server is installed (.ci/run installs it)")
}

async fn wait_until(what: &str, mut ready: impl AsyncFnMut() -> bool) {
    for _ in 0..100 {
        if ready().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} within 10 s");
}

async fn readyz(app: &TestApp) -> StatusCode {
    app.get("/readyz").await.status()
}

#[tokio::test]
async fn a_redis_restart_keeps_the_durable_failure_count_and_careid_reconnects() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut redis = start_redis(port);
    let url = format!("redis://127.0.0.1:{port}/");
    wait_until("redis accepts connections", async || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    })
    .await;
    let app = spawn(|c| {
        c.redis_url = Some(url);
        c.redis_prefix = "careid-restart-test:".into();
    })
    .await;
    app.add_user(CLINICIAN, PASSWORD, Role::Clinician).await;
    let browser = Browser::new(&app);
    let page = to_code_page(&app, &browser, &portal_url(&app, &[]), CLINICIAN).await;
    let wrong = if last_code(&app) == "000000" { "111111" } else { "000000" };
    for _ in 0..2 {
        assert_eq!(submit_code(&browser, &page, wrong).await.page().0, StatusCode::UNAUTHORIZED);
    }

    redis.kill().unwrap();
    redis.wait().unwrap();
    assert_eq!(readyz(&app).await, StatusCode::SERVICE_UNAVAILABLE);
    let (status, _, body) = Browser::new(&app).visit(&portal_url(&app, &[])).await.page();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "a clear 503, never a 500: {body}");

    let mut redis = start_redis(port);
    wait_until("careid reconnects to Redis", async || readyz(&app).await == StatusCode::OK).await;
    let user = app.state.store.user_by_email(CLINICIAN).await.unwrap().unwrap();
    assert_eq!(user.sms_failures, 2, "the count lives in the durable store");

    // Sessions and codes were ephemeral: sign in again; the count goes on from 2.
    let again = Browser::new(&app);
    let page = to_code_page(&app, &again, &portal_url(&app, &[]), CLINICIAN).await;
    let wrong = if last_code(&app) == "000000" { "111111" } else { "000000" };
    assert_eq!(submit_code(&again, &page, wrong).await.page().0, StatusCode::UNAUTHORIZED);
    let user = app.state.store.user_by_email(CLINICIAN).await.unwrap().unwrap();
    assert_eq!(user.sms_failures, 3);
    let params = submit_code(&again, &page, &last_code(&app)).await.params();
    assert!(params.contains_key("code"), "{params:?}");
    redis.kill().unwrap();
    redis.wait().unwrap();
}
