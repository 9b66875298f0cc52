//! Replies written by hand, for measured hot paths ([`crate::request::Reply::Raw`]): JSON
//! straight from the stored documents into the reply's buffer, with no response model in
//! between. Each writer is checked byte for byte, in tests, against serde's serialization of
//! the shared wire types, which stay the reference for names, order and shape.

use std::net::Ipv4Addr;
use zec_core::Millis;

/// A reply under construction: the envelope
/// `{"requestId": ..., "response": {"requestId": ..., <fields>}}` and what goes in it.
///
/// Commas are placed by one flag: true right after an opening `{` or `[`, false once anything
/// has been written in it (a closed object or array counts as written in its parent).
pub struct RawJson {
    out: Vec<u8>,
    first: bool,
}

impl RawJson {
    /// Opens the envelope: what follows are the response's fields.
    pub fn envelope(request_id: &str, capacity: usize) -> Self {
        // Request ids are zecd's own (`T` and an upper-case UUID), which need no escaping;
        // escaped all the same, as serde would.
        let mut o = Self {
            out: Vec::with_capacity(capacity),
            first: true,
        };
        o.begin_object();
        o.key("requestId");
        o.str(request_id);
        o.key("response");
        o.begin_object();
        o.key("requestId");
        o.str(request_id);
        o
    }

    /// Closes the envelope and hands over the bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.end_object();
        self.end_object();
        self.out
    }

    pub fn begin_object(&mut self) {
        self.out.push(b'{');
        self.first = true;
    }

    pub fn end_object(&mut self) {
        self.out.push(b'}');
        self.first = false;
    }

    pub fn begin_array(&mut self) {
        self.out.push(b'[');
        self.first = true;
    }

    pub fn end_array(&mut self) {
        self.out.push(b']');
        self.first = false;
    }

    /// The next element of an array: a comma unless it is the first.
    pub fn element(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    /// `"name":`, after a comma unless it is the object's first field. Names are the wire
    /// types' camelCase field names, which need no escaping.
    pub fn key(&mut self, name: &'static str) {
        debug_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric()));
        self.element();
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// A string, escaped exactly as serde_json escapes it.
    pub fn str(&mut self, s: &str) {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.out, s);
    }

    /// A string, or `null`.
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.null(),
        }
    }

    /// A string known to need no escaping (a status name, a constant): written as it is.
    pub fn plain(&mut self, s: &str) {
        debug_assert!(
            s.bytes()
                .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b < 0x7f)
        );
        self.out.push(b'"');
        self.out.extend_from_slice(s.as_bytes());
        self.out.push(b'"');
    }

    pub fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    pub fn bool(&mut self, v: bool) {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
    }

    /// A number.
    pub fn num(&mut self, n: impl itoa::Integer) {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    /// An id, as the API writes ids: its digits, quoted.
    pub fn id(&mut self, n: u64) {
        self.out.push(b'"');
        self.num(n);
        self.out.push(b'"');
    }

    /// An id or `null`.
    pub fn opt_id(&mut self, n: Option<u64>) {
        match n {
            Some(n) => self.id(n),
            None => self.null(),
        }
    }

    /// An IPv4 address, dotted and quoted, as its `Display` writes it.
    pub fn ipv4(&mut self, ip: Ipv4Addr) {
        self.out.push(b'"');
        for (n, octet) in ip.octets().into_iter().enumerate() {
            if n > 0 {
                self.out.push(b'.');
            }
            self.num(octet);
        }
        self.out.push(b'"');
    }

    /// A list of IPv4 addresses.
    pub fn ipv4_list(&mut self, ips: impl IntoIterator<Item = Ipv4Addr>) {
        self.begin_array();
        for ip in ips {
            self.element();
            self.ipv4(ip);
        }
        self.end_array();
    }

    /// A time as the API writes it (`YYYY-MM-DDTHH:MM:SSZ`), quoted.
    pub fn time(&mut self, t: Millis) {
        self.out.push(b'"');
        self.out
            .extend_from_slice(&zec_core::clock::api_time_bytes(t));
        self.out.push(b'"');
    }

    /// A NIC's MAC address (derived from its id, as [`zec_core::instance::mac_address`]).
    pub fn mac(&mut self, nic_id: u64) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let b = nic_id.to_be_bytes();
        self.out.extend_from_slice(b"\"fa:16");
        for k in 0..4 {
            let v = b[4 + k] ^ b[k];
            self.out
                .extend_from_slice(&[b':', HEX[usize::from(v >> 4)], HEX[usize::from(v & 15)]]);
        }
        self.out.push(b'"');
    }

    /// Tags as resources carry them: `{"tags": [{"key": ..., "value": ...}]}`.
    pub fn tags<'a>(&mut self, tags: impl IntoIterator<Item = (&'a str, &'a str)>) {
        self.begin_object();
        self.key("tags");
        self.begin_array();
        for (k, v) in tags {
            self.element();
            self.begin_object();
            self.key("key");
            self.str(k);
            self.key("value");
            self.str(v);
            self.end_object();
        }
        self.end_array();
        self.end_object();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zec_types::envelope::Envelope;
    use zec_types::model::{Tag, Tags};

    #[test]
    fn values_are_written_as_serde_writes_them() {
        let mut o = RawJson::envelope("T-1", 0);
        o.key("a");
        o.str("quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} é 😀 \u{2028}");
        o.key("b");
        o.opt_str(None);
        o.key("c");
        o.num(u64::MAX);
        o.key("d");
        o.num(-5_i64);
        o.key("e");
        o.id(913_659_857_599_463_425);
        o.key("f");
        o.begin_array();
        for ip in [Ipv4Addr::new(0, 0, 0, 0), Ipv4Addr::new(10, 200, 3, 255)] {
            o.element();
            o.ipv4(ip);
        }
        o.end_array();
        o.key("g");
        o.mac(1_000_001);
        o.key("h");
        o.tags([("k\"", "v\u{1}"), ("", "")]);
        o.key("i");
        o.time(1_700_000_000_123);
        o.key("j");
        o.bool(false);
        o.key("k");
        o.begin_array();
        o.end_array();
        let ours = String::from_utf8(o.finish()).unwrap();

        #[derive(serde::Serialize)]
        struct All {
            a: &'static str,
            b: Option<String>,
            c: u64,
            d: i64,
            e: String,
            f: Vec<String>,
            g: String,
            h: Tags,
            i: String,
            j: bool,
            k: Vec<String>,
        }
        let theirs = serde_json::to_string(&Envelope::new(
            "T-1",
            &All {
                a: "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} é 😀 \u{2028}",
                b: None,
                c: u64::MAX,
                d: -5,
                e: "913659857599463425".into(),
                f: vec!["0.0.0.0".into(), "10.200.3.255".into()],
                g: zec_core::instance::mac_address(1_000_001),
                h: Tags {
                    tags: vec![
                        Tag {
                            key: "k\"".into(),
                            value: "v\u{1}".into(),
                        },
                        Tag {
                            key: String::new(),
                            value: String::new(),
                        },
                    ],
                },
                i: zec_core::clock::format_api_time(1_700_000_000_123),
                j: false,
                k: Vec::new(),
            },
        ))
        .unwrap();
        assert_eq!(ours, theirs);
    }
}
