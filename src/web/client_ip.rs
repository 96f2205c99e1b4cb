//! The client's IP address: the peer, or `X-Forwarded-For` when the peer is a
//! trusted proxy, so a forged header neither bypasses nor poisons a limit.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        Ok(ClientIp(resolve(peer, forwarded, &state.config.trusted_proxies)))
    }
}

/// Walks `X-Forwarded-For` from the right, skipping trusted proxies; the first
/// untrusted address is the client. Unparseable entries stop the walk.
pub fn resolve<'a>(peer: IpAddr, forwarded: impl Iterator<Item = &'a str>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded.flat_map(|v| v.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(resolve(ip("203.0.113.9"), ["1.2.3.4"].into_iter(), &trusted), ip("203.0.113.9"));
        assert_eq!(resolve(ip("10.0.0.2"), ["1.2.3.4"].into_iter(), &trusted), ip("1.2.3.4"));
        // A client-forged leftmost entry is ignored: the proxy appended the real one.
        assert_eq!(resolve(ip("10.0.0.2"), ["6.6.6.6, 1.2.3.4"].into_iter(), &trusted), ip("1.2.3.4"));
        assert_eq!(resolve(ip("10.0.0.2"), ["1.2.3.4, 10.0.0.7"].into_iter(), &trusted), ip("1.2.3.4"));
        assert_eq!(resolve(ip("10.0.0.2"), ["garbage"].into_iter(), &trusted), ip("10.0.0.2"));
        assert_eq!(resolve(ip("10.0.0.2"), std::iter::empty(), &[]), ip("10.0.0.2"));
    }

    mod prop {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #[test]
            fn prop_forwarded_for_gives_the_peer_or_a_listed_address(
                headers in proptest::collection::vec(prop_oneof!["\\PC{0,40}", "([0-9]{1,3}\\.){3}[0-9]{1,3}(, ?([0-9]{1,3}\\.){3}[0-9]{1,3}){0,3}"], 0..3),
                trusted in any::<bool>()
            ) {
                let peer = ip("10.0.0.2");
                let nets = if trusted { vec!["10.0.0.0/8".parse().unwrap()] } else { Vec::new() };
                let client = resolve(peer, headers.iter().map(String::as_str), &nets);
                let listed = headers.iter().flat_map(|h| h.split(',')).any(|hop| hop.trim().parse() == Ok(client));
                prop_assert!(client == peer || (trusted && listed));
            }
        }
    }
}
