//! Which addresses careid's outbound calls may reach: none that only make sense
//! inside the operator's own network (loopback, link-local and the cloud
//! metadata address, private, unique-local, shared, multicast …), unless the
//! operator lists them in `outbound_allowed_networks`. A client's URL must not
//! turn careid into a way into that network (SSRF).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use url::{Host, Url};

/// An address careid will not call, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{host} is a {range} address; careid calls such addresses only if outbound_allowed_networks includes them"
)]
pub struct Refused {
    /// The address or name, as the operator wrote or DNS answered it.
    pub host: String,
    pub range: &'static str,
}

/// The internal range `ip` is in, if any. An IPv4 address written as IPv6
/// (`::ffff:169.254.169.254`, NAT64 `64:ff9b::…`) reaches the same host, so it
/// counts as that IPv4 address.
pub fn internal_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => v4_range(v4),
            None => v6_range(v6),
        },
    }
}

fn v4_range(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    Some(match a {
        // Linux connects 0.0.0.0 to the local host.
        0 => "unspecified (0.0.0.0/8)",
        127 => "loopback (127.0.0.0/8)",
        10 => "private (10.0.0.0/8)",
        169 if b == 254 => "link-local (169.254.0.0/16, where cloud metadata lives)",
        172 if (16..32).contains(&b) => "private (172.16.0.0/12)",
        192 if b == 168 => "private (192.168.0.0/16)",
        100 if (64..128).contains(&b) => "shared (100.64.0.0/10, carrier-grade NAT)",
        224..=239 => "multicast (224.0.0.0/4)",
        // Reserved, with the broadcast address at its end.
        240..=255 => "reserved or broadcast (240.0.0.0/4)",
        _ => return None,
    })
}

fn v6_range(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    Some(match first {
        _ if ip.is_unspecified() => "unspecified (::)",
        _ if ip.is_loopback() => "loopback (::1)",
        _ if first & 0xffc0 == 0xfe80 => "link-local (fe80::/10)",
        _ if first & 0xffc0 == 0xfec0 => "site-local (fec0::/10)",
        _ if first & 0xfe00 == 0xfc00 => "unique-local (fc00::/7)",
        _ if first & 0xff00 == 0xff00 => "multicast (ff00::/8)",
        _ => return None,
    })
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`) IPv6 address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let prefix = [s[0], s[1], s[2], s[3], s[4], s[5]];
    let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match prefix {
        [0, 0, 0, 0, 0, 0xffff] | [0x64, 0xff9b, 0, 0, 0, 0] => Some(v4),
        // `::` and `::1` are IPv6's own unspecified and loopback addresses.
        [0, 0, 0, 0, 0, 0] if !ip.is_unspecified() && !ip.is_loopback() => Some(v4),
        _ => None,
    }
}

/// Whether careid may connect to `ip`: anything public, and internal
/// addresses inside one of the operator's `allowed` networks.
pub fn check_ip(ip: IpAddr, allowed: &[IpNet]) -> Result<(), Refused> {
    let Some(range) = internal_range(ip) else { return Ok(()) };
    let as_v4 = match ip {
        IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4),
        IpAddr::V4(_) => None,
    };
    if allowed.iter().any(|net| net.contains(&ip) || as_v4.is_some_and(|v4| net.contains(&v4))) {
        return Ok(());
    }
    Err(Refused { host: ip.to_string(), range })
}

/// The check of a URL whose host is an IP address, which is connected to
/// without asking a resolver.
pub fn check_ip_literal(url: &Url, allowed: &[IpNet]) -> Result<(), Refused> {
    match url.host() {
        Some(Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip), allowed),
        Some(Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip), allowed),
        _ => Ok(()),
    }
}

/// The check at registration, where no DNS is asked: an IP address, or a name
/// that always means loopback (`localhost`, RFC 6761). Other names are checked
/// when they are resolved, at every connection.
pub fn check_url(url: &Url, allowed: &[IpNet]) -> Result<(), Refused> {
    let Some(Host::Domain(name)) = url.host() else { return check_ip_literal(url, allowed) };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        check_ip(IpAddr::V4(Ipv4Addr::LOCALHOST), allowed)
            .map_err(|refused| Refused { host: name, ..refused })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(host: &str, allowed: &[&str]) -> Option<&'static str> {
        let allowed: Vec<IpNet> = allowed.iter().map(|n| n.parse().unwrap()).collect();
        let url = Url::parse(&format!("https://{host}/bc")).unwrap();
        check_url(&url, &allowed).err().map(|r| r.range)
    }

    #[test]
    fn internal_addresses_are_refused_in_every_spelling() {
        for host in [
            "169.254.169.254",
            "2852039166",
            "0xa9.0xfe.0xa9.0xfe",
            "[::ffff:169.254.169.254]",
            "[::ffff:a9fe:a9fe]",
            "[64:ff9b::169.254.169.254]",
            "[::169.254.169.254]",
            "[fe80::1]",
        ] {
            assert!(refused(host, &[]).unwrap().starts_with("link-local"), "{host}");
        }
        for host in ["10.0.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.1", "[::ffff:10.1.2.3]"] {
            assert!(refused(host, &[]).unwrap().starts_with("private"), "{host}");
        }
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "localhost",
            "LocalHost.",
            "a.localhost",
        ] {
            assert!(refused(host, &[]).unwrap().starts_with("loopback"), "{host}");
        }
        assert!(refused("[fd00::1]", &[]).unwrap().starts_with("unique-local"));
        assert!(refused("[fc12::1]", &[]).unwrap().starts_with("unique-local"));
        assert!(refused("100.64.0.1", &[]).unwrap().starts_with("shared"));
        assert!(refused("0.0.0.0", &[]).unwrap().starts_with("unspecified"));
        assert!(refused("[::]", &[]).unwrap().starts_with("unspecified"));
        assert!(refused("255.255.255.255", &[]).unwrap().contains("broadcast"));
        assert!(refused("224.0.0.1", &[]).unwrap().starts_with("multicast"));
        assert!(refused("[ff02::1]", &[]).unwrap().starts_with("multicast"));
    }

    #[test]
    fn public_addresses_and_names_pass() {
        for host in [
            "93.184.215.14",
            "172.32.0.1",
            "100.128.0.1",
            "[2001:db8::1]",
            "[2606:4700::1111]",
            "rp.example",
            "localhost.example",
        ] {
            assert_eq!(refused(host, &[]), None, "{host}");
        }
    }

    #[test]
    fn the_operator_allows_networks_explicitly() {
        let loopback = ["127.0.0.0/8", "::1/128"];
        for host in ["127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "localhost"] {
            assert_eq!(refused(host, &loopback), None, "{host}");
        }
        assert!(refused("169.254.169.254", &loopback).is_some());
        assert_eq!(refused("172.20.0.3", &["172.16.0.0/12"]), None);
        assert!(refused("172.20.0.3", &["172.16.0.0/16"]).is_some());
    }

    #[test]
    fn the_refusal_names_the_address_the_range_and_the_key() {
        let url = Url::parse("http://169.254.169.254/latest/meta-data").unwrap();
        let message = check_url(&url, &[]).unwrap_err().to_string();
        assert!(message.starts_with("169.254.169.254 is a link-local"), "{message}");
        assert!(message.contains("outbound_allowed_networks"), "{message}");
        // Sending leaves names, localhost too, to the resolver.
        assert_eq!(check_ip_literal(&url, &[]).unwrap_err().to_string(), message);
        assert!(check_ip_literal(&Url::parse("http://localhost:8080/").unwrap(), &[]).is_ok());
    }
}
