use actix_web::{HttpResponse, get, post, web};
use attendance::{Attendance, AttendanceStatus, Scan, SignInCode};
use chrono::{DateTime, Utc};
use courses::{NewSession, Session, SessionAttendance, SessionFilter, SessionStatus};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::lang;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;
use crate::table::ReportFormat;

/// Filters of `GET /sessions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    pub status: Option<SessionStatus>,
    /// Only sessions starting at or after this time.
    pub from: Option<DateTime<Utc>>,
}

/// Body of a registration; staff name the teacher, teachers register themselves.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    #[schema(example = 101)]
    pub teacher_id: Option<i64>,
}

/// Body of a check-in or check-out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    #[schema(example = "402913", min_length = 6, max_length = 6)]
    pub code: String,
}

/// Body of a manual attendance mark.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRequest {
    #[schema(example = 101)]
    pub teacher_id: i64,
    pub status: AttendanceStatus,
    #[schema(example = "纸质签到表补录", min_length = 2, max_length = 500)]
    pub reason: String,
}

/// The format of an attendance sheet.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// `json` (default), `csv` or `xlsx`.
    #[param(example = "xlsx")]
    pub format: Option<String>,
}

/// List offline sessions
///
/// Staff see their subtree's; teachers the sessions open to their school. Soonest first.
#[utoipa::path(operation_id = "listSessions", 
    tag = "training",
    params(SessionQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of sessions", body = PageOf<Session>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sessions")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<SessionQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Session>>> {
    let q = query.into_inner();
    let filter = SessionFilter { status: q.status, from: q.from };
    Ok(web::Json(courses::list_sessions(&state.db, &actor, filter, page.request()?).await?.into()))
}

/// Schedule an offline session
#[utoipa::path(operation_id = "createSession", 
    tag = "training",
    request_body = NewSession,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Session),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage training", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions")]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewSession>,
) -> ApiResult<HttpResponse> {
    let session = courses::create_session(&state.db, state.clock.now(), &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(session))
}

/// Get an offline session
#[utoipa::path(operation_id = "getSession", 
    tag = "training",
    params(("id" = i64, Path, description = "Session id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The session", body = Session),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sessions/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Session>> {
    Ok(web::Json(courses::get_session(&state.db, &actor, id.into_inner()).await?))
}

/// Register for a session
///
/// A teacher registers themself (empty body); staff register a teacher of their subtree.
#[utoipa::path(operation_id = "registerForSession", 
    tag = "training",
    params(("id" = i64, Path, description = "Session id")),
    request_body(content = Option<RegistrationRequest>),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "On the roster", body = Attendance),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to register this teacher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session or teacher in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Full, or the session is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing teacher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Option<web::Json<RegistrationRequest>>,
) -> ApiResult<HttpResponse> {
    let teacher_id = body.and_then(|b| b.into_inner().teacher_id);
    let line =
        courses::register_for_session(&state.db, state.clock.now(), &actor, id.into_inner(), teacher_id)
            .await?;
    Ok(HttpResponse::Created().json(line))
}

/// Current sign-in code
///
/// For the trainer's screen: a code that rotates every 30 s, with a QR-ready payload.
#[utoipa::path(operation_id = "getSessionSignInCode", 
    tag = "training",
    params(("id" = i64, Path, description = "Session id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The code shown now", body = SignInCode),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not run sessions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Session closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sessions/{id}/sign-in-code")]
pub async fn sign_in_code(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SignInCode>> {
    Ok(web::Json(courses::sign_in_code(&state.db, state.clock.now(), &actor, id.into_inner()).await?))
}

async fn scan(
    state: &AppState,
    actor: &kernel::Actor,
    id: i64,
    sign_in: &str,
    scan: Scan,
) -> ApiResult<web::Json<Attendance>> {
    Ok(web::Json(courses::scan_session(&state.db, state.clock.now(), actor, id, sign_in, scan).await?))
}

/// Sign in to a session
///
/// With the code on the trainer's screen, during the session window (plus grace).
#[utoipa::path(operation_id = "checkInToSession", 
    tag = "training",
    params(("id" = i64, Path, description = "Session id")),
    request_body = ScanRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Signed in", body = Attendance),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only teachers sign in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session open to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not registered, or session closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong or stale code, or outside the window", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/check-in")]
pub async fn check_in(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<ScanRequest>,
) -> ApiResult<web::Json<Attendance>> {
    scan(&state, &actor, id.into_inner(), &body.code, Scan::In).await
}

/// Sign out of a session
#[utoipa::path(operation_id = "checkOutOfSession", 
    tag = "training",
    params(("id" = i64, Path, description = "Session id")),
    request_body = ScanRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Signed out", body = Attendance),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only teachers sign out", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session open to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not signed in, or session closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong or stale code, or outside the window", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/check-out")]
