//! `policy/explain`: what a member must present at a client, and why, as
//! sign-in decides it (the answer `careid policy explain` prints).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::caller::Caller;
use super::clients::visible;
use super::input::QueryInput;
use super::members::member;
use super::problem::Problem;
use crate::AppState;
use crate::login::policy::{self, Ask};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExplainQuery {
    /// The member's id.
    member: String,
    /// The client's id.
    client: String,
    /// An authorization request's `acr_values` (space-separated).
    acr_values: Option<String>,
}

/// The policy answer for a member at a client, each part with its reasons.
#[utoipa::path(get, path = "/api/admin/policy/explain", tag = "members", params(ExplainQuery),
    responses((status = 200, body = Object, description = "admission, level, passkey, password rule and terms, with `reasons`")))]
pub async fn explain(
    State(state): State<AppState>,
    caller: Caller,
    QueryInput(query): QueryInput<ExplainQuery>,
) -> Result<Response, Problem> {
    let user = member(&state, &caller, &query.member).await?;
    let client = visible(&state, &caller, &query.client).await?;
    let acr_values: Vec<String> =
        query.acr_values.unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    let ask = Ask { user: &user, client: &client, acr_values: &acr_values, essential_acr: None };
    let answer = policy::answer(&state, &ask).await?;
    Ok(axum::Json(answer).into_response())
}
