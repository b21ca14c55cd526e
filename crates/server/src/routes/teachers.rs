use actix_web::{HttpResponse, get, patch, post, web};
use directory::{ImportOptions, ImportSummary, MhRole, NewTeacher, Teacher, TeacherFilter, TeacherPatch};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::pipeline;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// Largest teacher CSV accepted (10,000 rows take about 1 MiB).
pub const IMPORT_LIMIT: usize = 16 * 1024 * 1024;

/// Filters of `GET /teachers`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeacherQuery {
    /// Only teachers in this org unit's subtree.
    #[param(example = 2)]
    pub org_unit: Option<i64>,
    pub role: Option<MhRole>,
    /// Part of the name, employee number or phone.
    #[param(example = "李")]
    pub q: Option<String>,
}

/// Options of `POST /teachers/import`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Validate only; write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Initial password for rows whose `initial_password` cell is empty.
    #[param(example = "Start2026!")]
    pub default_password: Option<String>,
    /// Skip rows whose employee number already exists instead of refusing the file.
    #[serde(default)]
    pub skip_existing: bool,
}

/// List teachers
///
/// Teachers of the caller's subtree, ordered by id.
#[utoipa::path(operation_id = "listTeachers", 
    tag = "directory",
    params(TeacherQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of teachers", body = PageOf<Teacher>),
        (status = 403, description = "Teachers cannot list others", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/teachers")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<TeacherQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Teacher>>> {
    let query = query.into_inner();
    let filter = TeacherFilter { org_unit: query.org_unit, role: query.role, q: query.q };
    Ok(web::Json(directory::list_teachers(&state.db, &actor, filter, page.request()?).await?.into()))
}

/// Create a teacher
///
/// Also creates the teacher's login account (username = employee number; the phone works too)
/// with `initial_password`.
#[utoipa::path(operation_id = "createTeacher", 
    tag = "directory",
    request_body = NewTeacher,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Teacher),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage the directory", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Employee number or phone taken by a concurrent request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/teachers")]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewTeacher>,
) -> ApiResult<HttpResponse> {
    let teacher = directory::create_teacher(&state.db, pipeline::PLACED, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(teacher))
}

/// Import teachers from CSV
///
/// Body: the CSV itself (`text/csv`, UTF-8 with or without BOM). Columns
/// `employee_no,name,phone,school_code,roles` (roles separated by `|`), optional
/// `email,gender,subject,initial_password`. All-or-nothing: any bad row and nothing is
/// written; the 422 lists every bad row (spreadsheet line, header = 1), column and reason.
#[utoipa::path(operation_id = "importTeachers", 
    tag = "directory",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv",
        example = "employee_no,name,phone,school_code,roles,initial_password\nES9001,张三,13912345678,ES-ESS-001,head_teacher|mh_parttime,Start2026!\n"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Imported (or validated, on a dry run)", body = ImportSummary),
        (status = 403, description = "Role may not manage the directory", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A concurrent change took a key", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "File too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows, each listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/teachers/import")]
pub async fn import(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> ApiResult<web::Json<ImportSummary>> {
    let query = query.into_inner();
    let options = ImportOptions {
        dry_run: query.dry_run,
        default_password: query.default_password,
        skip_existing: query.skip_existing,
    };
    Ok(web::Json(directory::import_teachers(&state.db, pipeline::PLACED, &actor, &body, options).await?))
}

/// Get a teacher
///
/// Staff in scope, or the teacher themself.
#[utoipa::path(operation_id = "getTeacher", 
    tag = "directory",
    params(("id" = i64, Path, description = "Teacher id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The teacher", body = Teacher),
        (status = 403, description = "Role may not read the directory", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in the caller's scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/teachers/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Teacher>> {
    Ok(web::Json(directory::get_teacher(&state.db, &actor, id.into_inner()).await?))
}

/// Update a teacher
///
/// Any field but the employee number; `roles` replaces the whole set.
#[utoipa::path(operation_id = "updateTeacher", 
    tag = "directory",
    params(("id" = i64, Path, description = "Teacher id")),
    request_body = TeacherPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Teacher),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage the directory", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Phone taken by a concurrent request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/teachers/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<TeacherPatch>,
) -> ApiResult<web::Json<Teacher>> {
    Ok(web::Json(
        directory::update_teacher(&state.db, pipeline::PLACED, &actor, id.into_inner(), body.into_inner())
            .await?,
    ))
}