pub async fn check_out(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<ScanRequest>,
) -> ApiResult<web::Json<Attendance>> {
    scan(&state, &actor, id.into_inner(), &body.code, Scan::Out).await
}

/// Set attendance by hand
///
/// present / late / absent / excused, with a reason; audited; also after the session ended.
#[utoipa::path(operation_id = "markSessionAttendance", 
    tag = "training",
    params(("id" = i64, Path, description = "Session id")),
    request_body = MarkRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Marked", body = Attendance),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not run sessions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Session closed; reopen first", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason or unknown teacher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/attendance")]
pub async fn mark(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<MarkRequest>,
) -> ApiResult<web::Json<Attendance>> {
    let body = body.into_inner();
    let line = courses::mark_attendance(
        &state.db,
        state.clock.now(),
        &actor,
        id.into_inner(),
        body.teacher_id,
        body.status,
        &body.reason,
    )
    .await?;
    Ok(web::Json(line))
}

/// Close a session
///
/// Every qualifying attendee (signed in and out, or marked present/late) gets the session's
/// hours in the ledger, exactly once, however often the session is reopened and closed.
#[utoipa::path(operation_id = "closeSession", 
    tag = "training",
    params(("id" = i64, Path, description = "Session id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Closed", body = Session),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not run sessions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session in the caller's scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Session>> {
    Ok(web::Json(courses::close_session(&state.db, state.clock.now(), &actor, id.into_inner()).await?))
}

/// Reopen a session
///
/// To enter late paper records; closing again posts only what is new.
#[utoipa::path(operation_id = "reopenSession", 
    tag = "training",
    params(("id" = i64, Path, description = "Session id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reopened", body = Session),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not run sessions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session in the caller's scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Session>> {
    Ok(web::Json(courses::reopen_session(&state.db, &actor, id.into_inner()).await?))
}

/// Attendance sheet
///
/// The roster with sign-in/out times, attended minutes, hours credited, place and trainer, as
/// JSON, CSV or XLSX.
#[utoipa::path(operation_id = "getSessionAttendance", 
    tag = "training",
    params(("id" = i64, Path, description = "Session id"), SheetQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The sheet (JSON; or CSV / XLSX by `format`)", content((SessionAttendance = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not run sessions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sessions/{id}/attendance")]
pub async fn sheet(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    query: web::Query<SheetQuery>,
) -> ApiResult<HttpResponse> {
    let format = ReportFormat::parse(query.format.as_deref())?;
    let sheet = courses::session_attendance(&state.db, &actor, id.into_inner()).await?;
    if format == ReportFormat::Json {
        return Ok(HttpResponse::Ok().json(sheet));
    }
    let english = lang::english();
    let headers: [&str; 10] = if english {
        [
            "Employee no.",
            "Name",
            "School",
            "Status",
            "Signed in",
            "Signed out",
            "Minutes",
            "Hours",
            "Place",
            "Trainer",
        ]
    } else {
        ["工号", "姓名", "学校", "出勤", "签到时间", "签退时间", "出勤分钟", "学时", "地点", "培训师"]
    };
    let time =
        |t: Option<DateTime<Utc>>| t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = sheet
        .lines
        .iter()
        .map(|l| {
            let status = match (l.attendance.status, l.attendance.attended) {
                (Some(s), _) => s.as_str().to_owned(),
                (None, true) => "present".to_owned(),
                (None, false) => "absent".to_owned(),
            };
            vec![
                l.employee_no.clone(),
                l.name.clone(),
                l.school_name.clone(),
                status,
                time(l.attendance.checked_in_at),
                time(l.attendance.checked_out_at),
                l.attendance.attended_minutes.to_string(),
                l.hours_credited.to_string(),
                sheet.session.place.clone(),
                sheet.session.trainer.clone(),
            ]
        })
        .collect();
    format.file(if english { "Attendance" } else { "签到表" }, &headers, &rows)
}
