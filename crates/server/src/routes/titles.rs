//! Recognised titles and the commendation list (plan item 8): grant, revoke, list, the report
//! against the plan's targets, and the commendation lists with their CSV/XLSX export.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use research::{
    Commendation, CommendationSummary, NewCommendation, NewTitle, Title, TitleFilter, TitleKind, TitleReport,
    TitleRevocation,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::lang;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;
use crate::table::{ReportFormat, Table};

/// Filters of `GET /titles`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TitleQuery {
    pub kind: Option<TitleKind>,
    /// Only titles of teachers of this unit's subtree.
    #[param(example = 2)]
    pub org_unit: Option<i64>,
    /// `true`: only titles not revoked; `false`: only revoked ones.
    pub active: Option<bool>,
}

/// Parameters of `GET /reports/titles`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TitleReportQuery {
    #[param(example = 2)]
    pub org_unit: Option<i64>,
    /// The day counted (default today, China time).
    pub as_of: Option<NaiveDate>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(example = "xlsx")]
    pub format: Option<String>,
}

/// The format of a commendation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommendationQuery {
    /// `json` (default), `csv` or `xlsx`.
    #[param(example = "xlsx")]
    pub format: Option<String>,
}

/// Grant a recognised title
///
/// 州级心理健康教育名师 by prefecture admins, 县级骨干教师/名师 by prefecture or county admins, to
/// a teacher of their subtree, dated (not in the future) and with a reason. Audited.
#[utoipa::path(operation_id = "grantTitle", tag = "titles",
    params(("id" = i64, Path, description = "Teacher id")),
    request_body = NewTitle,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Granted", body = Title),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or the title is above the admin's level", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already held (`title_held`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason, or a day in the future", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/teachers/{id}/titles")]
pub async fn grant(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<NewTitle>,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let title = research::grant_title(&state.db, now, &actor, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(title))
}

/// Revoke a recognised title
///
/// From a day on (not before the grant, not in the future), with a reason; it stays on record.
/// Audited.
#[utoipa::path(operation_id = "revokeTitle", tag = "titles",
    params(("id" = i64, Path, description = "Title id")),
    request_body = TitleRevocation,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked", body = Title),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or the title is above the admin's level", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such title in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already revoked (`title_revoked`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason, or a bad day", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/titles/{id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<TitleRevocation>,
) -> ApiResult<web::Json<Title>> {
    let now = state.clock.now();
    Ok(web::Json(research::revoke_title(&state.db, now, &actor, id.into_inner(), body.into_inner()).await?))
}

