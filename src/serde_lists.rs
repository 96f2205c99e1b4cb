//! Lists in configuration that may come as a TOML array or as one
//! comma-separated string, the way operators write them in environment
//! variables (`CAREID_MFA__REQUIRED_ROLES=admin,clinician`).

use serde::de::{DeserializeOwned, Error, IntoDeserializer};
use serde::{Deserialize, Deserializer};

/// The items of an array of strings or of one comma-separated string,
/// trimmed, empty ones left out.
pub fn comma_items<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        List(Vec<String>),
        One(String),
    }
    let items = match Raw::deserialize(d)? {
        Raw::List(items) => items,
        Raw::One(s) => s.split(',').map(str::to_owned).collect(),
    };
    Ok(items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_owned).collect())
}

/// A list of `T`, each read from a string, from an array or a comma-separated string.
pub fn comma_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    comma_items(d)?
        .iter()
        .map(|s| {
            let value: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
                s.as_str().into_deserializer();
            T::deserialize(value).map_err(|e| D::Error::custom(format!("{s:?}: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Roles {
        #[serde(deserialize_with = "comma_list")]
        roles: Vec<crate::people::Role>,
    }

    #[test]
    fn a_list_comes_as_an_array_or_a_comma_separated_string() {
        let array: Roles = serde_json::from_str(r#"{"roles": ["admin", "clinician"]}"#).unwrap();
        let string: Roles = serde_json::from_str(r#"{"roles": "admin, clinician,"}"#).unwrap();
        assert_eq!(array.roles, string.roles);
        assert_eq!(string.roles.len(), 2);
        let empty: Roles = serde_json::from_str(r#"{"roles": ""}"#).unwrap();
        assert!(empty.roles.is_empty());
        let bad = serde_json::from_str::<Roles>(r#"{"roles": "admin,nurse"}"#).err().unwrap();
        assert!(bad.to_string().contains("nurse"), "{bad}");
    }
}
