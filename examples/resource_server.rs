//! A small API that trusts careid's access tokens: the reference for
//! "Protecting an API" in the README, and the consumer careid's own tests run.
//!
//! Each request's bearer token must be an RFC 9068 access token (`typ`
//! `at+jwt`) signed by one of careid's published keys, issued by careid
//! (`iss`), for this API (`aud`), unexpired (`exp`, `nbf`, 30 s leeway), and
//! carry the scope its route needs. careid's keys come from its discovery
//! document and JWKS, cached and fetched again when a token names a key not
//! seen yet (a rotation), at most once per `refetch_after`. Given the API's
//! credentials, it also asks careid's `/introspect`, so a revoked token or a
//! signed-out person is refused at once rather than when the token expires.
//! A token bound to a key (DPoP, RFC 9449: `cnf.jkt`) is accepted only as
//! `Authorization: DPoP` with a fresh proof by that key for this request.
//!
//! ```sh
//! echo "$API_SECRET" | careid apis add --id https://api.example/records --name "Records API" \
//!     --scope records.read --scope records.write --secret-stdin
//! CAREID_ISSUER=http://localhost:8080 API_ID=https://api.example/records API_SECRET=… \
//!     API_URL=https://api.example cargo run --example resource_server     # listens on 127.0.0.1:9000
//! ```

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clap::Parser;
use jsonwebtoken::jwk::{Jwk, JwkSet, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::{Mutex, RwLock};

/// Seconds of clock difference tolerated on `exp` and `nbf`.
const LEEWAY: i64 = 30;
/// The algorithms careid signs access tokens with, and clients DPoP proofs;
/// `none` and HMAC never pass.
const ALGS: [Algorithm; 4] = [Algorithm::ES256, Algorithm::EdDSA, Algorithm::PS256, Algorithm::RS256];
/// The proof algorithms a DPoP challenge names.
const DPOP_ALGS: &str = "ES256 EdDSA PS256 RS256";
/// How old a DPoP proof may be; its `jti` is remembered that long.
const PROOF_MAX_AGE: i64 = 60;

/// How this API finds careid and which tokens are its own.
#[derive(Clone)]
pub struct Settings {
    /// careid's issuer identifier, e.g. `https://id.uk.example-health.com`.
    pub issuer: String,
    /// This API's resource identifier: the `aud` its tokens carry.
    pub audience: String,
    /// The API's secret (`careid apis add … --secret-stdin`): ask `/introspect`
    /// too. `None`: tokens are checked offline only.
    pub secret: Option<String>,
    /// Unix seconds now (tests move it).
    pub now: Arc<dyn Fn() -> i64 + Send + Sync>,
    /// The soonest the JWKS is fetched again for an unknown `kid`.
    pub refetch_after: Duration,
    /// Where clients reach this API, e.g. `https://api.example`: a DPoP
    /// proof's `htu` is this and the request's path.
    pub url: String,
}

impl Settings {
    pub fn new(issuer: &str, audience: &str) -> Settings {
        Settings {
            issuer: issuer.trim_end_matches('/').to_string(),
            audience: audience.to_string(),
            secret: None,
            now: Arc::new(system_now),
            refetch_after: Duration::from_secs(10),
            url: "http://127.0.0.1:9000".into(),
        }
    }
}

#[allow(clippy::disallowed_methods, reason = "the example's own clock; careid's is careid::clock")]
fn system_now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// careid's endpoints, from its discovery document.
#[derive(Clone, Deserialize)]
struct Discovery {
    jwks_uri: String,
    introspection_endpoint: String,
}

#[derive(Default)]
struct Keys {
    by_kid: HashMap<String, (DecodingKey, Algorithm)>,
    fetched: Option<Instant>,
}

/// The shared state of the API: settings, careid's endpoints and keys.
#[derive(Clone)]
pub struct ResourceServer {
    settings: Arc<Settings>,
    http: reqwest::Client,
    discovery: Arc<RwLock<Option<Discovery>>>,
    keys: Arc<RwLock<Keys>>,
    /// One JWKS fetch at a time: a burst of tokens with a new `kid` fetches once.
    fetching: Arc<Mutex<()>>,
    /// The `jti`s of DPoP proofs seen, until they are too old to be accepted anyway.
    proofs_seen: Arc<Mutex<HashMap<String, i64>>>,
}

/// The claims this API reads from an access token (RFC 9068 §2.2).
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub client_id: String,
    #[serde(default)]
    pub scope: String,
    pub exp: i64,
    #[serde(default)]
    pub nbf: Option<i64>,
    /// A sender-constrained token's key (RFC 9449 `cnf.jkt`).
    #[serde(default)]
    pub cnf: Option<Value>,
}

