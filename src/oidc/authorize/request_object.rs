//! Signed request objects (RFC 9101, OIDC Core §6.1): the authorization
//! request as a JWT the client signs with one of its registered keys. Checked
//! here (signature, `iss`, `aud`, times, `jti` once) and turned into the
//! request's parameters, which then come from the object alone (RFC 9101 §5).

use serde_json::{Map, Value};

use crate::AppState;
use crate::clients::Client;
use crate::ephemeral::records;
use crate::oidc::client_keys;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::web::params::Params;

/// Seconds an expired object is still accepted, for clocks that drift.
const EXP_LEEWAY: i64 = 30;
/// The longest lifetime left an object may claim: its `jti` is remembered
/// until it expires, and a request is sent at once, not kept.
const MAX_LIFETIME: i64 = 300;
/// How far in the future `iat` and `nbf` may be, for the client's clock being ahead.
const FUTURE_SKEW: i64 = 60;
/// The longest `jti` careid remembers.
const MAX_JTI_LEN: usize = 256;

/// Claims about the JWT itself, which are not authorization parameters.
const JWT_CLAIMS: [&str; 7] = ["iss", "aud", "exp", "nbf", "iat", "jti", "sub"];

/// `typ` values a request object may carry (RFC 9101 §10.8); any other names
/// another kind of JWT.
const TYPES: [&str; 2] = ["oauth-authz-req+jwt", "jwt"];

fn invalid(why: impl std::fmt::Display) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidRequestObject, format!("request object rejected: {why}"))
}

/// A verified request object: its parameters and what makes it single-use.
#[derive(Debug)]
pub struct Opened {
    pub params: Vec<(String, String)>,
    jti: String,
    exp: i64,
}

/// Verifies `jwt` as a request object of `client` for careid (`issuer`) at
/// `now`; its parameters, with `client_id` always among them.
pub fn open(client: &Client, jwt: &str, issuer: &str, now: i64) -> Result<Opened, OAuthError> {
    let signed = client_keys::verify(client, jwt).map_err(invalid)?;
    if let Some(typ) = &signed.header.typ {
        let typ = typ.to_ascii_lowercase();
        if !TYPES.contains(&typ.strip_prefix("application/").unwrap_or(&typ)) {
            return Err(invalid(format!("typ {typ:?} is not a request object's")));
        }
    }
    let claims = signed.claims;
    if claims.get("iss").and_then(Value::as_str) != Some(client.id.as_str()) {
        return Err(invalid("iss must be the client_id"));
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == issuer,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(issuer)),
        _ => false,
    };
    if !audience_ok {
        return Err(invalid(format!("aud must be careid's issuer identifier {issuer}")));
    }
    let exp = seconds(&claims, "exp")?.ok_or_else(|| invalid("exp is required"))?;
    check_times(exp, seconds(&claims, "iat")?, seconds(&claims, "nbf")?, now).map_err(invalid)?;
    let jti = match claims.get("jti") {
        Some(Value::String(jti)) if !jti.is_empty() && jti.len() <= MAX_JTI_LEN => jti.clone(),
        Some(_) => return Err(invalid(format!("jti must be 1 to {MAX_JTI_LEN} characters"))),
        None => return Err(invalid("jti is required")),
    };
    if let Some(id) = claims.get("client_id")
        && id.as_str() != Some(client.id.as_str())
    {
        return Err(invalid("its client_id is not the client_id of the request"));
    }
    if claims.contains_key("request") || claims.contains_key("request_uri") {
        return Err(invalid("it cannot itself hold request or request_uri"));
    }
    let mut params = parameters(claims);
    if !params.iter().any(|(name, _)| name == "client_id") {
        params.push(("client_id".into(), client.id.clone()));
    }
    Ok(Opened { params, jti, exp })
}

/// Opens `jwt` as [`open`] does and uses up its `jti`, once across every
/// node; the request's parameters, as form text.
pub async fn accept(state: &AppState, client: &Client, jwt: &str) -> Result<String, OAuthError> {
    let opened = open(client, jwt, state.config.issuer_str(), state.clock.now())?;
    let form = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&opened.params).finish();
    // A parameter the object repeats (an array of strings) is refused like a
    // repeated query parameter, before the jti is spent.
    Params::parse(form.as_bytes()).map_err(invalid)?;
    // Remembered for as long as the object could be accepted (exp is bounded above).
    let used = records::UsedUntil(opened.exp + EXP_LEEWAY + 1);
    let id = records::scoped(&client.id, &opened.jti);
    if !records::REQUEST_OBJECT_JTI.put_new(state, &id, &used).await? {
        return Err(invalid("it was already used (jti)"));
    }
    Ok(form)
}

