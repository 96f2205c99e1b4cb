//! The authorization request (OIDC Core §3.1.2.1, RFC 6749 §4.1.1, RFC 7636),
//! checked one rule at a time. The client and redirect URI are checked first:
//! until both are known good, errors are pages; after, they go back to the client.

use serde::{Deserialize, Serialize};

use super::super::error::{ErrorCode, OAuthError};
use crate::clients::Client;
use crate::oidc::dpop;
use crate::web::pages::PageError;
use crate::web::params::Params;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    None,
    Login,
    Consent,
    SelectAccount,
}

/// Where and how to answer the client; known as soon as the client and its
/// redirect URI check out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplyTo {
    pub client_id: String,
    pub redirect_uri: String,
    pub response_mode: ResponseMode,
    pub state: Option<String>,
}

/// A fully checked authorization request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub reply: ReplyTo,
    /// Requested scopes the client may have, in request order.
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Vec<Prompt>,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    /// `sub` of a valid `id_token_hint`.
    pub hinted_sub: Option<String>,
    pub acr_values: Vec<String>,
    /// The `claims` parameter (OIDC Core §5.5), as given.
    pub claims: Option<serde_json::Value>,
    /// The APIs the tokens may be for (RFC 8707), set by `resource::authorize`.
    #[serde(default)]
    pub resources: Vec<String>,
    /// The DPoP key the code will be bound to (RFC 9449 §10).
    #[serde(default)]
    pub dpop_jkt: Option<String>,
    /// `ui_locales` (OIDC Core §3.1.2.1): the languages the person prefers for this sign-in.
    #[serde(default)]
    pub ui_locales: Option<String>,
}

impl AuthorizationRequest {
    pub fn has_prompt(&self, prompt: Prompt) -> bool {
        self.prompt.contains(&prompt)
    }

    pub fn scope_string(&self) -> String {
        self.scopes.join(" ")
    }
}

const MAX_PARAM_LEN: usize = 4096;

/// Rule 1 and 2: a known client and one of its redirect URIs, exactly.
pub fn check_client_and_redirect(params: &Params, client: Option<&Client>) -> Result<ReplyTo, PageError> {
    let Some(client_id) = params.get("client_id") else {
        return Err(PageError::bad_request(crate::i18n::text("authorize-no-client-id")));
    };
    let Some(client) = client else {
        return Err(PageError::bad_request(crate::i18n::text("authorize-unknown-application")));
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return Err(PageError::bad_request(crate::i18n::text("authorize-no-redirect-uri")));
    };
    if !client.redirect_uri_matches(redirect_uri) {
        return Err(PageError::bad_request(crate::i18n::text("authorize-unregistered-redirect")));
    }
    let response_mode = match params.get("response_mode") {
        None | Some("query") => ResponseMode::Query,
        Some("fragment") => ResponseMode::Fragment,
        Some("form_post") => ResponseMode::FormPost,
        // Answered in the default mode by `check_rest`.
        Some(_) => ResponseMode::Query,
    };
    Ok(ReplyTo {
        client_id: client_id.to_string(),
        redirect_uri: redirect_uri.to_string(),
        response_mode,
        state: params.get("state").map(str::to_owned),
    })
}

fn invalid(description: impl Into<String>) -> OAuthError {
    OAuthError::invalid_request(description)
}

