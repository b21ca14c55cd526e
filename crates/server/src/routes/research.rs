use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use kernel::{FieldError, Text};
use research::{
    Event, EventAttendance, EventFilter, EventForm, EventLevel, EventPatch, EventStatus, NewEvent,
    ResearchProgress, ResearchReport,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::lang;
use crate::routes::dto::{PageOf, PageParams};
use crate::routes::sheet::{SheetOf, SheetQuery, sheet_file};
use crate::state::AppState;
use crate::table::{ReportFormat, Table};

pub use crate::routes::attendance::events::{
    cancel, check_in, check_out, close, mark, register, sign_in_code,
};

/// Filters of `GET /research-events`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    pub level: Option<EventLevel>,
    pub form: Option<EventForm>,
    pub status: Option<EventStatus>,
    /// Only events ending at or after this time.
    pub from: Option<DateTime<Utc>>,
}

/// `GET /me/research-events`: upcoming events and this year's progress on the rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyEvents {
    pub items: Vec<Event>,
    #[schema(example = 4)]
    pub total: u64,
    #[schema(example = 1)]
    pub page: u64,
    #[schema(example = 20)]
    pub per_page: u64,
    pub progress: ResearchProgress,
}

/// Parameters of `GET /reports/research`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResearchQuery {
    #[param(example = 2)]
    pub org_unit: Option<i64>,
    /// Calendar year (China time); default this year.
    #[param(example = 2026)]
    pub year: Option<i32>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(example = "csv")]
    pub format: Option<String>,
}

fn not_found() -> ApiError {
    kernel::Error::NotFound.into()
}

/// List research events
#[utoipa::path(operation_id = "listResearchEvents", tag = "research", params(EventQuery, PageParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of events", body = PageOf<Event>),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/research-events")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    (query, page): (web::Query<EventQuery>, web::Query<PageParams>),
) -> ApiResult<web::Json<PageOf<Event>>> {
    let q = query.into_inner();
    let filter = EventFilter { level: q.level, form: q.form, status: q.status, from: q.from };
    Ok(web::Json(research::list_events(&state.db, &actor, filter, page.request()?).await?.into()))
}

/// Create a research event
///
/// Its level must fit the organising unit (prefecture, county or school).
#[utoipa::path(operation_id = "createResearchEvent", tag = "research", request_body = NewEvent, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Event),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not run events", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/research-events")]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewEvent>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(research::create_event(&state.db, state.clock.now(), &actor, body.into_inner()).await?))
}

/// Get a research event
#[utoipa::path(operation_id = "getResearchEvent", tag = "research", params(("id" = i64, Path, description = "Event id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The event", body = Event),
        (status = 404, description = "No such event visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/research-events/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Event>> {
    Ok(web::Json(research::get_event(&state.db, &actor, id.into_inner()).await?))
}

/// Update a research event
///
/// Only the fields sent change. When the time or place moves, every registrant is told by mail
/// and in their notifications (`occasion_moved`).
#[utoipa::path(operation_id = "updateResearchEvent", tag = "research", params(("id" = i64, Path, description = "Event id")), request_body = EventPatch, security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Event),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not run events", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed (`event_closed`) or cancelled (`event_cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, capacity below the roster, or other hours once posted", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/research-events/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<EventPatch>,
) -> ApiResult<web::Json<Event>> {
    Ok(web::Json(
        research::update_event(&state.db, state.clock.now(), &actor, id.into_inner(), body.into_inner())
            .await?,
    ))
}

/// Event attendance sheet
///
/// The roster with names, sign-in/out times, minutes present, hours credited and place — the
/// same sheet as a session's — as JSON, CSV or XLSX.
#[utoipa::path(operation_id = "getResearchEventAttendance", tag = "research",
    params(("id" = i64, Path, description = "Event id"), SheetQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The sheet (JSON; or CSV / XLSX by `format`)", content((EventAttendance = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, description = "Role may not run events", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/research-events/{id}/attendance")]
pub async fn roster(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    query: web::Query<SheetQuery>,
) -> ApiResult<HttpResponse> {
    let format = ReportFormat::parse(query.format.as_deref())?;
    let sheet = research::event_attendance(&state.db, &actor, id.into_inner()).await?;
    if format == ReportFormat::Json {
        return Ok(HttpResponse::Ok().json(sheet));
    }
    let of =
        SheetOf { id: sheet.event.id, title: &sheet.event.title, place: &sheet.event.place, trainer: None };
    sheet_file(format, of, &sheet.lines)
}

/// My research events
///
/// Upcoming events open to the caller, with "N of 3 this year".
#[utoipa::path(operation_id = "listMyResearchEvents", tag = "research", params(PageParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "Events and progress", body = MyEvents),
        (status = 403, description = "Only teachers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/me/research-events")]
pub async fn mine(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<MyEvents>> {
    let now = state.clock.now();
    let events = research::my_events(&state.db, now, &actor, page.request()?).await?;
    let teacher_id = actor.person_id().ok_or_else(not_found)?;
    let progress = research::research_progress(
        &state.db,
        teacher_id,
        kernel::china_year(now),
        state.settings.research_events_per_year,
    )
    .await?;
    Ok(web::Json(MyEvents {
        items: events.items,
        total: events.total,
        page: events.page,
        per_page: events.per_page,
        progress,
    }))
}

/// Three-a-year report
///
/// Every full-time MH teacher of the subtree with county-level-or-higher events attended in
/// the year, compliant or not; behind pace first; share compliant per school and county.
#[utoipa::path(operation_id = "getResearchReport", tag = "reports", params(ResearchQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The report (JSON; or CSV / XLSX by `format`)", content((ResearchReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, description = "Teachers have no reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/reports/research")]
pub async fn report(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<ResearchQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let now = state.clock.now();
    let year = q.year.unwrap_or_else(|| kernel::china_year(now));
    let format = ReportFormat::parse(q.format.as_deref())?;
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "year",
            "invalid_value",
            Text::fixed("年份须在 2000–2100", "year must be 2000-2100"),
        )]));
    }
    let report = research::research_report(
        state.reports(),
        now,
        &actor,
        q.org_unit,
        year,
        state.settings.research_events_per_year,
    )
    .await;
    let report = state.reported(report).await?;
    if format == ReportFormat::Json {
        return Ok(HttpResponse::Ok().json(report));
    }
    let english = lang::english();
    let mut table = Table::new(
        if english { format!("research-events-{year}") } else { format!("{year}年教研活动达标") },
        &if english {
            [
                "Teacher id",
                "Employee no.",
                "Name",
                "School",
                "Attended",
                "County level or above",
                "Compliant",
                "Behind pace",
            ]
        } else {
            ["教师ID", "工号", "姓名", "学校", "参加活动数", "县级及以上", "是否达标", "进度落后"]
        },
    );
    for r in &report.items {
        table.push(vec![
            r.teacher_id.into(),
            r.employee_no.as_str().into(),
            r.teacher_name.as_str().into(),
            r.school_name.as_str().into(),
            r.attended.into(),
            r.attended_county_or_above.into(),
            r.compliant.into(),
            r.behind_pace.into(),
        ]);
    }
    format.file(&table, english)
}
