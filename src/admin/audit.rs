//! The audit trail of the deployments the caller manages: queried by time
//! range, actor, subject, kind and client a page at a time, or exported as
//! NDJSON streamed a batch at a time.

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::caller::Caller;
use super::input::QueryInput;
use super::page::{self, Page};
use super::problem::Problem;
use crate::AppState;
use crate::audit::export::AuditView;
use crate::store::{AuditEvent, AuditQuery, Keyset};

use crate::audit::export::BATCH as EXPORT_BATCH;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// 1 to 200; 50 when absent (not for an export).
    limit: Option<u32>,
    /// From the previous page's `next_cursor` (not for an export).
    cursor: Option<String>,
    /// Unix seconds, inclusive.
    from: Option<i64>,
    /// Unix seconds, exclusive.
    to: Option<i64>,
    actor: Option<String>,
    subject: Option<String>,
    /// A kind (`account.disabled`) or a family (`account`).
    kind: Option<String>,
    client: Option<String>,
    /// Operators only: one deployment's events.
    deployment: Option<String>,
}

impl AuditFilter {
    /// The store's query for `caller`: an administrator reads their own
    /// deployment's events whatever they ask; `None` when they asked for
    /// another's (which has nothing for them).
    fn query<'a>(&'a self, caller: &'a Caller) -> Result<Option<AuditQuery<'a>>, Problem> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && to <= from
        {
            return Err(Problem::invalid("to", "to must be after from"));
        }
        let Some(deployment) = caller.deployment_filter(self.deployment.as_deref()) else {
            return Ok(None);
        };
        Ok(Some(AuditQuery {
            deployment,
            from: self.from,
            to: self.to,
            actor: self.actor.as_deref(),
            subject: self.subject.as_deref(),
            kind: self.kind.as_deref(),
            client: self.client.as_deref(),
        }))
    }
}

/// The audit trail of the deployments the caller manages, newest first.
#[utoipa::path(get, path = "/api/admin/audit", tag = "audit", params(AuditFilter),
    responses((status = 200, body = Page<AuditView>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    QueryInput(filter): QueryInput<AuditFilter>,
) -> Result<Response, Problem> {
    let (keyset, limit) = page::keyset(filter.limit, filter.cursor.as_deref())?;
    let Some(query) = filter.query(&caller)? else {
        return Ok(axum::Json(Page::<AuditView>::empty()).into_response());
    };
    let rows = state.store.page_audit_events(&query, &keyset).await?;
    let page = Page::of(rows, limit, |e| (e.at, e.id.as_str()), AuditView::from);
    Ok(axum::Json(page).into_response())
}

/// Every matching event, newest first, as NDJSON (one `AuditView` a line),
/// read and sent a batch at a time.
#[utoipa::path(get, path = "/api/admin/audit/export", tag = "audit", params(AuditFilter),
    responses((status = 200, content_type = "application/x-ndjson", body = String)))]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    QueryInput(filter): QueryInput<AuditFilter>,
) -> Result<Response, Problem> {
    if filter.limit.is_some() || filter.cursor.is_some() {
        let field = if filter.limit.is_some() { "limit" } else { "cursor" };
        return Err(Problem::invalid(field, "an export has every matching event"));
    }
    let query = filter.query(&caller)?;
    let first = match &query {
        Some(query) => state.store.page_audit_events(query, &batch(None)).await?,
        None => Vec::new(),
    };
    let filter = std::sync::Arc::new(filter);
    let caller = std::sync::Arc::new(caller);
    let stream = futures_util::stream::unfold(Some(first), move |rows| {
        let (state, filter, caller) = (state.clone(), filter.clone(), caller.clone());
        async move {
            let rows = rows?;
            if rows.is_empty() {
                return None;
            }
            let last = rows.last().map(|e| (e.at, e.id.clone()));
            let full = rows.len() as i64 == EXPORT_BATCH;
            let mut lines = String::new();
            for event in rows {
                if let Ok(line) = serde_json::to_string(&AuditView::from(event)) {
                    lines.push_str(&line);
                    lines.push('\n');
                }
            }
            let next = if full { next_batch(&state, &filter, &caller, last).await } else { Some(Vec::new()) };
            Some((Ok::<_, std::convert::Infallible>(lines), next))
        }
    });
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], Body::from_stream(stream)).into_response())
}

fn batch(after: Option<(i64, String)>) -> Keyset {
    Keyset { after, limit: EXPORT_BATCH }
}

/// The batch after `last`; `None` ends the stream (a store failure midway
/// is logged: the status line has gone already).
async fn next_batch(
    state: &AppState,
    filter: &AuditFilter,
    caller: &Caller,
    last: Option<(i64, String)>,
) -> Option<Vec<AuditEvent>> {
    let query = filter.query(caller).ok().flatten()?;
    match state.store.page_audit_events(&query, &batch(last)).await {
        Ok(rows) => Some(rows),
        Err(e) => {
            tracing::error!(error = %e, "audit export cut short");
            None
        }
    }
}