impl Claims {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split(' ').any(|s| s == scope)
    }
}

/// Why a request is refused, as RFC 6750 §3 answers it.
#[derive(Debug)]
pub enum Refusal {
    /// No token at all: a bare challenge (§3.1).
    NoToken,
    InvalidToken(String),
    /// A DPoP-bound token without a proof by its key (RFC 9449 §7.1).
    DpopRequired(String),
    /// A DPoP proof that does not hold (RFC 9449 §7.1).
    InvalidProof(String),
    InsufficientScope(&'static str),
    /// careid could not be reached for keys or introspection.
    Unavailable(String),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, challenge, body) = match self {
            Refusal::NoToken => (
                StatusCode::UNAUTHORIZED,
                "Bearer realm=\"api\"".to_string(),
                json!({"error": "invalid_request", "error_description": "an access token is required"}),
            ),
            Refusal::InvalidToken(why) => (
                StatusCode::UNAUTHORIZED,
                format!("Bearer realm=\"api\", error=\"invalid_token\", error_description=\"{why}\""),
                json!({"error": "invalid_token", "error_description": why}),
            ),
            Refusal::DpopRequired(why) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "DPoP realm=\"api\", error=\"invalid_token\", error_description=\"{why}\", algs=\"{DPOP_ALGS}\""
                ),
                json!({"error": "invalid_token", "error_description": why}),
            ),
            Refusal::InvalidProof(why) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "DPoP realm=\"api\", error=\"invalid_dpop_proof\", error_description=\"{why}\", algs=\"{DPOP_ALGS}\""
                ),
                json!({"error": "invalid_dpop_proof", "error_description": why}),
            ),
            Refusal::InsufficientScope(scope) => (
                StatusCode::FORBIDDEN,
                format!("Bearer realm=\"api\", error=\"insufficient_scope\", scope=\"{scope}\""),
                json!({"error": "insufficient_scope", "error_description": format!("needs {scope}")}),
            ),
            Refusal::Unavailable(why) => (
                StatusCode::SERVICE_UNAVAILABLE,
                String::new(),
                json!({"error": "temporarily_unavailable", "error_description": why}),
            ),
        };
        let mut response = (status, Json(body)).into_response();
        if let Ok(value) = HeaderValue::from_str(&challenge)
            && !challenge.is_empty()
        {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

impl ResourceServer {
    pub fn new(settings: Settings) -> ResourceServer {
        ResourceServer {
            settings: Arc::new(settings),
            http: reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap_or_default(),
            discovery: Default::default(),
            keys: Default::default(),
            fetching: Default::default(),
            proofs_seen: Default::default(),
        }
    }

    /// The request's token, checked, and presented as it is bound (bearer, or
    /// DPoP with a proof); then the scope the route needs.
    pub async fn authorize(&self, request: &Request<'_>, scope: &'static str) -> Result<Claims, Refusal> {
        let (scheme, token) = presented_token(request.headers)?;
        let claims = self.check(token).await?;
        self.sender_constraint(request, scheme, token, &claims).await?;
        if !claims.has_scope(scope) {
            return Err(Refusal::InsufficientScope(scope));
        }
        Ok(claims)
    }

    /// Every check of the token itself, offline and then (with a secret) at careid.
    pub async fn check(&self, token: &str) -> Result<Claims, Refusal> {
        let invalid = |why: &str| Refusal::InvalidToken(why.to_string());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("not a JWT"))?;
        // RFC 9068 §4: an ID token is signed by the same keys; only `at+jwt` is an access token.
        let typ = header.typ.as_deref().unwrap_or("").to_ascii_lowercase();
        if typ != "at+jwt" && typ != "application/at+jwt" {
            return Err(invalid("not an access token (typ)"));
        }
        if !ALGS.contains(&header.alg) {
            return Err(invalid("unexpected alg"));
        }
        let kid = header.kid.ok_or_else(|| invalid("no kid"))?;
        let (key, alg) =
            self.key(&kid).await?.ok_or_else(|| invalid("signed by a key careid does not publish"))?;
        if alg != header.alg {
            return Err(invalid("alg does not match the key"));
        }
        let mut validation = Validation::new(alg);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["iss", "aud", "exp", "sub"]);
        // Times against this API's clock, below.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let claims =
            jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidAudience => {
                    invalid("the token is for another API (aud)")
                }
                jsonwebtoken::errors::ErrorKind::InvalidIssuer => invalid("the token is not careid's (iss)"),
                _ => invalid("bad signature or claims"),
            })?;
        let claims = claims.claims;
        let now = (self.settings.now)();
        if claims.exp + LEEWAY <= now {
            return Err(invalid("the token has expired"));
        }
        if claims.nbf.is_some_and(|nbf| nbf > now + LEEWAY) {
            return Err(invalid("the token is not valid yet"));
        }
        if self.settings.secret.is_some() && !self.introspect(token).await? {
            return Err(invalid("the token is no longer active"));
        }
        Ok(claims)
    }

    async fn endpoints(&self) -> Result<Discovery, Refusal> {
        if let Some(found) = self.discovery.read().await.clone() {
            return Ok(found);
        }
        let url = format!("{}/.well-known/openid-configuration", self.settings.issuer);
        let found: Discovery = self.get_json(&url).await?;
        *self.discovery.write().await = Some(found.clone());
        Ok(found)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, Refusal> {
        let unavailable = |e: reqwest::Error| Refusal::Unavailable(format!("careid: {e}"));
        let response = self.http.get(url).send().await.map_err(unavailable)?;
        response.error_for_status().map_err(unavailable)?.json().await.map_err(unavailable)
    }

    /// The key `kid` names: from the cache, or from a fresh JWKS when the
    /// cache does not know it and was not fetched within `refetch_after`.
    async fn key(&self, kid: &str) -> Result<Option<(DecodingKey, Algorithm)>, Refusal> {
        if let Some(found) = self.keys.read().await.by_kid.get(kid) {
            return Ok(Some(found.clone()));
        }
        let _one_at_a_time = self.fetching.lock().await;
        let keys = self.keys.read().await;
        if let Some(found) = keys.by_kid.get(kid) {
            return Ok(Some(found.clone()));
        }
        if keys.fetched.is_some_and(|at| at.elapsed() < self.settings.refetch_after) {
            return Ok(None);
        }
        drop(keys);
        let jwks: JwkSet = self.get_json(&self.endpoints().await?.jwks_uri).await?;
        let mut by_kid = HashMap::new();
        for jwk in &jwks.keys {
            let alg = jwk.common.key_algorithm.and_then(|a| a.to_string().parse::<Algorithm>().ok());
            if let (Some(id), Some(alg), Ok(key)) = (&jwk.common.key_id, alg, DecodingKey::from_jwk(jwk)) {
                by_kid.insert(id.clone(), (key, alg));
            }
        }
        let found = by_kid.get(kid).cloned();
        *self.keys.write().await = Keys { by_kid, fetched: Some(Instant::now()) };
        Ok(found)
    }

    /// RFC 7662 at careid with the API's own credentials: whether the token is
    /// still active for this API.
    async fn introspect(&self, token: &str) -> Result<bool, Refusal> {
        let endpoint = self.endpoints().await?.introspection_endpoint;
        // RFC 6749 §2.3.1: both halves of Basic are form-urlencoded first (an API id is a URI).
        let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let secret = self.settings.secret.as_deref().unwrap_or_default();
        let unavailable = |e: reqwest::Error| Refusal::Unavailable(format!("careid introspection: {e}"));
        let answer: Value = self
            .http
            .post(endpoint)
            .basic_auth(encode(&self.settings.audience), Some(encode(secret)))
            .form(&[("token", token)])
            .send()
            .await
            .map_err(unavailable)?
            .error_for_status()
            .map_err(unavailable)?
            .json()
            .await
            .map_err(unavailable)?;
        Ok(answer["active"] == true && answer["aud"] == self.settings.audience.as_str())
    }
}

