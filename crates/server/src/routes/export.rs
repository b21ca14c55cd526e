use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use credit::{CreditExport, TeacherCredits};
use futures_util::stream;
use kernel::{FieldError, Text};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::lang;
use crate::routes::credits::SearchQuery;
use crate::state::AppState;
use crate::table::{Cell, attachment, sheet_name, write_header, write_row};

/// Rows read from the database per step of an export.
const CHUNK: u64 = 2000;

/// The file format of an export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `csv` (default) or `xlsx`.
    #[param(example = "xlsx")]
    pub format: Option<String>,
}

fn headers(english: bool) -> Vec<String> {
    let titles = if english {
        [
            "Employee no.",
            "Name",
            "School",
            "Hours",
            "Online hours",
            "Offline hours",
            "Credits",
            "Entries",
            "Teacher id",
        ]
    } else {
        ["工号", "姓名", "学校", "学时", "线上学时", "面授学时", "学分", "记录数", "教师ID"]
    };
    titles.iter().map(|t| (*t).to_owned()).collect()
}

fn cells(row: &TeacherCredits) -> Vec<Cell> {
    vec![
        row.employee_no.as_str().into(),
        row.name.as_str().into(),
        row.school_name.as_str().into(),
        row.total_hours.into(),
        row.online_hours.into(),
        row.offline_hours.into(),
        row.total_credits.into(),
        row.entries.into(),
        row.teacher_id.into(),
    ]
}

/// The file's name: what it holds and when, in the caller's language.
fn file_name(english: bool, now: chrono::DateTime<chrono::Utc>, extension: &str) -> String {
    let day = kernel::china_date(now);
    if english {
        format!("credits-{day}.{extension}")
    } else {
        format!("继续教育学时-{day}.{extension}")
    }
}

/// Export credits (HR)
///
/// The HR search with the same filters as a file: `csv` (UTF-8 with BOM, opens correctly in
/// Excel; streamed, so a whole prefecture is never held in memory) or `xlsx`.
#[utoipa::path(operation_id = "exportCredits", 
    tag = "credits",
    params(SearchQuery, FormatQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file (CSV by default; XLSX by `format`)", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, description = "Role may not read credits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or format", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/credits/export")]
pub async fn export_credits(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<SearchQuery>,
    format: web::Query<FormatQuery>,
) -> ApiResult<HttpResponse> {
    let xlsx = match format.format.as_deref() {
        None | Some("csv") => false,
        Some("xlsx") => true,
        Some(_) => {
            return Err(ApiError::invalid(vec![FieldError::new(
                "format",
                "invalid_value",
                Text::fixed("格式须为 csv 或 xlsx", "format is csv or xlsx"),
            )]));
        }
    };
    let search = query.into_inner().search()?;
    let rows = CreditExport::start(
        &state.db,
        state.clock.now(),
        state.settings.credit,
        &actor,
        search,
        "export_credits",
    )
    .await?;
    let english = lang::english();
    if xlsx {
        let body = xlsx_file(&state, rows, english).await?;
        return Ok(attachment(
            &file_name(english, state.clock.now(), "xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(body));
    }
    // The first rows are read before the answer starts, so an unreachable report replica is a
    // clean 503 rather than a file cut short.
    let mut rows = rows;
    let first = state.reported(rows.next_chunk(state.reports(), CHUNK).await).await?;
    Ok(attachment(&file_name(english, state.clock.now(), "csv"), "text/csv; charset=utf-8")
        .streaming(csv_stream(state.reports().clone(), first, rows, english)))
}

fn csv_line(fields: &[String]) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(fields).map_err(|e| kernel::Error::Unexpected(e.into()))?;
    writer.into_inner().map_err(|e| kernel::Error::Unexpected(anyhow::anyhow!("csv: {e}")).into())
}

/// The BOM and header first, then one chunk of rows per database read.
fn csv_stream(
    db: DatabaseConnection,
    first_rows: Vec<TeacherCredits>,
    rows: CreditExport,
    english: bool,
) -> impl futures_util::Stream<Item = Result<Bytes, ApiError>> {
    let lines = move |chunk: &[TeacherCredits]| -> Result<Vec<u8>, ApiError> {
        let mut bytes = Vec::new();
        for row in chunk {
            let texts: Vec<String> = cells(row).iter().map(|cell| cell.text(english)).collect();
            bytes.extend(csv_line(&texts)?);
        }
        Ok(bytes)
    };
    let mut head = b"\xEF\xBB\xBF".to_vec();
    let first = csv_line(&headers(english)).and_then(|line| {
        head.extend(line);
        head.extend(lines(&first_rows)?);
        Ok(Bytes::from(head))
    });
    let done = first_rows.is_empty();
    let chunks = stream::try_unfold((db, rows, done), move |(db, mut rows, done)| async move {
        let chunk = if done { Vec::new() } else { rows.next_chunk(&db, CHUNK).await? };
        if chunk.is_empty() {
            return Ok(None);
        }
        Ok(Some((Bytes::from(lines(&chunk)?), (db, rows, false))))
    });
    futures_util::StreamExt::chain(stream::iter([first]), chunks)
}

/// An XLSX workbook written row by row in constant-memory mode (rows go to a temporary file,
/// not a tree in memory).
async fn xlsx_file(state: &AppState, mut rows: CreditExport, english: bool) -> ApiResult<Vec<u8>> {
    let failed = |e: rust_xlsxwriter::XlsxError| {
        ApiError::from(kernel::Error::Unexpected(anyhow::anyhow!("xlsx: {e}")))
    };
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory().map_err(failed)?;
    sheet.set_name(sheet_name(if english { "Credits" } else { "学时" })).map_err(failed)?;
    write_header(sheet, &headers(english))?;
    let mut row_index: u32 = 1;
    loop {
        let chunk = state.reported(rows.next_chunk(state.reports(), CHUNK).await).await?;
        if chunk.is_empty() {
            break;
        }
        for row in &chunk {
            write_row(sheet, row_index, &cells(row), english)?;
            row_index += 1;
        }
    }
    workbook.save_to_buffer().map_err(failed)
}
