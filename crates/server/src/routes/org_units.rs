use actix_web::{HttpResponse, get, patch, post, web};
use directory::{NewOrgUnit, OrgKind, OrgUnit, OrgUnitFilter, OrgUnitPatch};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// Filters of `GET /org-units`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgUnitQuery {
    pub kind: Option<OrgKind>,
    #[param(example = 2)]
    pub parent_id: Option<i64>,
    /// Part of the name or code.
    #[param(example = "恩施")]
    pub q: Option<String>,
}

/// List org units
///
/// The caller's subtree, ordered by id.
#[utoipa::path(operation_id = "listOrgUnits", 
    tag = "directory",
    params(OrgUnitQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of org units", body = PageOf<OrgUnit>),
        (status = 403, description = "Teachers have no org view", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/org-units")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<OrgUnitQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<OrgUnit>>> {
    let query = query.into_inner();
    let filter = OrgUnitFilter { kind: query.kind, parent_id: query.parent_id, q: query.q };
    Ok(web::Json(directory::list_org_units(&state.db, &actor, filter, page.request()?).await?.into()))
}

/// Create an org unit
///
/// A county under the prefecture or a school under a county, inside the caller's subtree.
/// Schools need `stage` and `student_count`.
#[utoipa::path(operation_id = "createOrgUnit", 
    tag = "directory",
    request_body = NewOrgUnit,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = OrgUnit),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage the directory", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/org-units")]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewOrgUnit>,
) -> ApiResult<HttpResponse> {
    let unit = directory::create_org_unit(&state.db, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(unit))
}

/// Get an org unit
#[utoipa::path(operation_id = "getOrgUnit", 
    tag = "directory",
    params(("id" = i64, Path, description = "Org unit id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The org unit", body = OrgUnit),
        (status = 403, description = "Teachers have no org view", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit in the caller's scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/org-units/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<OrgUnit>> {
    Ok(web::Json(directory::get_org_unit(&state.db, &actor, id.into_inner()).await?))
}

/// Update an org unit
///
/// Name, code, stage and student count; the tree shape is fixed.
#[utoipa::path(operation_id = "updateOrgUnit", 
    tag = "directory",
    params(("id" = i64, Path, description = "Org unit id")),
    request_body = OrgUnitPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = OrgUnit),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage the directory", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/org-units/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<OrgUnitPatch>,
) -> ApiResult<web::Json<OrgUnit>> {
    Ok(web::Json(directory::update_org_unit(&state.db, &actor, id.into_inner(), body.into_inner()).await?))
}
