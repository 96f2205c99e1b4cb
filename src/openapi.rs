//! The OpenAPI 3.1 document of the APIs portals call on people's behalf
//! (`/api/admin/…` and `/api/invitations`), generated from the very handlers
//! the router serves, so the two cannot drift apart; served at
//! `GET /api/openapi.json`.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Components, Content, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::admin::problem::{CONTENT_TYPE, FieldError, ProblemBody};
use crate::web::ErrorBody;

pub const PATH: &str = "/api/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "careid admin and invitation API",
        description = "The Admin Portal's API (deployments, members and their sessions, invitations, \
            audit) and the portals' invitation API. Admin calls need an access token with `careid:admin` \
            from a two-factor sign-in; errors are RFC 9457 problem details naming the failing field; \
            lists are paged with `limit` and `cursor`; resources carry an `ETag` and updates need `If-Match`."
    ),
    components(schemas(ProblemBody, FieldError, ErrorBody)),
    tags(
        (name = "deployments", description = "Deployments (care programmes) and their sign-in policy"),
        (name = "members", description = "A deployment's members, their factors and sessions"),
        (name = "invitations", description = "Invitations into a deployment"),
        (name = "clients", description = "Relying parties and the deployments they serve"),
        (name = "audit", description = "Who changed what")
    )
)]
struct ApiDoc;

/// The documented routes and the document itself.
pub fn routes() -> Router<AppState> {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::admin::routes())
        .merge(crate::onboarding::api_routes())
        .split_for_parts();
    let doc = Arc::new(finish(doc));
    router.route(PATH, get(move || std::future::ready(axum::Json(doc.as_ref().clone()))))
}

/// What every admin operation shares, said once: the bearer scheme with
/// `careid:admin`, and problem details for every 4xx and 5xx.
fn finish(mut doc: Document) -> Document {
    let components = doc.components.get_or_insert_with(Components::new);
    let bearer = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build();
    components.security_schemes.insert("bearer".into(), RefOr::T(SecurityScheme::Http(bearer)));
    let problem = ResponseBuilder::new()
        .description("RFC 9457 problem details; `errors` names the failing fields")
        .content(CONTENT_TYPE, Content::new(Some(Ref::from_schema_name("ProblemBody"))))
        .build();
    components.responses.insert("Problem".into(), RefOr::T(problem));
    for (_, item) in doc.paths.paths.iter_mut().filter(|(path, _)| path.starts_with("/api/admin/")) {
        let operations = [&mut item.get, &mut item.post, &mut item.patch, &mut item.put, &mut item.delete];
        for operation in operations.into_iter().flatten() {
            admin_operation(operation);
        }
    }
    doc
}

fn admin_operation(operation: &mut Operation) {
    operation.security = Some(vec![SecurityRequirement::new("bearer", [crate::admin::SCOPE])]);
    for status in ["4XX", "5XX"] {
        operation.responses.responses.insert(status.into(), RefOr::Ref(Ref::from_response_name("Problem")));
    }
}
