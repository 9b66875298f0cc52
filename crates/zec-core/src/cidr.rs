//! IPv4 networks: subnets hand out private addresses, regions hand out public ones.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// An IPv4 network such as `10.16.0.0/12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv4Cidr {
    network: u32,
    prefix: u8,
}

impl Ipv4Cidr {
    pub fn new(addr: Ipv4Addr, prefix: u8) -> Result<Self, String> {
        if prefix > 30 {
            return Err(format!("prefix /{prefix} leaves no host addresses"));
        }
        let network = u32::from(addr) & Self::mask(prefix);
        if network != u32::from(addr) {
            return Err(format!("{addr}/{prefix} has host bits set"));
        }
        Ok(Self { network, prefix })
    }

    fn mask(prefix: u8) -> u32 {
        if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        }
    }

    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.network)
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.network | !Self::mask(self.prefix))
    }

    /// The gateway: the first address after the network address.
    pub fn gateway(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.network + 1)
    }

    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        u32::from(addr) & Self::mask(self.prefix) == self.network
    }

    /// Addresses an instance can be given: all but the network, gateway and broadcast addresses.
    pub fn assignable(&self) -> std::ops::RangeInclusive<u32> {
        (self.network + 2)..=(u32::from(self.broadcast()) - 1)
    }
}

impl FromStr for Ipv4Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not a CIDR block like 10.0.0.0/16"))?;
        let addr: Ipv4Addr = addr
            .parse()
            .map_err(|_| format!("`{s}`: `{addr}` is not an IPv4 address"))?;
        let prefix: u8 = prefix
            .parse()
            .map_err(|_| format!("`{s}`: `{prefix}` is not a prefix length"))?;
        Self::new(addr, prefix)
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network(), self.prefix)
    }
}

impl Serialize for Ipv4Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ipv4Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_describes_a_subnet() {
        let c: Ipv4Cidr = "10.16.0.0/12".parse().unwrap();
        assert_eq!(c.to_string(), "10.16.0.0/12");
        assert_eq!(c.gateway(), Ipv4Addr::new(10, 16, 0, 1));
        assert_eq!(c.broadcast(), Ipv4Addr::new(10, 31, 255, 255));
        assert!(c.contains(Ipv4Addr::new(10, 20, 1, 1)));
        assert!(!c.contains(Ipv4Addr::new(10, 32, 0, 1)));
        let r = c.assignable();
        assert_eq!(Ipv4Addr::from(*r.start()), Ipv4Addr::new(10, 16, 0, 2));
        assert_eq!(Ipv4Addr::from(*r.end()), Ipv4Addr::new(10, 31, 255, 254));
    }

    #[test]
    fn rejects_bad_blocks() {
        for bad in [
            "10.0.0.1/8",
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0.0/31",
            "x/8",
            "10.0.0.0/x",
        ] {
            assert!(bad.parse::<Ipv4Cidr>().is_err(), "{bad}");
        }
    }
}
