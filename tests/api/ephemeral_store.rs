//! The ephemeral store contract, on whichever tier the environment selects.

use std::time::Duration;

use crate::kit::TestApp;

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn put_get_delete_round_trip() {
    let app = TestApp::spawn().await;
    let store = &app.state.ephemeral;
    assert_eq!(store.get("k").await.unwrap(), None);
    store.put("k", b"one", MINUTE).await.unwrap();
    assert_eq!(store.get("k").await.unwrap().as_deref(), Some(&b"one"[..]));
    store.put("k", b"two", MINUTE).await.unwrap();
    assert_eq!(store.get("k").await.unwrap().as_deref(), Some(&b"two"[..]));
    store.delete("k").await.unwrap();
    assert_eq!(store.get("k").await.unwrap(), None);
    store.delete("never-there").await.unwrap();
}

#[tokio::test]
async fn values_expire_after_their_ttl() {
    let app = TestApp::spawn().await;
    let store = &app.state.ephemeral;
    store.put("short", b"v", Duration::from_millis(50)).await.unwrap();
    store.put("long", b"v", MINUTE).await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(store.get("short").await.unwrap(), None);
    assert_eq!(store.take("short").await.unwrap(), None);
    assert!(store.get("long").await.unwrap().is_some());
}

#[tokio::test]
async fn take_returns_the_value_once() {
    let app = TestApp::spawn().await;
    let store = &app.state.ephemeral;
    store.put("code", b"abc", MINUTE).await.unwrap();
    assert_eq!(store.take("code").await.unwrap().as_deref(), Some(&b"abc"[..]));
    assert_eq!(store.take("code").await.unwrap(), None);
    assert_eq!(store.get("code").await.unwrap(), None);
}

#[tokio::test]
async fn fifty_concurrent_takes_of_one_key_have_exactly_one_winner() {
    let app = TestApp::spawn().await;
    for round in 0..5 {
        let key = format!("contested-{round}");
        app.state.ephemeral.put(&key, b"prize", MINUTE).await.unwrap();
        let takes = (0..50).map(|_| {
            let store = app.state.ephemeral.clone();
            let key = key.clone();
            tokio::spawn(async move { store.take(&key).await.unwrap() })
        });
        let results = crate::kit::join_all(takes).await;
        let winners = results.iter().filter(|r| r.is_some()).count();
        assert_eq!(winners, 1, "round {round}");
    }
}

#[tokio::test]
async fn put_new_refuses_to_overwrite_a_live_value() {
    let app = TestApp::spawn().await;
    let store = &app.state.ephemeral;
    assert!(store.put_new("once", b"a", MINUTE).await.unwrap());
    assert!(!store.put_new("once", b"b", MINUTE).await.unwrap());
    assert_eq!(store.get("once").await.unwrap().as_deref(), Some(&b"a"[..]));
}

#[tokio::test]
async fn counters_count_within_their_window_and_restart_after_it() {
    let app = TestApp::spawn().await;
    let store = &app.state.ephemeral;
    let window = Duration::from_millis(200);
    assert_eq!(store.incr_in_window("hits", window).await.unwrap(), 1);
    assert_eq!(store.incr_in_window("hits", window).await.unwrap(), 2);
    assert_eq!(store.incr_in_window("hits", window).await.unwrap(), 3);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(store.incr_in_window("hits", window).await.unwrap(), 1);
}

#[tokio::test]
async fn concurrent_increments_are_not_lost() {
    let app = TestApp::spawn().await;
    let tasks = (0..50).map(|_| {
        let store = app.state.ephemeral.clone();
        tokio::spawn(async move { store.incr_in_window("n", MINUTE).await.unwrap() })
    });
    let mut counts = crate::kit::join_all(tasks).await;
    counts.sort();
    assert_eq!(counts, (1..=50).collect::<Vec<u64>>());
}

#[tokio::test]
async fn keys_of_two_apps_do_not_collide() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn().await;
    a.state.ephemeral.put("shared-name", b"a", MINUTE).await.unwrap();
    assert_eq!(b.state.ephemeral.get("shared-name").await.unwrap(), None);
}
