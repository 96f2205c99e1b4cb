//! Sign-ins as the App makes them, over plain HTTP: authorization request,
//! login page, password, for clinicians and administrators a mobile number
//! (the first time) and the code texted to it, code exchange, two refresh
//! rotations; then an administrator's changes over the Admin API. Each step
//! goes to a node that is up, moving on to another when the connection
//! fails (the person's browser retried behind the load balancer).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::admin;
use crate::forms::hidden_fields;
use crate::texts::Inbox;

pub const REDIRECT: &str = "com.example.app:/cb";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// Someone who signs in.
#[derive(Clone)]
pub struct Person {
    pub email: String,
    pub password: String,
    /// The mobile number of someone who must use two steps (E.164), and
    /// where the nodes write the texts they send.
    pub phone: Option<(String, Vec<PathBuf>)>,
    /// An administrator's changes after signing in: the member they disable and enable again.
    pub administers: Option<String>,
}

impl Person {
    /// Someone who signs in with a password alone.
    pub fn patient(email: &str, password: &str) -> Person {
        Person { email: email.into(), password: password.into(), phone: None, administers: None }
    }
}

/// What a sign-in made that must outlive every fault (answered with success).
#[derive(Debug, Default)]
pub struct Made {
    /// (email, E.164) of a number added and verified.
    pub phone: Option<(String, String)>,
    /// Invitations created through the Admin API.
    pub invitations: Vec<String>,
    /// The audit kinds of the administrator's changes that were answered with success.
    pub changes: Vec<&'static str>,
}

/// A sign-in as it went: how it ended, its slowest answer, what it made, and
/// the browser that made it (its cookies hold the session).
pub struct Trip {
    pub outcome: Outcome,
    pub slowest: Duration,
    pub made: Made,
    pub browser: reqwest::Client,
}

/// How one sign-in ended.
#[derive(Debug)]
pub enum Outcome {
    /// Tokens in hand: the grant, its current refresh token and the ID token.
    Completed { grant: String, refresh_token: String, id_token: String },
    /// Refused with 503 or no node answered: the person starts again.
    Interrupted { step: &'static str, why: String },
    /// A 5xx other than 503, or an answer that makes no sense: a defect.
    Broken { step: &'static str, why: String },
}

/// The slowest answer accepted, even while a store is down (careid waits 3 s
/// for a database connection before answering 503).
pub const PATIENCE: Duration = Duration::from_secs(5);

pub(crate) struct Journey<'a> {
    http: reqwest::Client,
    nodes: &'a [String],
    issuer: &'a str,
    first: usize,
    slowest: Duration,
    /// Whether the last request went to another node after a connection failed.
    pub failed_over: bool,
    pub made: Made,
}

pub(crate) enum StepError {
    Interrupted(String),
    Broken(String),
}

impl Journey<'_> {
    /// Sends the request `build` makes to each node in turn until one answers.
    pub async fn send(
        &mut self,
        build: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    ) -> Result<(u16, reqwest::header::HeaderMap, String), StepError> {
        let mut last = String::new();
        self.failed_over = false;
        for i in 0..self.nodes.len() {
            let base = &self.nodes[(self.first + i) % self.nodes.len()];
            let started = Instant::now();
            match build(&self.http, base).send().await {
                Ok(response) => {
                    self.slowest = self.slowest.max(started.elapsed());
                    let status = response.status().as_u16();
                    let headers = response.headers().clone();
                    let body = response.text().await.unwrap_or_default();
                    return match status {
                        503 => Err(StepError::Interrupted(format!("503 from {base}"))),
                        500.. => Err(StepError::Broken(format!("{status} from {base}: {body}"))),
                        _ => Ok((status, headers, body)),
                    };
                }
                Err(e) => {
                    last = format!("{base}: {e}");
                    self.failed_over = true;
                }
            }
        }
        Err(StepError::Interrupted(format!("no node answered ({last})")))
    }

    /// The path and query of a Location on careid, to send to any node.
    fn on_careid(&self, location: &str) -> Option<String> {
        location
            .strip_prefix(self.issuer)
            .map(str::to_owned)
            .or_else(|| location.starts_with('/').then(|| location.to_owned()))
    }
}

