//! Strict `application/x-www-form-urlencoded` parsing for protocol endpoints:
//! repeated parameters, bad percent-encoding and invalid UTF-8 are errors, not
//! silently repaired (RFC 6749 §3.1: parameters must not be repeated).

use std::collections::HashMap;

use percent_encoding::percent_decode;

/// The parameters an extension lets a request repeat: `resource` names one
/// target each (RFC 8707 §2).
const REPEATABLE: [&str; 1] = ["resource"];

/// Parameters by name; empty values count as absent (RFC 6749 §3.1).
#[derive(Debug, Clone, Default)]
pub struct Params(HashMap<String, Vec<String>>);

impl Params {
    pub fn parse(raw: &[u8]) -> Result<Params, String> {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for pair in raw.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            let name = decode(name)?;
            let value = decode(value)?;
            if value.is_empty() {
                continue;
            }
            let values = map.entry(name.clone()).or_default();
            if !values.is_empty() && !REPEATABLE.contains(&name.as_str()) {
                return Err(format!("parameter {name} is repeated"));
            }
            values.push(value);
        }
        Ok(Params(map))
    }

    /// The value of a parameter that cannot repeat (for a repeatable one, the first).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|values| values.first()).map(String::as_str)
    }

    /// Every value of a repeatable parameter, in request order.
    pub fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().flat_map(|(name, values)| values.iter().map(move |value| (name, value)))
    }
}

fn decode(part: &[u8]) -> Result<String, String> {
    let plus_as_space: Vec<u8> = part.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    for (i, b) in plus_as_space.iter().enumerate() {
        if *b == b'%' {
            let hex = plus_as_space.get(i + 1..i + 3);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return Err("malformed percent-encoding".into());
            }
        }
    }
    percent_decode(&plus_as_space)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| "parameters are not valid UTF-8".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_decodes() {
        let p = Params::parse(b"a=1&b=hello+world&c=%C3%A9&empty=&flag").unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), Some("hello world"));
        assert_eq!(p.get("c"), Some("é"));
        assert_eq!(p.get("empty"), None);
        assert_eq!(p.get("flag"), None);
    }

    #[test]
    fn refuses_repeats_and_bad_encoding() {
        assert!(Params::parse(b"a=1&a=2").unwrap_err().contains("repeated"));
        assert!(Params::parse(b"a=%zz").is_err());
        assert!(Params::parse(b"a=%4").is_err());
        assert!(Params::parse(b"a=%FF").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn resource_may_repeat() {
        let p = Params::parse(b"resource=https%3A%2F%2Fa&resource=urn%3Ab&resource=&scope=x").unwrap();
        assert_eq!(p.all("resource"), ["https://a", "urn:b"]);
        assert_eq!(p.all("scope"), ["x"]);
        assert!(p.all("nothing").is_empty());
        assert_eq!(p.iter().count(), 3);
    }

    mod prop {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #[test]
            fn prop_any_body_parses_or_is_refused(raw in proptest::collection::vec(any::<u8>(), 0..512)) {
                let _ = Params::parse(&raw);
            }

            #[test]
            fn prop_encoded_pairs_round_trip(
                pairs in proptest::collection::btree_map("[a-z_]{1,12}", "\\PC{1,40}", 0..8)
            ) {
                let mut body = url::form_urlencoded::Serializer::new(String::new());
                for (name, value) in &pairs {
                    body.append_pair(name, value);
                }
                let params = Params::parse(body.finish().as_bytes()).map_err(TestCaseError::fail)?;
                for (name, value) in &pairs {
                    prop_assert_eq!(params.get(name), Some(value.as_str()));
                }
                prop_assert_eq!(params.iter().count(), pairs.len());
            }
        }
    }
}
