use actix_web::{HttpResponse, get, post, web};
use research::{Mentorship, NewMentorship, NewStudio, NewWorkload, Studio, WorkloadEntry, WorkloadReport};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::lang;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;
use crate::table::{Cell, ReportFormat, Table};

/// Body of a workload decision.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Required to reject.
    #[schema(example = "时长与课表不符", max_length = 500)]
    pub reason: Option<String>,
}

/// Parameters of `GET /reports/workload`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkloadQuery {
    #[param(example = 2)]
    pub org_unit: Option<i64>,
    /// `YYYY-1` (spring, Feb–Jul) or `YYYY-2` (autumn, Aug–Jan).
    #[param(example = "2026-2")]
    pub term: String,
    /// `json` (default), `csv` or `xlsx`.
    #[param(example = "xlsx")]
    pub format: Option<String>,
}

/// Pair a mentor and a mentee
#[utoipa::path(operation_id = "createMentorship", tag = "research", request_body = NewMentorship, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Mentorship),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage research", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown teachers or bad dates", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/mentorships")]
pub async fn create_mentorship(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewMentorship>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(research::create_mentorship(&state.db, state.clock.now(), &actor, body.into_inner()).await?))
}

/// List mentor pairs
///
/// Staff see their subtree's; a teacher the pairs they belong to.
#[utoipa::path(operation_id = "listMentorships", tag = "research", params(PageParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of pairs", body = PageOf<Mentorship>),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/mentorships")]
pub async fn mentorships(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Mentorship>>> {
    Ok(web::Json(research::list_mentorships(&state.db, &actor, page.request()?).await?.into()))
}

/// Open a studio
#[utoipa::path(operation_id = "createStudio", tag = "research", request_body = NewStudio, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Studio),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage research", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown teachers or bad name", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/studios")]
pub async fn create_studio(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewStudio>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(research::create_studio(&state.db, state.clock.now(), &actor, body.into_inner()).await?))
}

/// List studios
///
/// Staff see their subtree's; a teacher those they host or belong to.
#[utoipa::path(operation_id = "listStudios", tag = "research", params(PageParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of studios", body = PageOf<Studio>),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/studios")]
pub async fn studios(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Studio>>> {
    Ok(web::Json(research::list_studios(&state.db, &actor, page.request()?).await?.into()))
}

/// Log MH work
///
/// Counselling, MH classes and activities of an MH teacher; the note must not identify a
/// student. Waits for a school admin.
#[utoipa::path(operation_id = "logMyWorkload", tag = "research", request_body = NewWorkload, security(("bearer" = [])),
    responses(
        (status = 201, description = "Logged, pending", body = WorkloadEntry),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only MH teachers log workload", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or identifying note", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/workload")]
pub async fn log(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewWorkload>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(research::log_workload(&state.db, state.clock.now(), &actor, body.into_inner()).await?))
}

/// My workload entries
#[utoipa::path(operation_id = "listMyWorkload", tag = "research", params(PageParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of entries", body = PageOf<WorkloadEntry>),
        (status = 403, description = "Only teachers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/me/workload")]
pub async fn mine(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<WorkloadEntry>>> {
    Ok(web::Json(research::my_workload(&state.db, &actor, page.request()?).await?.into()))
}

async fn decide(
    state: &AppState,
    actor: &kernel::Actor,
    id: i64,
    approve: bool,
    body: Option<Json<Decision>>,
) -> ApiResult<web::Json<WorkloadEntry>> {
    let reason = body.and_then(|b| b.into_inner().reason);
    Ok(web::Json(research::decide_workload(&state.db, state.clock.now(), actor, id, approve, reason).await?))
}

/// Confirm a workload entry
#[utoipa::path(operation_id = "confirmWorkload", tag = "research", params(("id" = i64, Path, description = "Entry id")), request_body(content = Option<Decision>), security(("bearer" = [])),
    responses(
        (status = 200, description = "Confirmed", body = WorkloadEntry),
        (status = 403, description = "Role may not decide", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/workload/{id}/confirm")]
pub async fn confirm(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Option<Json<Decision>>,
) -> ApiResult<web::Json<WorkloadEntry>> {
    decide(&state, &actor, id.into_inner(), true, body).await
}

/// Reject a workload entry
#[utoipa::path(operation_id = "rejectWorkload", tag = "research", params(("id" = i64, Path, description = "Entry id")), request_body = Decision, security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = WorkloadEntry),
        (status = 403, description = "Role may not decide", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/workload/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Option<Json<Decision>>,
) -> ApiResult<web::Json<WorkloadEntry>> {
    decide(&state, &actor, id.into_inner(), false, body).await
}

/// Workload report
///
/// Confirmed minutes of each MH teacher of the subtree in a term, as subsidised class hours.
#[utoipa::path(operation_id = "getWorkloadReport", tag = "reports", params(WorkloadQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The report (JSON; or CSV / XLSX by `format`)", content((WorkloadReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, description = "Teachers have no reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad term or unit", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/reports/workload")]
pub async fn report(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<WorkloadQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = ReportFormat::parse(q.format.as_deref())?;
    let report = research::workload_report(
        state.reports(),
        &actor,
        q.org_unit,
        &q.term,
        state.settings.minutes_per_class_hour,
    )
    .await;
    let report = state.reported(report).await?;
    if format == ReportFormat::Json {
        return Ok(HttpResponse::Ok().json(report));
    }
    let english = lang::english();
    format.file(&workload_table(&report, english), english)
}

/// One row per MH teacher, the subtree's total last.
fn workload_table(workload: &WorkloadReport, english: bool) -> Table {
    let term = &workload.term;
    let mut table = Table::new(
        if english { format!("workload-{term}") } else { format!("{term}学期心理健康教育工作量") },
        &if english {
            ["Teacher id", "Employee no.", "Name", "School", "Confirmed minutes", "Class hours"]
        } else {
            ["教师ID", "工号", "姓名", "学校", "已确认分钟数", "折合课时"]
        },
    );
    for r in &workload.items {
        table.push(vec![
            r.teacher_id.into(),
            r.employee_no.as_str().into(),
            r.teacher_name.as_str().into(),
            r.school_name.as_str().into(),
            r.confirmed_minutes.into(),
            r.class_hours.into(),
        ]);
    }
    let s = &workload.summary;
    table.push(vec![
        Cell::Empty,
        Cell::Empty,
        (if english { "Total" } else { "合计" }).into(),
        Cell::Empty,
        s.confirmed_minutes.into(),
        s.class_hours.into(),
    ]);
    table
}
