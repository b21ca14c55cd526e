//! The attendance sheet as a file: one table for sessions and research events alike (the
//! runner's column only where the occasion names one), in the format asked for.

use actix_web::HttpResponse;
use attendance::SheetLine;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiResult;
use crate::lang;
use crate::table::{Cell, ReportFormat, Table, china_time_header};

/// The format of an attendance sheet.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// `json` (default), `csv` or `xlsx`.
    #[param(example = "xlsx")]
    pub format: Option<String>,
}

/// What the sheet's file says of its occasion.
pub struct SheetOf<'a> {
    pub id: i64,
    pub title: &'a str,
    pub place: &'a str,
    /// A session's trainer; events name nobody.
    pub trainer: Option<&'a str>,
}

/// The sheet as CSV or XLSX, headed in the caller's language, times in China time.
pub fn sheet_file(format: ReportFormat, of: SheetOf<'_>, lines: &[SheetLine]) -> ApiResult<HttpResponse> {
    let english = lang::english();
    let word = |zh: &'static str, en: &'static str| if english { en } else { zh };
    let (signed_in, signed_out) = (
        china_time_header(word("签到时间", "Signed in"), english),
        china_time_header(word("签退时间", "Signed out"), english),
    );
    let mut headers = vec![
        word("工号", "Employee no."),
        word("姓名", "Name"),
        word("学校", "School"),
        word("出勤情况", "Attendance"),
        word("人工标记", "Mark"),
        &signed_in,
        &signed_out,
        word("在场分钟", "Minutes present"),
        word("学时", "Hours"),
        word("地点", "Place"),
    ];
    if of.trainer.is_some() {
        headers.push(word("培训师", "Trainer"));
    }
    let name = if english { format!("attendance-{}", of.id) } else { format!("签到表-{}", of.title) };
    let mut table = Table::new(name, &headers);
    for l in lines {
        let a = &l.attendance;
        let mut row: Vec<Cell> = vec![
            l.employee_no.as_str().into(),
            l.name.as_str().into(),
            l.school_name.as_str().into(),
            presence_label(a.presence, english).into(),
            a.status.map(|s| mark_label(s, english)).into(),
            a.checked_in_at.map(Cell::Time).unwrap_or(Cell::Empty),
            a.checked_out_at.map(Cell::Time).unwrap_or(Cell::Empty),
            a.attended_minutes.into(),
            l.hours_credited.into(),
            of.place.into(),
        ];
        if let Some(trainer) = of.trainer {
            row.push(trainer.into());
        }
        table.push(row);
    }
    format.file(&table, english)
}

/// Where an attendee stands, as the sheet says it.
fn presence_label(presence: attendance::Presence, english: bool) -> &'static str {
    use attendance::Presence::*;
    match (presence, english) {
        (Absent, false) => "缺勤",
        (CheckedIn, false) => "已签到未签退",
        (Partial, false) => "在场时间不足",
        (Present, false) => "出勤",
        (Absent, true) => "absent",
        (CheckedIn, true) => "signed in, not out",
        (Partial, true) => "present too briefly",
        (Present, true) => "present",
    }
}

/// A trainer's mark, as the sheet says it.
fn mark_label(status: attendance::AttendanceStatus, english: bool) -> &'static str {
    use attendance::AttendanceStatus::*;
    match (status, english) {
        (Present, false) => "出勤",
        (Late, false) => "迟到",
        (Absent, false) => "缺勤",
        (Excused, false) => "请假",
        (Present, true) => "present",
        (Late, true) => "late",
        (Absent, true) => "absent",
        (Excused, true) => "excused",
    }
}