/// OIDC Core §6.1: `response_type` and `client_id` sent beside the object
/// must match it. Every other parameter outside is ignored.
pub fn outer_matches(outer: &Params, form: &str) -> Result<(), OAuthError> {
    let inner = Params::parse(form.as_bytes()).map_err(invalid)?;
    for name in ["client_id", "response_type"] {
        if let (Some(a), Some(b)) = (outer.get(name), inner.get(name))
            && a != b
        {
            return Err(OAuthError::invalid_request(format!("{name} differs from the request object's")));
        }
    }
    Ok(())
}

/// A time claim in whole seconds; a number or nothing.
fn seconds(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, OAuthError> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => match (v.as_i64(), v.as_f64()) {
            (Some(secs), _) => Ok(Some(secs)),
            (None, Some(secs)) if secs.is_finite() && secs.abs() < 1e15 => Ok(Some(secs.floor() as i64)),
            _ => Err(invalid(format!("{name} must be a number of seconds"))),
        },
    }
}

/// Unexpired, not valid for more than a few minutes, and not issued (or
/// valid) only in the future.
fn check_times(exp: i64, iat: Option<i64>, nbf: Option<i64>, now: i64) -> Result<(), String> {
    if exp < now - EXP_LEEWAY {
        return Err("it has expired (exp)".into());
    }
    if exp > now + MAX_LIFETIME + EXP_LEEWAY {
        return Err(format!("exp is more than {} minutes ahead", MAX_LIFETIME / 60));
    }
    if iat.is_some_and(|iat| iat > now + FUTURE_SKEW) {
        return Err("iat is in the future".into());
    }
    if nbf.is_some_and(|nbf| nbf > now + FUTURE_SKEW) {
        return Err("nbf is in the future: the request object is not valid yet".into());
    }
    Ok(())
}

/// The object's claims as authorization parameters: strings as they are,
/// numbers and booleans as text, objects (`claims`) as JSON text, an array of
/// strings as a repeated parameter.
fn parameters(claims: Map<String, Value>) -> Vec<(String, String)> {
    let mut params = Vec::new();
    for (name, value) in claims {
        if JWT_CLAIMS.contains(&name.as_str()) {
            continue;
        }
        match value {
            Value::Null => {}
            Value::String(s) => params.push((name, s)),
            Value::Array(items) if items.iter().all(Value::is_string) => {
                for item in items {
                    params.push((name.clone(), item.as_str().unwrap_or_default().to_string()));
                }
            }
            other => params.push((name, other.to_string())),
        }
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_request_object_lives_at_most_five_minutes_and_starts_now() {
        let now = 1_000_000;
        assert_eq!(check_times(now + 60, Some(now), Some(now), now), Ok(()));
        assert_eq!(check_times(now - 30, None, None, now), Ok(()));
        assert!(check_times(now - 31, None, None, now).unwrap_err().contains("expired"));
        assert!(check_times(now + 331, None, None, now).unwrap_err().contains("5 minutes"));
        assert!(check_times(now + 60, Some(now + 61), None, now).unwrap_err().contains("iat"));
        assert!(check_times(now + 60, None, Some(now + 61), now).unwrap_err().contains("nbf"));
    }

    #[test]
    fn claims_become_parameters_and_jwt_claims_do_not() {
        let claims = json!({
            "iss": "c", "aud": "i", "exp": 1, "jti": "j", "scope": "openid", "max_age": 60,
            "claims": {"id_token": {"acr": null}}, "resource": ["https://a", "https://b"], "nonce": null
        });
        let Value::Object(claims) = claims else { unreachable!() };
        let mut params = parameters(claims);
        params.sort();
        assert_eq!(
            params,
            [
                ("claims".to_string(), r#"{"id_token":{"acr":null}}"#.to_string()),
                ("max_age".into(), "60".into()),
                ("resource".into(), "https://a".into()),
                ("resource".into(), "https://b".into()),
                ("scope".into(), "openid".into()),
            ]
        );
    }
}
