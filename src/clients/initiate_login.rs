//! OIDC third-party-initiated login (Core §4): a client's `initiate_login_uri`,
//! and the request careid sends there (`iss`, `login_hint`).

/// A registered `initiate_login_uri`: https, or http on a loopback host (a
/// developer's machine), with no fragment; empty means none.
pub fn parse(uri: Option<&str>) -> Result<Option<String>, String> {
    let Some(uri) = uri.map(str::trim).filter(|u| !u.is_empty()) else { return Ok(None) };
    let bad = |why: &str| format!("initiate_login_uri {uri:?}: {why}");
    let url = url::Url::parse(uri).map_err(|_| bad("not a URL"))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(bad("must be https (or http on 127.0.0.1, [::1] or localhost)")),
    }
    if url.fragment().is_some() {
        return Err(bad("must not have a fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials"));
    }
    Ok(Some(uri.to_string()))
}

/// The login initiation request to `initiate_login_uri`: careid's issuer, and
/// the address of the person to sign in when careid knows it (Core §4 lets
/// `login_hint` go along; `target_link_uri` is left to the client's default,
/// as careid knows no page of the client better than its home).
pub fn request(initiate_login_uri: &str, issuer: &str, login_hint: Option<&str>) -> String {
    let Ok(mut url) = url::Url::parse(initiate_login_uri) else { return initiate_login_uri.to_string() };
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("iss", issuer);
        if let Some(hint) = login_hint {
            query.append_pair("login_hint", hint);
        }
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        for ok in ["https://portal.example/login", "http://127.0.0.1:8080/login", "http://localhost/start"] {
            assert_eq!(parse(Some(ok)).unwrap().as_deref(), Some(ok));
        }
        assert_eq!(parse(Some("  ")).unwrap(), None);
    }

    #[test]
    fn other_schemes_fragments_and_credentials_are_refused() {
        for bad in ["http://portal.example/login", "https://p.example/#x", "https://u:p@p.example/", "portal"]
        {
            assert!(parse(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_request_names_the_issuer_and_the_person() {
        let url = request("https://p.example/login?x=1", "https://id.example", Some("a+b@example.com"));
        assert_eq!(
            url,
            "https://p.example/login?x=1&iss=https%3A%2F%2Fid.example&login_hint=a%2Bb%40example.com"
        );
    }
}
