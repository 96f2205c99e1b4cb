//! A Redis restart loses only what is ephemeral: careid answers 503 while
//! Redis is down, reconnects by itself, and the durable count of wrong
//! second-factor codes carries on where it was (a restart never resets it).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;

use crate::kit::{Browser, CLINICIAN, PORTAL, TestApp};

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
    let app = TestApp::two_step(|c| {
        c.redis_url = Some(url.into());
        c.redis_cluster = false;
        c.redis_prefix = "careid-restart-test:".into();
    })
    .await;
    app.add_clinician(CLINICIAN).await;
    let (browser, page) = app.at_portal_code_page(CLINICIAN).await;
    let wrong = app.wrong_code();
    for _ in 0..2 {
        assert_eq!(browser.submit_code(&page, wrong).await.page().0, StatusCode::UNAUTHORIZED);
    }

    redis.kill().unwrap();
    redis.wait().unwrap();
    assert_eq!(readyz(&app).await, StatusCode::SERVICE_UNAVAILABLE);
    let (status, _, body) = Browser::new(&app).visit(&app.authorize_url(&PORTAL, &[])).await.page();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "a clear 503, never a 500: {body}");

    let mut redis = start_redis(port);
    wait_until("careid reconnects to Redis", async || readyz(&app).await == StatusCode::OK).await;
    assert_eq!(app.user(CLINICIAN).await.sms_failures, 2, "the count lives in the durable store");

    // Sessions and codes were ephemeral: sign in again; the count goes on from 2.
    let (again, page) = app.at_portal_code_page(CLINICIAN).await;
    assert_eq!(again.submit_code(&page, app.wrong_code()).await.page().0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.user(CLINICIAN).await.sms_failures, 3);
    let params = again.submit_code(&page, &app.last_code()).await.params();
    assert!(params.contains_key("code"), "{params:?}");
    redis.kill().unwrap();
    redis.wait().unwrap();
}
