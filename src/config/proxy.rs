//! `ORGSYNC_TRUSTED_PROXIES`: the load balancers and reverse proxies whose
//! `X-Forwarded-For` names the client, as addresses or networks.

use ipnet::IpNet;
use std::net::IpAddr;
use std::str::FromStr;

/// `fd00::/8`, `192.0.2.7`). IPv4 addresses written as IPv6 (`::ffff:10.0.0.1`, how a
/// dual-stack socket reports them) count as IPv4, here and in [`TrustedProxy::contains`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy(IpNet);

impl TrustedProxy {
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr = addr
            .parse::<IpAddr>()
            .map_err(|_| format!("{text:?} is not an IP address or network"))?
            .to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?} has a prefix length that is not 0–{max}"))?,
        };
        IpNet::new(addr, prefix)
            .map(Self)
            .map_err(|_| format!("{text:?} has a prefix length that is not 0–{max}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_parse_and_match() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let net: TrustedProxy = "192.168.4.0/22".parse().unwrap();
        assert!(net.contains(ip("192.168.7.255")));
        assert!(!net.contains(ip("192.168.8.0")));
        assert!(
            "0.0.0.0/0"
                .parse::<TrustedProxy>()
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        assert!(
            "::/0"
                .parse::<TrustedProxy>()
                .unwrap()
                .contains(ip("2001:db8::1"))
        );
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
        assert!("proxy.local".parse::<TrustedProxy>().is_err());
    }

    #[test]
    fn an_ipv4_address_written_as_ipv6_counts_as_ipv4() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let net: TrustedProxy = "::ffff:10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.1.2.3")));
        assert!(net.contains(ip("::ffff:10.1.2.3")));
        let one: TrustedProxy = "10.0.0.2".parse().unwrap();
        assert!(one.contains(ip("::ffff:10.0.0.2")));
        assert!(!one.contains(ip("10.0.0.3")));
    }
}
