//! The DNS resolver of careid's outbound client: it drops the addresses
//! careid may not call, so a name that resolves (or is later re-pointed, DNS
//! rebinding) to an internal address is refused at the moment of connecting.

use std::net::SocketAddr;
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::addresses::check_ip;

pub struct CheckingResolver {
    pub allowed: Arc<Vec<IpNet>>,
}

impl Resolve for CheckingResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allowed = self.allowed.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // The system resolver, as reqwest's default uses (getaddrinfo, off the runtime).
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let (kept, refused) = keep_allowed(found, &allowed);
            match (kept.is_empty(), refused) {
                (false, _) => Ok(Box::new(kept.into_iter()) as Addrs),
                (true, Some(refused)) => Err(format!("{host}: {refused}").into()),
                (true, None) => Err(format!("{host} has no address").into()),
            }
        })
    }
}

/// The addresses careid may connect to, and the first refusal (to explain an empty list).
fn keep_allowed(
    found: Vec<SocketAddr>,
    allowed: &[IpNet],
) -> (Vec<SocketAddr>, Option<super::addresses::Refused>) {
    let mut refused = None;
    let kept = found
        .into_iter()
        .filter(|addr| match check_ip(addr.ip(), allowed) {
            Ok(()) => true,
            Err(e) => {
                refused.get_or_insert(e);
                false
            }
        })
        .collect();
    (kept, refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_answers_are_dropped_and_public_ones_kept() {
        let found: Vec<SocketAddr> =
            ["10.0.0.5:0", "93.184.215.14:0", "[fd00::1]:0"].iter().map(|a| a.parse().unwrap()).collect();
        let (kept, refused) = keep_allowed(found, &[]);
        assert_eq!(kept, ["93.184.215.14:0".parse::<SocketAddr>().unwrap()]);
        assert!(refused.unwrap().to_string().starts_with("10.0.0.5 is a private"));
        let allowed: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let (kept, _) = keep_allowed(vec!["10.0.0.5:0".parse().unwrap()], &allowed);
        assert_eq!(kept.len(), 1);
    }
}
