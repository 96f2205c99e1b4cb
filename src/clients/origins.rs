//! Web origins of browser apps: the origins a public client's code may call
//! careid's token, userinfo and revocation endpoints from (CORS). They are the
//! origins of its https and http-loopback redirect URIs, or the list an
//! operator registers instead (`allowed_origins`).

use url::Url;

use super::redirect_uri;

/// An origin as browsers send it in `Origin` (`https://app.example`,
/// `http://localhost:3000`): https anywhere, http only on loopback, nothing
/// after the host and port. Returned in its serialised form (lower-case host,
/// no default port), which is what is compared.
pub fn parse(input: &str) -> Result<String, String> {
    let refuse = |why: &str| Err(format!("allowed origin {input:?}: {why}"));
    if input.contains('*') {
        return refuse("wildcards (*) are not supported; register each origin exactly");
    }
    let Ok(url) = Url::parse(input) else {
        return refuse("not a URL such as https://app.example");
    };
    match url.scheme() {
        "https" => {}
        "http" if redirect_uri::is_loopback(&url) => {}
        _ => return refuse("must use https (http only for loopback)"),
    }
    let authority = input.split_once("://").map_or("", |(_, rest)| rest);
    if authority.strip_suffix('/').unwrap_or(authority).contains(['/', '?', '#', '@', '\\']) {
        return refuse("an origin is a scheme, a host and a port, nothing more");
    }
    Ok(url.origin().ascii_serialization())
}

/// A client's `allowed_origins`, each parsed once: only public clients have them.
pub fn parse_allowed(public: bool, listed: &[String]) -> Result<Vec<String>, String> {
    if !public && !listed.is_empty() {
        return Err(
            "allowed_origins is for public (browser) clients: a secret never goes to a browser".into()
        );
    }
    let mut origins = Vec::new();
    for origin in listed {
        let origin = parse(origin)?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    Ok(origins)
}

/// The web origin of a redirect URI: for https and http-loopback ones (a
/// private-use scheme such as `com.example.app:/cb` has none).
pub fn of_redirect_uri(uri: &str) -> Option<String> {
    let url = Url::parse(uri).ok()?;
    match url.scheme() {
        "https" | "http" => Some(url.origin().ascii_serialization()),
        _ => None,
    }
}

/// The origins a client's browser code may call from: none for a confidential
/// client (its secret never reaches a browser), the registered list when there
/// is one, otherwise the origins of its redirect URIs.
pub fn of_client(public: bool, allowed: &[String], redirect_uris: &[String]) -> Vec<String> {
    if !public {
        return Vec::new();
    }
    if !allowed.is_empty() {
        return allowed.to_vec();
    }
    let mut origins = Vec::new();
    for origin in redirect_uris.iter().filter_map(|uri| of_redirect_uri(uri)) {
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    origins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_as_browsers_send_them() {
        assert_eq!(parse("https://app.example").unwrap(), "https://app.example");
        assert_eq!(parse("https://App.Example:443/").unwrap(), "https://app.example");
        assert_eq!(parse("https://app.example:8443").unwrap(), "https://app.example:8443");
        assert_eq!(parse("http://localhost:3000").unwrap(), "http://localhost:3000");
        assert_eq!(parse("http://127.0.0.1:5173").unwrap(), "http://127.0.0.1:5173");
        assert_eq!(parse("http://[::1]:8000").unwrap(), "http://[::1]:8000");
        for bad in [
            "https://app.example/cb",
            "https://app.example?x=1",
            "https://app.example#f",
            "https://user@app.example",
            "http://app.example",
            "https://*.app.example",
            "*",
            "null",
            "app.example",
            "com.example.app:/cb",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_public_clients_origins_come_from_its_web_redirect_uris_unless_listed() {
        let uris = [
            "https://app.example/cb".to_string(),
            "https://app.example/other".to_string(),
            "http://127.0.0.1:5173/callback".to_string(),
            "com.example.app:/oauth".to_string(),
        ];
        assert_eq!(of_client(true, &[], &uris), ["https://app.example", "http://127.0.0.1:5173"]);
        let listed = ["https://web.example".to_string()];
        assert_eq!(of_client(true, &listed, &uris), listed);
        assert!(of_client(false, &[], &uris).is_empty());
        assert!(of_client(true, &[], &uris[3..]).is_empty());
    }
}