/// List recognised titles
///
/// Staff of the subtree (HR and title-evaluation offices included), newest grant first.
#[utoipa::path(operation_id = "listTitles", tag = "titles",
    params(TitleQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of titles", body = PageOf<Title>),
        (status = 403, description = "Teachers have no title list", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/titles")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<TitleQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Title>>> {
    let q = query.into_inner();
    let filter = TitleFilter { kind: q.kind, org_unit: q.org_unit, active: q.active };
    Ok(web::Json(research::list_titles(&state.db, &actor, filter, page.request()?).await?.into()))
}

/// Recognised titles against the plan's targets
///
/// Holders on a day (granted by then, not revoked by then) of each title against the plan's
/// prefecture-wide range (州级名师 5–10, 县级骨干 50–80), then per county.
#[utoipa::path(operation_id = "getTitleReport", tag = "reports",
    params(TitleReportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report (JSON; or CSV / XLSX by `format`)", content((TitleReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, description = "Teachers have no reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/titles")]
pub async fn report(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<TitleReportQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let format = ReportFormat::parse(query.format.as_deref())?;
    let now = state.clock.now();
    let counted = research::title_report(&state.db, now, &actor, query.org_unit, query.as_of).await?;
    if format == ReportFormat::Json {
        return Ok(HttpResponse::Ok().json(counted));
    }
    let english = lang::english();
    format.file(&title_table(&counted, english), english)
}

/// Each title against its target, then each county's holders.
fn title_table(counted: &TitleReport, english: bool) -> Table {
    let (master, key) =
        (TitleKind::PrefectureMhMaster.label(english), TitleKind::CountyKeyTeacher.label(english));
    let headers: [&str; 5] = if english {
        ["Unit", "Held on", master, key, "Target"]
    } else {
        ["单位", "统计日期", master, key, "目标"]
    };
    let mut table = Table::new(if english { "recognised-titles" } else { "名师骨干称号统计" }, &headers);
    let as_of = counted.summary.as_of.to_string();
    let target = |kind: TitleKind| counted.summary.targets.iter().find(|t| t.kind == kind);
    let held = |kind: TitleKind| target(kind).map_or(0, |t| t.held);
    let ranges: Vec<String> = counted
        .summary
        .targets
        .iter()
        .map(|t| format!("{}：{}–{}", t.kind.label(english), t.target_min, t.target_max))
        .collect();
    table.push(vec![
        (if english { "Total" } else { "合计" }).into(),
        as_of.as_str().into(),
        held(TitleKind::PrefectureMhMaster).into(),
        held(TitleKind::CountyKeyTeacher).into(),
        ranges.join(if english { "; " } else { "；" }).into(),
    ]);
    for row in &counted.items {
        table.push(vec![
            row.org_unit_name.as_str().into(),
            as_of.as_str().into(),
            row.prefecture_mh_master.into(),
            row.county_key_teacher.into(),
            crate::table::Cell::Empty,
        ]);
    }
    table
}

/// Draw up a commendation list
///
/// 通报表扬先进个人 of a period: teachers named with what they are praised for, and with
/// `from_titles` every teacher of the unit granted a recognised title in the period. Admins, in
/// their subtree. Audited.
#[utoipa::path(operation_id = "createCommendation", tag = "titles",
    request_body = NewCommendation,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued", body = Commendation),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins issue commendations", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, teachers out of scope, or an empty list", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commendations")]
pub async fn create_commendation(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewCommendation>,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let issued = research::create_commendation(&state.db, now, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(issued))
}

/// List commendation lists
#[utoipa::path(operation_id = "listCommendations", tag = "titles",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of lists, newest first", body = PageOf<CommendationSummary>),
        (status = 403, description = "Teachers have no commendation lists here", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/commendations")]
pub async fn commendations(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<CommendationSummary>>> {
    Ok(web::Json(research::list_commendations(&state.db, &actor, page.request()?).await?.into()))
}

/// A commendation list
///
/// As JSON, or the list as issued for filing (CSV or XLSX, Chinese headers).
#[utoipa::path(operation_id = "getCommendation", tag = "titles",
    params(("id" = i64, Path, description = "Commendation list id"), CommendationQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The list (JSON; or CSV / XLSX by `format`)", content((Commendation = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, description = "Teachers have no commendation lists here", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such list in scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/commendations/{id}")]
pub async fn commendation(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    query: web::Query<CommendationQuery>,
) -> ApiResult<HttpResponse> {
    let format = ReportFormat::parse(query.format.as_deref())?;
    let issued = research::get_commendation(&state.db, &actor, id.into_inner()).await?;
    if format == ReportFormat::Json {
        return Ok(HttpResponse::Ok().json(issued));
    }
    let english = lang::english();
    let headers: [&str; 6] = if english {
        ["No.", "Name", "Employee no.", "School", "County", "Commended for"]
    } else {
        ["序号", "姓名", "工号", "学校", "县市", "表扬事由"]
    };
    let name = if english {
        format!("commendation-{}", issued.id)
    } else {
        format!("通报表扬先进个人-{}", issued.title)
    };
    let mut table = Table::new(name, &headers);
    for e in &issued.entries {
        table.push(vec![
            e.position.into(),
            e.teacher_name.as_str().into(),
            e.employee_no.as_str().into(),
            e.school_name.as_str().into(),
            e.county_name.as_str().into(),
            e.citation.as_str().into(),
        ]);
    }
    format.file(&table, english)
}
