use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use courses::{NewSession, Session, SessionAttendance, SessionFilter, SessionPatch, SessionStatus};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::routes::sheet::{SheetOf, SheetQuery, sheet_file};
use crate::state::AppState;
use crate::table::ReportFormat;

pub use crate::routes::attendance::sessions::{
    cancel, check_in, check_out, close, mark, register, sign_in_code,
};

/// Filters of `GET /sessions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    pub status: Option<SessionStatus>,
    /// Only sessions starting at or after this time.
    pub from: Option<DateTime<Utc>>,
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

/// Change an offline session
///
/// Only the fields sent change; the result is checked whole, like a new session. A closed
/// session must be reopened first; a cancelled one stays as it is. When the time or place
/// moves, every registrant is told by mail and in their notifications (`occasion_moved`).
#[utoipa::path(operation_id = "updateSession",
    tag = "training",
    params(("id" = i64, Path, description = "Session id")),
    request_body = SessionPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Session),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not run sessions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed (`session_closed`) or cancelled (`session_cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, capacity below the roster, or other hours once posted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/sessions/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<SessionPatch>,
) -> ApiResult<web::Json<Session>> {
    Ok(web::Json(
        courses::update_session(&state.db, state.clock.now(), &actor, id.into_inner(), body.into_inner())
            .await?,
    ))
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
        (status = 403, description = "Role may not run sessions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The session was cancelled (`session_cancelled`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Session>> {
    Ok(web::Json(attendance::reopen(&state.db, &courses::Sessions, &actor, id.into_inner()).await?))
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
    let of = SheetOf {
        id: sheet.session.id,
        title: &sheet.session.title,
        place: &sheet.session.place,
        trainer: Some(&sheet.session.trainer),
    };
    sheet_file(format, of, &sheet.lines)
}
