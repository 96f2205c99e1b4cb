//! An administrator's changes over the Admin API, with the access token of the
//! two-step sign-in they just finished: the deployment's policy, an
//! invitation, and a member disabled and enabled again. What was answered
//! with success is remembered, so the ledger can find it (and its audit row)
//! after every fault.

use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::Method;
use serde_json::{Value, json};

use crate::traffic::{Journey, StepError};

pub const SCOPE: &str = "careid:admin";

/// The audit kinds of the changes made here.
pub const KINDS: [&str; 4] =
    ["deployment.changed", "invitation.created", "account.disabled", "account.enabled"];

/// Numbers the invitees, so no two invitations name the same address.
static INVITED: AtomicUsize = AtomicUsize::new(0);

type Step<T> = Result<T, (&'static str, StepError)>;

/// One Admin API call; its ETag and JSON answer when it answered `expected`.
async fn call(
    j: &mut Journey<'_>,
    step: &'static str,
    (method, path): (Method, &str),
    token: &str,
    body: Option<Value>,
    if_match: Option<&str>,
    expected: u16,
) -> Step<(Option<String>, Value)> {
    let (status, headers, text) = j
        .send(|http, base| {
            let mut request = http.request(method.clone(), format!("{base}{path}")).bearer_auth(token);
            if let Some(body) = &body {
                request = request.json(body);
            }
            if let Some(etag) = if_match {
                request = request.header("if-match", etag);
            }
            request
        })
        .await
        .map_err(|e| (step, e))?;
    if status == expected {
        let etag = headers.get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned);
        return Ok((etag, serde_json::from_str(&text).unwrap_or(Value::Null)));
    }
    if j.failed_over && (400..500).contains(&status) {
        // The node that died may have made the change already (a 412 for the stale ETag):
        // the administrator reloads and starts again.
        return Err((step, StepError::Interrupted(format!("after a failover: {status} {text}"))));
    }
    Err((step, StepError::Broken(format!("{status}: {text}"))))
}

/// The administrator's round of changes; `member` is the email of the member
/// they disable and enable again (someone who never signs in here).
pub async fn changes(j: &mut Journey<'_>, token: &str, member: &str) -> Step<()> {
    let deployment = (Method::GET, "/api/admin/deployment");
    let (etag, current) = call(j, "read the deployment", deployment, token, None, None, 200).await?;
    let etag = etag.ok_or(("read the deployment", StepError::Broken("no ETag".into())))?;
    // Always a change (an unchanged field writes nothing and audits nothing).
    let days = if current["invitation_days"] == 7 { 8 } else { 7 };
    let patch = (Method::PATCH, "/api/admin/deployment");
    let body = Some(json!({ "invitation_days": days }));
    call(j, "change the deployment", patch, token, body, Some(&etag), 200).await?;
    j.made.changes.push("deployment.changed");

    let invitee = format!("staff{}@example.org", INVITED.fetch_add(1, Ordering::Relaxed));
    let invite = (Method::POST, "/api/admin/invitations");
    let body = Some(json!({ "role": "clinician", "email": invitee }));
    let (_, issued) = call(j, "invite", invite, token, body, None, 201).await?;
    let id = issued["invitation"]["id"].as_str().unwrap_or_default().to_string();
    if id.is_empty() {
        return Err(("invite", StepError::Broken(format!("no invitation id in {issued}"))));
    }
    j.made.invitations.push(id);
    j.made.changes.push("invitation.created");

    let query = url::form_urlencoded::Serializer::new(String::new()).append_pair("email", member).finish();
    let find = format!("/api/admin/members?{query}");
    let (_, found) = call(j, "find the member", (Method::GET, &find), token, None, None, 200).await?;
    let Some([found]) = found["items"].as_array().map(Vec::as_slice) else {
        return Err(("find the member", StepError::Broken(format!("not one member: {found}"))));
    };
    let id = found["id"].as_str().unwrap_or_default();
    // An earlier round cut off between the two leaves them disabled.
    let mut steps = if found["status"] == "disabled" { vec!["enable"] } else { vec![] };
    steps.extend(["disable", "enable"]);
    for verb in steps {
        let path = format!("/api/admin/members/{id}/{verb}");
        let step = if verb == "disable" { "disable a member" } else { "enable a member" };
        call(j, step, (Method::POST, &path), token, None, None, 200).await?;
        j.made.changes.push(if verb == "disable" { "account.disabled" } else { "account.enabled" });
    }
    Ok(())
}