/// `person` signs in at the App through `nodes`, starting with node `first`.
pub async fn sign_in(nodes: &[String], issuer: &str, first: usize, person: &Person) -> Trip {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .timeout(PATIENCE * 2)
        .build()
        .unwrap();
    let mut journey = Journey {
        http: http.clone(),
        nodes,
        issuer,
        first,
        slowest: Duration::ZERO,
        failed_over: false,
        made: Made::default(),
    };
    let outcome = match steps(&mut journey, person).await {
        Ok(done) => done,
        Err((step, StepError::Interrupted(why))) => Outcome::Interrupted { step, why },
        Err((step, StepError::Broken(why))) => Outcome::Broken { step, why },
    };
    Trip { outcome, slowest: journey.slowest, made: journey.made, browser: http }
}

type Step<T> = Result<T, (&'static str, StepError)>;

async fn steps(j: &mut Journey<'_>, person: &Person) -> Step<Outcome> {
    let inbox = person.phone.as_ref().map(|(phone, outboxes)| Inbox::open(phone, outboxes));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()));
    let scope = if person.administers.is_some() {
        format!("openid offline_access {}", admin::SCOPE)
    } else {
        "openid offline_access".into()
    };
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", "app"),
            ("redirect_uri", REDIRECT),
            ("scope", scope.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("state", "s"),
        ])
        .finish();
    let broken = |step, why: String| (step, StepError::Broken(why));
    let (status, headers, _) = j
        .send(|http, base| http.get(format!("{base}/authorize?{query}")))
        .await
        .map_err(|e| ("authorize", e))?;
    let location =
        location_of(&headers).ok_or_else(|| broken("authorize", format!("{status} without a Location")))?;
    let login = j.on_careid(&location).ok_or_else(|| broken("authorize", format!("sent to {location}")))?;
    let (status, _, page) =
        j.send(|http, base| http.get(format!("{base}{login}"))).await.map_err(|e| ("login page", e))?;
    if status != 200 {
        return Err(broken("login page", format!("{status}")));
    }
    let mut form = hidden_fields(&page, "/login");
    if form.is_empty() {
        // The transaction was lost with the ephemeral store: start again.
        return Ok(Outcome::Interrupted { step: "login page", why: "no login form".into() });
    }
    form.push(("email".into(), person.email.clone()));
    form.push(("password".into(), person.password.clone()));
    let mut answer = j
        .send(|http, base| http.post(format!("{base}/login")).form(&form))
        .await
        .map_err(|e| ("password", e))?;
    let mut step = "password";
    let mut tried = Vec::new();
    let mut hops = 0;
    // Through careid's own redirects and pages (the rest of the sign-in) to the App.
    let location = loop {
        let (status, headers, body) = answer;
        hops += 1;
        if hops > 16 {
            return Err(broken(step, format!("still on careid after {hops} answers, forms {tried:?}")));
        }
        if tried.last() == Some(&"/login/sms")
            && tried.contains(&"/login/phone")
            && status < 400
            && !body.contains(r#"action="/login/sms""#)
            && let Some((phone, _)) = &person.phone
        {
            // The code was taken: the number it went to is the person's now.
            j.made.phone.get_or_insert_with(|| (person.email.clone(), phone.clone()));
        }
        let next = match location_of(&headers) {
            Some(location) => match j.on_careid(&location) {
                Some(next) => Next::Get(next),
                None => break location,
            },
            None => page_action(&body, person, inbox.as_ref(), &tried)
                .map_err(|why| broken(step, why))?
                .unwrap_or(Next::Stop),
        };
        answer = match next {
            Next::Get(path) => {
                step = "continue";
                j.send(|http, base| http.get(format!("{base}{path}"))).await
            }
            Next::Post(action, form) => {
                step = action;
                tried.push(action);
                j.send(|http, base| http.post(format!("{base}{action}")).form(&form)).await
            }
            Next::Stop => {
                // A page that does not go on: the sign-in expired with its transaction or code.
                let why = format!("{status}: page {} after {tried:?}", body.len());
                return Ok(Outcome::Interrupted { step, why });
            }
        }
        .map_err(|e| (step, e))?;
    };
    let code = url::Url::parse(&location)
        .ok()
        .and_then(|u| u.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()))
        .ok_or_else(|| broken("password", format!("sent to {location}")))?;
    let tokens = token(
        j,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
            ("client_id", "app"),
        ],
        "code exchange",
    )
    .await?;
    let id_token = text(&tokens, "id_token");
    let mut refresh_token = text(&tokens, "refresh_token");
    let mut access_token = text(&tokens, "access_token");
    for step in ["first refresh", "second refresh"] {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.as_str()),
            ("client_id", "app"),
        ];
        let tokens = token(j, &form, step).await?;
        refresh_token = text(&tokens, "refresh_token");
        access_token = text(&tokens, "access_token");
    }
    let grant =
        grant_of(&access_token).ok_or_else(|| broken("tokens", "an access token without gid".into()))?;
    if let Some(member) = &person.administers {
        admin::changes(j, &access_token, member).await?;
    }
    Ok(Outcome::Completed { grant, refresh_token, id_token })
}

