use actix_web::{get, web};
use directory::StaffingReport;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::state::AppState;

/// Parameters of `GET /reports/staffing`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffingQuery {
    /// The subtree to report on; default the caller's own scope.
    #[param(example = 2)]
    pub org_unit: Option<i64>,
}

/// Staffing ratio report
///
/// Per school: students, required full-time MH teachers = ceil(max(students,1000)/1000),
/// actual, gap; then totals per county and for the whole subtree.
#[utoipa::path(operation_id = "getStaffingReport", 
    tag = "reports",
    params(StaffingQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = StaffingReport),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Teachers have no reports", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/staffing")]
pub async fn staffing(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<StaffingQuery>,
) -> ApiResult<web::Json<StaffingReport>> {
    Ok(web::Json(directory::staffing_report(&state.db, &actor, query.org_unit).await?))
}
