//! The MH research officers of the prefecture's and the counties' teaching-research offices
//! (plan item 6): appoint, remove, list. The staffing report says which office lacks one.

use actix_web::{HttpResponse, delete, get, post, web};
use directory::{NewResearchOfficer, ResearchOfficer};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// Filters of `GET /research-officers`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfficerQuery {
    /// Only the offices at or under this unit.
    #[param(example = 2)]
    pub org_unit: Option<i64>,
}

/// Appoint an MH research officer
///
/// A teacher of the unit's subtree becomes 心理健康教育教研员 of the prefecture's or a county's
/// teaching-research office (the office belongs to that unit's education bureau). Admins, in
/// their subtree. Audited.
#[utoipa::path(operation_id = "appointResearchOfficer", tag = "directory",
    params(("id" = i64, Path, description = "The prefecture's or a county's org unit id")),
    request_body = NewResearchOfficer,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Appointed", body = ResearchOfficer),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins appoint", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A school (`not_a_research_office`), or already appointed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Teacher outside the unit, or a day in the future", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/org-units/{id}/research-officers")]
pub async fn appoint(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<NewResearchOfficer>,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let unit = id.into_inner();
    let officer =
        directory::appoint_research_officer(&state.db, now, &actor, unit, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(officer))
}

/// Remove an MH research officer
///
/// Ends the appointment. Admins, in their subtree. Audited.
#[utoipa::path(operation_id = "removeResearchOfficer", tag = "directory",
    params(
        ("id" = i64, Path, description = "The prefecture's or a county's org unit id"),
        ("teacher_id" = i64, Path, description = "The officer's teacher id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Only admins remove officers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit or appointment in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A school (`not_a_research_office`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/org-units/{id}/research-officers/{teacher_id}")]
pub async fn remove(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (unit, teacher) = path.into_inner();
    directory::remove_research_officer(&state.db, state.clock.now(), &actor, unit, teacher).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List MH research officers
///
/// The officers of the offices at or under a unit of the caller's subtree, office by office.
#[utoipa::path(operation_id = "listResearchOfficers", tag = "directory",
    params(OfficerQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of officers", body = PageOf<ResearchOfficer>),
        (status = 403, description = "Teachers have no such list", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/research-officers")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<OfficerQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<ResearchOfficer>>> {
    let officers = directory::list_research_officers(&state.db, &actor, query.org_unit, page.request()?);
    Ok(web::Json(officers.await?.into()))
}
