//! careid's outbound calls reach no internal address (loopback, link-local and
//! cloud metadata, private, unique-local …) unless the operator allows its
//! network: refused at client registration for IP literals, and at connect
//! time for names. Redirect URIs with wildcards are refused at registration.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use careid::factors::phone::PhoneNumber;
use careid::factors::sms::{Delivery, ProviderConfig, SmsConfig};
use careid::outbound::Http;
use careid::secret::Secret;

use crate::kit::cli::{assert_fails, careid, run, same_stores};

const INTERNAL: [(&str, &str); 3] = [
    ("http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local"),
    ("https://10.0.0.5/backchannel", "10.0.0.5 is a private"),
    ("https://[fd00::1]/backchannel", "fd00::1 is a unique-local"),
];

fn add_portal(backchannel_uri: &str) -> Vec<String> {
    let args = ["clients", "add", "--id", "portal", "--name", "Portal", "--redirect-uri"];
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args.extend(["https://portal.example/cb", "--backchannel-logout-uri", backchannel_uri].map(String::from));
    args
}

#[tokio::test]
async fn the_cli_refuses_a_backchannel_uri_on_an_internal_address() {
    let dir = tempfile::tempdir().unwrap();
    let stores = careid(dir.path()).await;
    for (uri, problem) in INTERNAL {
        let output = run(same_stores(&stores).args(add_portal(uri)));
        assert_fails(&output, 1, &format!("client portal: backchannel_logout_uri: {problem}"));
        assert_fails(&output, 1, "outbound_allowed_networks");
    }
    assert_fails(&run(same_stores(&stores).args(["clients", "show", "portal"])), 1, "no client");

    // Added without one, the client cannot be given one by update either.
    let output = run(same_stores(&stores).args(add_portal("https://portal.example/bc")));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let update = ["clients", "update", "portal", "--backchannel-logout-uri", "https://192.168.1.20/bc"];
    assert_fails(&run(same_stores(&stores).args(update)), 1, "192.168.1.20 is a private");
    let update = ["clients", "update", "portal", "--backchannel-logout-uri", "http://localhost:9000/bc"];
    assert_fails(&run(same_stores(&stores).args(update)), 1, "localhost is a loopback");
}

#[tokio::test]
async fn an_allowed_network_is_accepted_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut stores = careid(dir.path()).await;
    stores.env("CAREID_OUTBOUND_ALLOWED_NETWORKS", "10.0.0.0/8, fd00::/8");
    let output = run(same_stores(&stores).args(add_portal("https://10.0.0.5/backchannel")));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let update = ["clients", "update", "portal", "--backchannel-logout-uri", "https://[fd00::1]/bc"];
    assert!(run(same_stores(&stores).args(update)).status.success());
    let update = ["clients", "update", "portal", "--backchannel-logout-uri", "http://169.254.169.254/"];
    assert_fails(&run(same_stores(&stores).args(update)), 1, "169.254.169.254 is a link-local");
}

#[tokio::test]
async fn a_declared_client_with_an_internal_backchannel_uri_stops_start_up() {
    for (uri, problem) in INTERNAL {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("careid.toml");
        let toml = format!(
            "[[clients]]\nid = \"portal\"\nname = \"Portal\"\nsecret = \"{}\"\n\
             redirect_uris = [\"https://portal.example/cb\"]\nbackchannel_logout_uri = \"{uri}\"\n",
            "s".repeat(32)
        );
        std::fs::write(&file, toml).unwrap();
        let mut cmd = careid(dir.path()).await;
        cmd.arg("--config").arg(&file).args(["clients", "list"]);
        assert_fails(
            &run(&mut cmd),
            2,
            &format!("clients: client portal: backchannel_logout_uri: {problem}"),
        );
    }
}

#[tokio::test]
async fn redirect_uris_with_wildcards_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let stores = careid(dir.path()).await;
    let add = ["clients", "add", "--id", "portal", "--name", "Portal", "--redirect-uri"];
    for uri in ["https://*.portal.example/cb", "https://portal.example/*"] {
        let output = run(same_stores(&stores).args(add).arg(uri));
        assert_fails(&output, 1, "wildcards (*) are not supported; register each URI exactly");
    }
    let mut with_logout = same_stores(&stores);
    with_logout.args(add).args([
        "https://portal.example/cb",
        "--post-logout-redirect-uri",
        "https://portal.example/bye*",
    ]);
    assert_fails(&run(&mut with_logout), 1, "wildcards (*) are not supported");
    assert_fails(&run(same_stores(&stores).args(["clients", "show", "portal"])), 1, "no client");
}

/// A Twilio-shaped provider on 127.0.0.1 that counts what reaches it.
async fn counting_provider() -> (u16, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    let app = axum::Router::new().fallback(move || {
        seen.fetch_add(1, Ordering::SeqCst);
        async { (axum::http::StatusCode::CREATED, "{}") }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (port, hits)
}

fn twilio_at(base: &str) -> Delivery {
    let provider = ProviderConfig::Twilio {
        account_sid: "AC123".into(),
        auth_token: Secret::new("tok3n"),
        from: "+15005550006".into(),
        base_url: base.parse().unwrap(),
    };
    Delivery::from_config(&SmsConfig { provider: Some(provider), ..SmsConfig::default() }, "unused".as_ref())
}

#[tokio::test]
async fn an_sms_provider_on_loopback_is_refused_by_address_and_by_name_unless_allowed() {
    let (port, hits) = counting_provider().await;
    let phone = PhoneNumber::parse("+447400123456").unwrap();
    let strict = Http::new(vec![]).unwrap();
    // An IP literal is refused before anything is sent.
    let by_address = twilio_at(&format!("http://127.0.0.1:{port}"));
    let error = by_address.send(&strict, &phone, "hi", 0).await.unwrap_err().to_string();
    assert!(error.contains("127.0.0.1 is a loopback"), "{error}");
    // A name is refused when it resolves: here `localhost`, as a rebound name would be.
    let by_name = twilio_at(&format!("http://localhost:{port}"));
    let error = by_name.send(&strict, &phone, "hi", 0).await.unwrap_err().to_string();
    assert!(error.contains("localhost: ") && error.contains("is a loopback"), "{error}");
    assert!(error.contains("outbound_allowed_networks"), "{error}");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing reached the provider");

    let loopback = Http::new(vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()]).unwrap();
    by_address.send(&loopback, &phone, "hi", 0).await.unwrap();
    by_name.send(&loopback, &phone, "hi", 0).await.unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2, "allowed, both are sent");
}
