//! Redirect URIs: what may be registered, and how a request's URI is matched.
//!
//! Matching is exact string comparison (RFC 9700 §4.1), with the one exception
//! RFC 8252 §7.3 makes: a native app's loopback IP redirect may use any port.

use url::{Host, Url};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(String);

impl RedirectUri {
    /// https anywhere; http only on loopback; private-use schemes
    /// (`com.example.app:/cb`) only for native (public) clients. No fragments.
    pub fn parse(input: &str, native: bool) -> Result<RedirectUri, String> {
        // Matching is exact, so a `*` would only ever match itself; an operator
        // who writes one expects a pattern, and must hear that there is none.
        if input.contains('*') {
            return Err(format!(
                "redirect URI {input:?}: wildcards (*) are not supported; register each URI exactly"
            ));
        }
        let url = Url::parse(input).map_err(|e| format!("redirect URI {input:?}: {e}"))?;
        if url.fragment().is_some() {
            return Err(format!("redirect URI {input:?} must not have a fragment"));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(format!("redirect URI {input:?} must use https (http only for loopback)")),
            scheme if native && scheme.contains('.') => {}
            scheme => return Err(format!("redirect URI {input:?}: scheme {scheme:?} is not allowed")),
        }
        Ok(RedirectUri(input.to_string()))
    }
}

impl std::fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub(super) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

fn is_loopback_ip(url: &Url) -> bool {
    matches!(url.host(), Some(Host::Ipv4(ip)) if ip.is_loopback())
        || matches!(url.host(), Some(Host::Ipv6(ip)) if ip.is_loopback())
}

/// Whether `requested` is the `registered` redirect URI.
pub fn matches(registered: &str, requested: &str) -> bool {
    if registered == requested {
        return true;
    }
    let (Ok(reg), Ok(req)) = (Url::parse(registered), Url::parse(requested)) else {
        return false;
    };
    if reg.scheme() != "http" || !is_loopback_ip(&reg) {
        return false;
    }
    // Loopback: everything but the port must be identical, as written.
    let strip_port = |url: &Url| {
        let mut url = url.clone();
        let _ = url.set_port(None);
        url.to_string()
    };
    req.scheme() == "http" && req.host() == reg.host() && strip_port(&reg) == strip_port(&req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_matches_count() {
        let reg = "https://portal.example/cb";
        assert!(matches(reg, "https://portal.example/cb"));
        for near in [
            "https://portal.example/cb/",
            "https://PORTAL.example/cb",
            "https://portal.example/CB",
            "https://portal.example/cb?x=1",
            "https://portal.example:443/cb",
            "http://portal.example/cb",
            "https://portal.example/cb#f",
        ] {
            assert!(!matches(reg, near), "{near}");
        }
    }

    #[test]
    fn loopback_ip_redirects_may_vary_the_port_only() {
        let reg = "http://127.0.0.1/callback";
        assert!(matches(reg, "http://127.0.0.1:51004/callback"));
        assert!(matches("http://[::1]:8000/cb", "http://[::1]:9000/cb"));
        assert!(!matches(reg, "http://127.0.0.1:51004/other"));
        assert!(!matches(reg, "http://127.0.0.2:51004/callback"));
        assert!(!matches("http://localhost/cb", "http://localhost:1234/cb"));
    }

    #[test]
    fn registration_rules() {
        assert!(RedirectUri::parse("https://a.example/cb", false).is_ok());
        assert!(RedirectUri::parse("http://127.0.0.1/cb", false).is_ok());
        assert!(RedirectUri::parse("http://a.example/cb", false).is_err());
        assert!(RedirectUri::parse("https://a.example/cb#x", false).is_err());
        assert!(RedirectUri::parse("com.example.app:/cb", true).is_ok());
        assert!(RedirectUri::parse("com.example.app:/cb", false).is_err());
        assert!(RedirectUri::parse("javascript:alert(1)", true).is_err());
        assert!(RedirectUri::parse("not a uri", false).is_err());
    }

    #[test]
    fn wildcards_are_refused_wherever_they_are() {
        for uri in
            ["https://*.portal.example/cb", "https://portal.example/*", "https://portal.example/cb?x=*"]
        {
            let error = RedirectUri::parse(uri, false).unwrap_err();
            assert!(error.contains("wildcards (*) are not supported"), "{error}");
        }
        assert!(RedirectUri::parse("com.example.app:/*", true).is_err());
    }

    mod prop {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #[test]
            fn prop_redirect_uris_print_as_parsed(
                input in prop_oneof!["\\PC{0,60}", "(https|http|com\\.app)://[a-z0-9.:\\[\\]]{0,20}/[a-z/?=&%]{0,20}"],
                native in any::<bool>()
            ) {
                if let Ok(uri) = RedirectUri::parse(&input, native) {
                    prop_assert_eq!(uri.to_string(), input.clone());
                    prop_assert_eq!(RedirectUri::parse(&uri.to_string(), native), Ok(uri));
                    prop_assert!(matches(&input, &input));
                }
            }
        }
    }
}
