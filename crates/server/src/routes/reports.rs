use actix_web::{HttpResponse, get, web};
use directory::StaffingReport;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::lang;
use crate::state::AppState;
use crate::table::{Cell, ReportFormat, Table};

/// Parameters of `GET /reports/staffing`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffingQuery {
    /// The subtree to report on; default the caller's own scope.
    #[param(example = 2)]
    pub org_unit: Option<i64>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(example = "xlsx")]
    pub format: Option<String>,
}

/// Staffing ratio report
///
/// Per school: students, required full-time MH teachers = ceil(max(students,1000)/1000),
/// actual, gap, full-time MH teachers who also teach another subject; then totals per county
/// and for the whole subtree, the prefecture's and each county's teaching-research office with
/// its MH research officers (an office without one is a gap), and the full-time MH teachers
/// teaching another subject by name.
#[utoipa::path(operation_id = "getStaffingReport", 
    tag = "reports",
    params(StaffingQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report (JSON; or CSV / XLSX by `format`)", content((StaffingReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
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
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let format = ReportFormat::parse(query.format.as_deref())?;
    let report =
        state.reported(directory::staffing_report(state.reports(), &actor, query.org_unit).await).await?;
    if format == ReportFormat::Json {
        return Ok(HttpResponse::Ok().json(report));
    }
    let english = lang::english();
    format.file(&staffing_table(&report, english), english)
}

/// Every school, then each county's totals and the whole subtree's.
fn staffing_table(report: &StaffingReport, english: bool) -> Table {
    let mut table = Table::new(
        if english { "staffing" } else { "专职心理教师配备" },
        &if english {
            [
                "Level",
                "Org unit id",
                "Org unit",
                "Students",
                "Full-time MH teachers required",
                "Actual",
                "Gap",
                "Meets the ratio",
                "Full-time MH teachers teaching another subject",
                "MH research officers",
                "Research offices without an officer",
            ]
        } else {
            [
                "层级",
                "机构ID",
                "机构",
                "学生数",
                "应配专职心理教师",
                "实配",
                "缺口",
                "是否达标",
                "专职心理教师兼任其他学科",
                "心理健康教育教研员",
                "未配教研员的教研机构",
            ]
        },
    );
    let (school, county, total) =
        if english { ("school", "county", "total") } else { ("学校", "县市", "合计") };
    for r in &report.items {
        table.push(vec![
            school.into(),
            r.school_id.into(),
            r.school_name.as_str().into(),
            r.student_count.into(),
            r.required_fulltime.into(),
            r.actual_fulltime.into(),
            r.gap.into(),
            (r.gap == 0).into(),
            r.fulltime_teaching_other_subject.into(),
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    for (kind, t) in
        report.counties.iter().map(|t| (county, t)).chain(std::iter::once((total, &report.summary)))
    {
        table.push(vec![
            kind.into(),
            t.org_unit_id.into(),
            t.org_unit_name.as_str().into(),
            t.student_count.into(),
            t.required_fulltime.into(),
            t.actual_fulltime.into(),
            t.gap.into(),
            (t.gap == 0).into(),
            t.fulltime_teaching_other_subject.into(),
            t.research_officers.into(),
            t.offices_lacking_officer.into(),
        ]);
    }
    table
}
