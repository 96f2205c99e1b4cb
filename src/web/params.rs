//! Strict `application/x-www-form-urlencoded` parsing for protocol endpoints:
//! repeated parameters, bad percent-encoding and invalid UTF-8 are errors, not
//! silently repaired (RFC 6749 §3.1: parameters must not be repeated).

use std::collections::HashMap;

use percent_encoding::percent_decode;

/// Parameters by name; empty values count as absent (RFC 6749 §3.1).
#[derive(Debug, Clone, Default)]
pub struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(raw: &[u8]) -> Result<Params, String> {
        let mut map = HashMap::new();
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
            if map.insert(name.clone(), value).is_some() {
                return Err(format!("parameter {name} is repeated"));
            }
        }
        Ok(Params(map))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
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
}
