//! Limits at the edge, over real sockets: header size and count, a client
//! trickling its headers, a request slower than the timeout, too many open
//! connections, and the per-IP limit on POSTs without a bearer token.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::kit::{TestApp, join_all};

/// Sends `request` on a new connection; everything read until the server
/// closes it, or until `wait` passes.
async fn exchange(app: &TestApp, request: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    read_until_closed(&mut stream, wait).await.0
}

/// What the server sent until it closed the connection, and whether it did
/// within `wait`.
async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> (String, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&out).into_owned(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&out).into_owned(), false),
        }
    }
}

fn get_with_headers(headers: &str) -> Vec<u8> {
    format!("GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n{headers}\r\n").into_bytes()
}

#[tokio::test]
async fn headers_past_the_size_or_count_limit_are_answered_431() {
    let app = TestApp::spawn_with(|c| {
        c.http.max_header_bytes = 16 * 1024;
        c.http.max_headers = 20;
    })
    .await;
    let wait = Duration::from_secs(5);
    let fits = exchange(&app, &get_with_headers(&format!("x-big: {}\r\n", "a".repeat(8 * 1024))), wait).await;
    assert!(fits.starts_with("HTTP/1.1 200"), "{fits}");
    let big = exchange(&app, &get_with_headers(&format!("x-big: {}\r\n", "a".repeat(20 * 1024))), wait).await;
    assert!(big.starts_with("HTTP/1.1 431"), "{big}");
    let many: String = (0..25).map(|i| format!("x-h{i}: v\r\n")).collect();
    let many = exchange(&app, &get_with_headers(&many), wait).await;
    assert!(many.starts_with("HTTP/1.1 431"), "{many}");
    // The server is still well afterwards.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_dropped() {
    let app = TestApp::spawn_with(|c| c.http.header_read_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let started = Instant::now();
    let mut dropped = false;
    for byte in b"GET /healthz HTTP/1.1\r\nhost: localhost\r\nx-slow: ".iter().cycle().take(40) {
        if stream.write_all(&[*byte]).await.is_err() {
            dropped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(3)).await;
    assert!(dropped || closed, "the trickling connection is still open");
    assert!(!answer.contains(" 200 "), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(6));
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_header_timeout() {
    let app = TestApp::spawn_with(|c| c.http.header_read_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n").await.unwrap();
    let started = Instant::now();
    let (answer, closed) = read_until_closed(&mut stream, Duration::from_secs(4)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed, "a kept-alive connection idles past the timeout");
    assert!(started.elapsed() >= Duration::from_millis(900), "closed before the timeout");
}

#[tokio::test]
async fn a_request_slower_than_the_request_timeout_is_answered_408() {
    let app = TestApp::spawn_with(|c| c.http.request_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let head = "POST /token HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-www-form-urlencoded\r\n\
                content-length: 100\r\n\r\ngrant_type=";
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn connections_past_the_maximum_are_answered_503_until_one_closes() {
    let app = TestApp::spawn_with(|c| c.http.max_connections = 2).await;
    let first = TcpStream::connect(app.addr).await.unwrap();
    let _second = TcpStream::connect(app.addr).await.unwrap();
    // The two slots are taken once the server has accepted both.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = exchange(&app, &get_with_headers(""), Duration::from_secs(5)).await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(refused.to_ascii_lowercase().contains("retry-after: 1"), "{refused}");
    assert!(refused.contains(r#""error":"temporarily_unavailable""#), "{refused}");
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = exchange(&app, &get_with_headers(""), Duration::from_secs(5)).await;
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(Instant::now() < deadline, "the closed connection's slot never came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn post_token(app: &TestApp, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = app.client.post(app.url("/token")).form(&[("grant_type", "client_credentials")]);
    if let Some(ip) = forwarded_for {
        request = request.header("x-forwarded-for", ip);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn posts_past_the_per_ip_limit_are_answered_429_with_retry_after() {
    let app = TestApp::spawn_with(|c| c.http.posts_per_ip_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(post_token(&app, None).await.status(), 401, "within the limit /token answers itself");
    }
    let limited = post_token(&app, None).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "60");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
    // Every unauthenticated POST shares the window, pages answer with a page.
    for path in ["/login", "/password/forgot", "/verify-email/resend", "/par", "/revoke", "/introspect"] {
        let page =
            app.client.post(app.url(path)).header("accept", "text/html").body("").send().await.unwrap();
        assert_eq!(page.status(), 429, "{path}");
        assert_eq!(page.headers()["retry-after"], "60", "{path}");
    }
    let page = app.client.post(app.url("/login")).header("accept", "text/html").send().await.unwrap();
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    // Reading is not limited, and neither are the bearer-token APIs.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let api = app.client.post(app.url("/api/invitations")).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(api.status(), 401);
}

#[tokio::test]
async fn the_per_ip_limit_counts_the_client_behind_a_trusted_proxy() {
    let app = TestApp::spawn_with(|c| {
        c.http.posts_per_ip_per_minute = 2;
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    for _ in 0..2 {
        assert_eq!(post_token(&app, Some("198.51.100.1")).await.status(), 401);
    }
    assert_eq!(post_token(&app, Some("198.51.100.1")).await.status(), 429);
    assert_eq!(
        post_token(&app, Some("198.51.100.2")).await.status(),
        401,
        "another client has its own window"
    );
}

#[tokio::test]
async fn concurrent_posts_past_the_limit_let_exactly_the_maximum_through() {
    let app = TestApp::spawn_with(|c| c.http.posts_per_ip_per_minute = 5).await;
    let url = app.url("/token");
    let tasks = (0..30).map(|_| {
        let client = app.client.clone();
        let url = url.clone();
        tokio::spawn(async move {
            client
                .post(url)
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let statuses = join_all(tasks).await;
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 25, "{statuses:?}");
}