/// How a token is presented: RFC 6750 `Bearer` or RFC 9449 `DPoP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Bearer,
    Dpop,
}

/// What a route needs of its request to check a DPoP proof.
pub struct Request<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
}

/// `Authorization: Bearer <token>` (RFC 6750 §2.1) or `Authorization: DPoP <token>` (RFC 9449 §7.1).
fn presented_token(headers: &HeaderMap) -> Result<(Scheme, &str), Refusal> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Err(Refusal::NoToken) };
    let value = value.to_str().map_err(|_| Refusal::InvalidToken("unreadable Authorization".into()))?;
    let Some((scheme, token)) = value.split_once(' ') else { return Err(Refusal::NoToken) };
    let token = token.trim();
    match scheme.to_ascii_lowercase().as_str() {
        _ if token.is_empty() => Err(Refusal::NoToken),
        "bearer" => Ok((Scheme::Bearer, token)),
        "dpop" => Ok((Scheme::Dpop, token)),
        _ => Err(Refusal::NoToken),
    }
}

/// The claims of a DPoP proof this API reads (RFC 9449 §4.2).
#[derive(Deserialize)]
struct ProofClaims {
    htm: String,
    htu: String,
    iat: i64,
    jti: String,
    ath: Option<String>,
}

impl ResourceServer {
    /// RFC 9449 §7: a token with `cnf.jkt` only with the DPoP scheme and a
    /// proof by that key; a token without only as a bearer token.
    async fn sender_constraint(
        &self,
        request: &Request<'_>,
        scheme: Scheme,
        token: &str,
        claims: &Claims,
    ) -> Result<(), Refusal> {
        let bound_to = claims.cnf.as_ref().and_then(|c| c["jkt"].as_str());
        match (scheme, bound_to) {
            (Scheme::Bearer, None) => Ok(()),
            (Scheme::Bearer, Some(_)) => {
                Err(Refusal::DpopRequired("a DPoP-bound token needs its proof".into()))
            }
            (Scheme::Dpop, None) => Err(Refusal::InvalidToken("the token is not DPoP-bound".into())),
            (Scheme::Dpop, Some(jkt)) => {
                if self.proof_key(request, token).await? != jkt {
                    return Err(Refusal::DpopRequired("the proof is by another key than the token's".into()));
                }
                Ok(())
            }
        }
    }

