//! Audit events as they leave careid: one view of an event (its detail as
//! JSON, its place in the chain), written as NDJSON or CSV by
//! `careid audit export` and as NDJSON by the Admin API.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use crate::store::{AuditEvent, Store, StoreError};

/// Rows read at a time while exporting.
pub const BATCH: i64 = 500;

/// An event as an export and the Admin API show it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditView {
    id: String,
    at: i64,
    kind: String,
    /// `person`, `administrator`, `operator` (the command line) or `careid`.
    actor_kind: Option<String>,
    actor: Option<String>,
    subject: Option<String>,
    client_id: Option<String>,
    deployment_id: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    request_id: Option<String>,
    /// `success` or `failure`.
    outcome: String,
    detail: Option<Value>,
    /// The event's place in the hash chain (`careid audit verify`); absent
    /// for the second or so before it is sealed.
    seq: Option<i64>,
    hash: Option<String>,
}

impl From<AuditEvent> for AuditView {
    fn from(e: AuditEvent) -> AuditView {
        AuditView {
            detail: e.detail.as_deref().and_then(|d| serde_json::from_str(d).ok()),
            id: e.id,
            at: e.at,
            kind: e.kind,
            actor_kind: e.actor_kind,
            actor: e.actor,
            subject: e.subject,
            client_id: e.client_id,
            deployment_id: e.deployment_id,
            ip: e.ip,
            user_agent: e.user_agent,
            request_id: e.request_id,
            outcome: e.outcome,
            seq: e.seq,
            hash: e.hash,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Ndjson,
    Csv,
}

const CSV_COLUMNS: [&str; 16] = [
    "id",
    "at",
    "kind",
    "actor_kind",
    "actor",
    "subject",
    "client_id",
    "deployment_id",
    "ip",
    "user_agent",
    "request_id",
    "outcome",
    "detail",
    "seq",
    "hash",
    "time",
];

/// Writes the events of `deployment` (all when `None`) from `from`
/// (inclusive) to `to` (exclusive), oldest first, a batch at a time; how many.
pub async fn write(
    store: &Store,
    deployment: Option<&str>,
    range: (i64, i64),
    format: Format,
    out: &mut impl Write,
) -> Result<u64, ExportError> {
    if format == Format::Csv {
        writeln!(out, "{}", CSV_COLUMNS.join(","))?;
    }
    let (mut after, mut written) = (None, 0);
    loop {
        let rows = store.audit_events_in_order(deployment, range, after.as_ref(), BATCH).await?;
        let full = rows.len() as i64 == BATCH;
        after = rows.last().map(|e| (e.at, e.id.clone()));
        for event in rows {
            match format {
                Format::Ndjson => writeln!(out, "{}", serde_json::to_string(&AuditView::from(event))?)?,
                Format::Csv => writeln!(out, "{}", csv_line(&event))?,
            }
            written += 1;
        }
        if !full {
            out.flush()?;
            return Ok(written);
        }
    }
}

fn csv_line(e: &AuditEvent) -> String {
    let time = time::OffsetDateTime::from_unix_timestamp(e.at)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok());
    let fields: [Option<String>; 16] = [
        Some(e.id.clone()),
        Some(e.at.to_string()),
        Some(e.kind.clone()),
        e.actor_kind.clone(),
        e.actor.clone(),
        e.subject.clone(),
        e.client_id.clone(),
        e.deployment_id.clone(),
        e.ip.clone(),
        e.user_agent.clone(),
        e.request_id.clone(),
        Some(e.outcome.clone()),
        e.detail.clone(),
        e.seq.map(|s| s.to_string()),
        e.hash.clone(),
        time,
    ];
    fields.iter().map(|f| csv_field(f.as_deref().unwrap_or(""))).collect::<Vec<_>>().join(",")
}

/// RFC 4180: a field with a comma, quote or line break is quoted, its quotes
/// doubled; one starting with `=`, `+`, `-` or `@` is prefixed with `'` so a
/// spreadsheet shows it instead of running it (OWASP CSV injection).
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot encode an event: {0}")]
    Encode(#[from] serde_json::Error),
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
    }
}
