//! Recording audit events; a failure to record is logged, never shown to the user.
//! Rows are sealed onto a hash chain shortly after (`chain`), and exported
//! as NDJSON or CSV (`export`).

pub mod chain;
pub mod config;
pub mod export;

use axum::http::{HeaderMap, header};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::store::AuditEvent;

/// Who and where an event came from.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The request's `X-Request-Id` (set by careid when the caller sent none).
    pub request_id: Option<String>,
}

/// Where the request came from: its client IP and user agent.
impl axum::extract::FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let crate::web::client_ip::ClientIp(ip) =
            crate::web::client_ip::ClientIp::from_request_parts(parts, state).await?;
        Ok(Origin::from_request(ip, &parts.headers))
    }
}

impl Origin {
    pub fn from_request(ip: std::net::IpAddr, headers: &HeaderMap) -> Origin {
        Origin {
            ip: Some(ip.to_string()),
            user_agent: headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(256).collect()),
            request_id: headers
                .get(crate::telemetry::REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .map(|id| id.chars().take(128).collect()),
        }
    }
}

/// Who acted, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// Someone on their own account (signing in, changing a factor).
    Person,
    /// An administrator or operator through the Admin API.
    Administrator,
    /// The operator at the command line.
    Operator,
    /// careid itself (a sweep, a lock, an attempt by no one known).
    Careid,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Administrator => "administrator",
            ActorKind::Operator => "operator",
            ActorKind::Careid => "careid",
        }
    }

    /// For the changes the Admin API and the command line share, whose
    /// `actor` is the administrator or `None` for the operator at the command
    /// line; an actor changing their own account is the person.
    pub fn of_change(actor: Option<&str>, subject: Option<&str>) -> ActorKind {
        match actor {
            None => ActorKind::Operator,
            Some(actor) if Some(actor) == subject => ActorKind::Person,
            Some(_) => ActorKind::Administrator,
        }
    }
}

/// One event to record; `kind` is a dotted name such as `login.failure`.
pub struct Event<'a> {
    pub kind: &'a str,
    /// Unset: the person the event is about (or its actor), careid when
    /// there is neither (an attempt on no known account).
    pub actor_kind: Option<ActorKind>,
    pub actor: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub deployment_id: Option<&'a str>,
    pub detail: Option<Value>,
}

impl<'a> Event<'a> {
    pub fn new(kind: &'a str) -> Self {
        Event {
            kind,
            actor_kind: None,
            actor: None,
            subject: None,
            client_id: None,
            deployment_id: None,
            detail: None,
        }
    }
}

/// The fields that differ between two views of one thing, each as
/// `{"before": …, "after": …}`: what a change audits. Views never hold
/// secrets, and `ignore` names bookkeeping fields (times, versions).
pub fn changes(before: &impl Serialize, after: &impl Serialize, ignore: &[&str]) -> Map<String, Value> {
    let (Ok(Value::Object(before)), Ok(Value::Object(after))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Map::new();
    };
    let mut changed = Map::new();
    for (field, new) in after {
        let old = before.get(&field).cloned().unwrap_or(Value::Null);
        if old != new && !ignore.contains(&field.as_str()) {
            changed.insert(field, json!({ "before": old, "after": new }));
        }
    }
    changed
}

/// Kinds that record something refused, failed or stopped.
const FAILURE_SUFFIXES: [&str; 6] = [".failure", ".refused", ".locked", ".limited", ".replayed", "_refused"];

/// `failure` for the kinds that record one, `success` for the rest.
pub fn outcome(kind: &str) -> &'static str {
    if FAILURE_SUFFIXES.iter().any(|s| kind.ends_with(s)) { "failure" } else { "success" }
}

pub async fn record(state: &AppState, event: Event<'_>, origin: &Origin) {
    let kind = event.kind;
    if let Err(e) = state.store.insert_audit_event(&row(state, event, origin)).await {
        tracing::error!(kind, error = %e, "audit event not recorded");
    }
}

/// The row that records `event`, for a store method that writes it in the
/// same commit as the change it records; counted as [`record`] counts.
pub fn row(state: &AppState, event: Event<'_>, origin: &Origin) -> AuditEvent {
    // Kinds are a fixed set of names, so they make bounded metric labels
    // (sign-ins, sign-ups, invitations, logouts … by outcome).
    metrics::counter!("careid_events_total", "kind" => event.kind.to_string()).increment(1);
    AuditEvent {
        id: uuid::Uuid::now_v7().to_string(),
        at: state.clock.now(),
        kind: event.kind.to_string(),
        actor_kind: Some(
            event
                .actor_kind
                .unwrap_or(if event.actor.or(event.subject).is_some() {
                    ActorKind::Person
                } else {
                    ActorKind::Careid
                })
                .as_str()
                .to_string(),
        ),
        actor: event.actor.map(str::to_owned),
        subject: event.subject.map(str::to_owned),
        client_id: event.client_id.map(str::to_owned),
        deployment_id: event.deployment_id.map(str::to_owned),
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        detail: event.detail.map(|d| d.to_string()),
        request_id: origin.request_id.clone(),
        outcome: outcome(event.kind).to_string(),
        seq: None,
        hash: None,
    }
}