    /// The thumbprint of the key that signed the request's DPoP proof, once
    /// every check of RFC 9449 §4.3 holds: one proof, `typ dpop+jwt`, a
    /// public `jwk` that verifies it, this method and URL, made within a
    /// minute, a `jti` not seen before, and `ath` the hash of `token`.
    async fn proof_key(&self, request: &Request<'_>, token: &str) -> Result<String, Refusal> {
        let bad = |why: &str| Refusal::InvalidProof(why.to_string());
        let mut proofs = request.headers.get_all("dpop").iter();
        let (Some(proof), None) = (proofs.next(), proofs.next()) else {
            return Err(bad("send exactly one DPoP proof"));
        };
        let proof = proof.to_str().map_err(|_| bad("unreadable proof"))?;
        let header = jsonwebtoken::decode_header(proof).map_err(|_| bad("not a JWT"))?;
        if !header.typ.is_some_and(|t| t.eq_ignore_ascii_case("dpop+jwt")) || !ALGS.contains(&header.alg) {
            return Err(bad("typ must be dpop+jwt and alg an asymmetric one"));
        }
        if has_private_members(proof) {
            return Err(bad("the proof carries a private key"));
        }
        let jwk: Jwk = header.jwk.ok_or_else(|| bad("no jwk"))?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|_| bad("unusable jwk"))?;
        let mut validation = Validation::new(header.alg);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        let claims = jsonwebtoken::decode::<ProofClaims>(proof, &key, &validation)
            .map_err(|_| bad("bad signature or claims"))?
            .claims;
        let htu = format!("{}{}", self.settings.url.trim_end_matches('/'), request.uri.path());
        if claims.htm != request.method.as_str() || claims.htu.split(['?', '#']).next() != Some(htu.as_str())
        {
            return Err(bad("the proof is for another request (htm, htu)"));
        }
        let now = (self.settings.now)();
        if claims.iat > now + LEEWAY || claims.iat < now - PROOF_MAX_AGE {
            return Err(bad("the proof is too old or from the future (iat)"));
        }
        let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
        if claims.ath.as_deref() != Some(ath.as_str()) {
            return Err(bad("the proof is for another token (ath)"));
        }
        let jkt = jwk.thumbprint(ThumbprintHash::SHA256);
        let mut seen = self.proofs_seen.lock().await;
        seen.retain(|_, until| *until > now);
        if seen.insert(format!("{jkt}:{}", claims.jti), claims.iat + PROOF_MAX_AGE + LEEWAY).is_some() {
            return Err(bad("the proof was used before (jti)"));
        }
        Ok(jkt)
    }
}