/// Every other rule; errors here are sent back to the client.
pub fn check_rest(
    params: &Params,
    client: &Client,
    reply: ReplyTo,
) -> Result<AuthorizationRequest, OAuthError> {
    if let Some((name, _)) = params.iter().find(|(_, v)| v.len() > MAX_PARAM_LEN) {
        return Err(invalid(format!("parameter {name} is too long")));
    }
    if let Some(mode) = params.get("response_mode")
        && !matches!(mode, "query" | "fragment" | "form_post")
    {
        return Err(invalid(format!("unsupported response_mode {mode:?}")));
    }
    // `request` and `request_uri` never reach here: `source` has replaced
    // them with the parameters they carry.
    match params.get("response_type") {
        None => return Err(invalid("response_type is required")),
        Some("code") => {}
        Some(other) => {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedResponseType,
                format!("response_type {other:?} is not supported; use code"),
            ));
        }
    }
    if !client.allows_grant("authorization_code") {
        return Err(OAuthError::new(ErrorCode::UnauthorizedClient, "this client may not use the code flow"));
    }
    let requested: Vec<&str> =
        params.get("scope").unwrap_or("").split(' ').filter(|s| !s.is_empty()).collect();
    let mut scopes: Vec<String> = Vec::new();
    for scope in requested {
        if client.allowed_scopes.iter().any(|s| s == scope) && !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_string());
        }
    }
    let code_challenge = check_pkce(params, client)?;
    let dpop_jkt = match params.get("dpop_jkt") {
        None => None,
        Some(jkt) if dpop::is_thumbprint(jkt) => Some(jkt.to_owned()),
        Some(_) => {
            return Err(invalid("dpop_jkt must be a JWK SHA-256 thumbprint (43 base64url characters)"));
        }
    };
    let prompt = check_prompt(params)?;
    let max_age = match params.get("max_age") {
        None => None,
        Some(v) => Some(
            v.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| invalid("max_age must be a non-negative integer"))?,
        ),
    };
    let claims = match params.get("claims") {
        None => None,
        Some(raw) => {
            let value: serde_json::Value =
                serde_json::from_str(raw).map_err(|_| invalid("claims must be a JSON object"))?;
            if !value.is_object() {
                return Err(invalid("claims must be a JSON object"));
            }
            Some(value)
        }
    };
    Ok(AuthorizationRequest {
        reply,
        scopes,
        nonce: params.get("nonce").map(str::to_owned),
        code_challenge,
        prompt,
        max_age,
        login_hint: params.get("login_hint").map(str::to_owned),
        hinted_sub: None,
        acr_values: params
            .get("acr_values")
            .unwrap_or("")
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        claims,
        resources: Vec::new(),
        dpop_jkt,
        ui_locales: params.get("ui_locales").map(|v| v.chars().take(256).collect()),
    })
}

/// RFC 7636 with S256 only; required for public clients (RFC 9700 §2.1.1).
fn check_pkce(params: &Params, client: &Client) -> Result<Option<String>, OAuthError> {
    let challenge = params.get("code_challenge");
    match (challenge, params.get("code_challenge_method")) {
        (None, None) if client.public => {
            Err(invalid("PKCE is required: send code_challenge with method S256"))
        }
        (None, None) => Ok(None),
        (None, Some(_)) => Err(invalid("code_challenge_method without code_challenge")),
        (Some(_), Some(method)) if method != "S256" => {
            Err(invalid(format!("code_challenge_method {method:?} is not supported; use S256")))
        }
        // RFC 7636 §4.3: a missing method means plain, which careid refuses.
        (Some(_), None) => Err(invalid("code_challenge_method is required and must be S256")),
        (Some(c), Some(_)) => {
            let well_formed = (43..=128).contains(&c.len())
                && c.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
            if !well_formed {
                return Err(invalid("code_challenge must be 43 to 128 unreserved characters"));
            }
            Ok(Some(c.to_string()))
        }
    }
}

fn check_prompt(params: &Params) -> Result<Vec<Prompt>, OAuthError> {
    let mut prompts = Vec::new();
    for value in params.get("prompt").unwrap_or("").split(' ').filter(|s| !s.is_empty()) {
        let prompt = match value {
            "none" => Prompt::None,
            "login" => Prompt::Login,
            "consent" => Prompt::Consent,
            "select_account" => Prompt::SelectAccount,
            other => return Err(invalid(format!("unsupported prompt value {other:?}"))),
        };
        if !prompts.contains(&prompt) {
            prompts.push(prompt);
        }
    }
    if prompts.contains(&Prompt::None) && prompts.len() > 1 {
        return Err(invalid("prompt=none cannot be combined with other values"));
    }
    Ok(prompts)
}