/// What to do on a page careid answered with instead of a redirect.
enum Next {
    Get(String),
    Post(&'static str, Vec<(String, String)>),
    Stop,
}

/// The form to send from `page`: the number on "Add your mobile number", the
/// code texted on "2 Step Verification", on from the recovery codes shown
/// once. None when the page does not go on (or it is the form `tried` last:
/// the number or code was refused).
fn page_action(
    page: &str,
    person: &Person,
    inbox: Option<&Inbox>,
    tried: &[&'static str],
) -> Result<Option<Next>, String> {
    let again = |action: &str| tried.last() == Some(&action);
    if let Some((phone, _)) = &person.phone
        && page.contains(r#"action="/login/phone""#)
        && !again("/login/phone")
    {
        let mut form = hidden_fields(page, "/login/phone");
        form.push(("phone".into(), phone.clone()));
        return Ok(Some(Next::Post("/login/phone", form)));
    }
    if let Some(inbox) = inbox
        && page.contains(r#"action="/login/sms""#)
        && !again("/login/sms")
    {
        // No new text: the node that was to send it died first; the person starts again.
        let Some(code) = inbox.new_code()? else { return Ok(None) };
        let mut form = hidden_fields(page, "/login/sms");
        form.push(("code".into(), code));
        return Ok(Some(Next::Post("/login/sms", form)));
    }
    if page.contains(r#"id="recovery-codes""#) {
        return Ok(Some(Next::Get(crate::forms::link(page, "recovery-continue"))));
    }
    Ok(None)
}

async fn token(
    j: &mut Journey<'_>,
    form: &[(&str, &str)],
    step: &'static str,
) -> Result<Value, (&'static str, StepError)> {
    let (status, _, body) =
        j.send(|http, base| http.post(format!("{base}/token")).form(form)).await.map_err(|e| (step, e))?;
    let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    if status == 400 && j.failed_over {
        // The node that died may have redeemed the code before it went: the App starts again.
        return Err((step, StepError::Interrupted(format!("after a failover: {body}"))));
    }
    if status == 400 && step == "code exchange" && value["error"] == "invalid_grant" {
        // Codes live in the ephemeral store: one issued before Redis restarted is gone.
        // (A round without a fault must still complete every sign-in.)
        return Err((step, StepError::Interrupted(format!("the code was lost: {body}"))));
    }
    if status != 200 {
        return Err((step, StepError::Broken(format!("{status}: {body}"))));
    }
    Ok(value)
}

fn location_of(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers.get("location").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn text(value: &Value, field: &str) -> String {
    value[field].as_str().unwrap_or_default().to_string()
}

/// The grant an access token names (`gid`, careid's own claim).
fn grant_of(access_token: &str) -> Option<String> {
    let payload = access_token.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims["gid"].as_str().map(str::to_owned)
}

/// A refresh token used once more, as the App does later: the family must still work.
pub async fn refresh_once(nodes: &[String], refresh_token: &str) -> Result<String, String> {
    let http = reqwest::Client::new();
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", "app")];
    for base in nodes {
        if let Ok(response) = http.post(format!("{base}/token")).form(&form).send().await {
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            return if status == 200 {
                Ok(text(&body, "refresh_token"))
            } else {
                Err(format!("{status}: {body}"))
            };
        }
    }
    Err("no node answered".into())
}