/// Whether a proof's header `jwk` holds a private key's members (RFC 7518 §6).
fn has_private_members(proof: &str) -> bool {
    let header = proof.split('.').next().and_then(|h| URL_SAFE_NO_PAD.decode(h).ok());
    let header: Option<Value> = header.and_then(|bytes| serde_json::from_slice(&bytes).ok());
    header.is_some_and(|h| ["d", "p", "q", "dp", "dq", "qi", "k"].iter().any(|m| h["jwk"].get(m).is_some()))
}

/// The example's own data: records of the token's subject.
async fn read_records(
    State(api): State<ResourceServer>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<Value>, Refusal> {
    let claims =
        api.authorize(&Request { method: &method, uri: &uri, headers: &headers }, "records.read").await?;
    Ok(Json(
        json!({ "sub": claims.sub, "client_id": claims.client_id, "records": ["blood pressure 120/80"] }),
    ))
}

async fn write_record(
    State(api): State<ResourceServer>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<Value>), Refusal> {
    let claims =
        api.authorize(&Request { method: &method, uri: &uri, headers: &headers }, "records.write").await?;
    Ok((StatusCode::CREATED, Json(json!({ "sub": claims.sub, "written": true }))))
}

/// The API's routes: `GET /records` needs `records.read`, `POST /records` `records.write`.
pub fn router(api: ResourceServer) -> Router {
    Router::new().route("/records", get(read_records).post(write_record)).with_state(api)
}

/// The example's settings, from the environment (or flags).
#[derive(Parser)]
struct Args {
    #[arg(long, env = "CAREID_ISSUER")]
    issuer: String,
    #[arg(long = "api-id", env = "API_ID")]
    api_id: String,
    /// Set it in the environment: arguments show up in `ps`.
    #[arg(long, env = "API_SECRET", hide_env_values = true)]
    api_secret: Option<String>,
    #[arg(long, env = "LISTEN", default_value = "127.0.0.1:9000")]
    listen: std::net::SocketAddr,
    /// Where clients reach this API (what DPoP proofs name as `htu`); default: http:// and LISTEN.
    #[arg(long, env = "API_URL")]
    api_url: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut settings = Settings::new(&args.issuer, &args.api_id);
    settings.secret = args.api_secret;
    settings.url = args.api_url.unwrap_or_else(|| format!("http://{}", args.listen));
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    eprintln!("resource server for {} on http://{}", args.api_id, args.listen);
    axum::serve(listener, router(ResourceServer::new(settings))).await?;
    Ok(())
}
