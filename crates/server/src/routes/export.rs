use actix_web::http::header::{CONTENT_DISPOSITION, ContentDisposition, DispositionParam, DispositionType};
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

fn headers(english: bool) -> [&'static str; 7] {
    if english {
        ["Employee no.", "Name", "School", "Hours", "Credits", "Entries", "Teacher id"]
    } else {
        ["工号", "姓名", "学校", "学时", "学分", "记录数", "教师ID"]
    }
}

fn cells(row: &TeacherCredits) -> [String; 7] {
    [
        row.employee_no.clone(),
        row.name.clone(),
        row.school_name.clone(),
        row.total_hours.to_string(),
        row.total_credits.to_string(),
        row.entries.to_string(),
        row.teacher_id.to_string(),
    ]
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
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
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
        let body = xlsx_file(&state.db, rows, english).await?;
        return Ok(attachment(
            "credits.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(body));
    }
    Ok(attachment("credits.csv", "text/csv; charset=utf-8").streaming(csv_stream(
        state.db.clone(),
        rows,
        english,
    )))
}

fn attachment(name: &str, content_type: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response.content_type(content_type.to_owned()).insert_header((
        CONTENT_DISPOSITION,
        ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name.to_owned())],
        },
    ));
    response
}

fn csv_line(fields: &[String]) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(fields).map_err(|e| kernel::Error::Unexpected(e.into()))?;
    writer.into_inner().map_err(|e| kernel::Error::Unexpected(anyhow::anyhow!("csv: {e}")).into())
}

/// The BOM and header first, then one chunk of rows per database read.
fn csv_stream(
    db: DatabaseConnection,
    rows: CreditExport,
    english: bool,
) -> impl futures_util::Stream<Item = Result<Bytes, ApiError>> {
    let mut head = b"\xEF\xBB\xBF".to_vec();
    let header: Vec<String> = headers(english).iter().map(|h| (*h).to_owned()).collect();
    let first = csv_line(&header).map(|line| {
        head.extend(line);
        Bytes::from(head)
    });
    let chunks = stream::try_unfold((db, rows), |(db, mut rows)| async move {
        let chunk = rows.next_chunk(&db, CHUNK).await?;
        if chunk.is_empty() {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        for row in &chunk {
            bytes.extend(csv_line(&cells(row))?);
        }
        Ok(Some((Bytes::from(bytes), (db, rows))))
    });
    futures_util::StreamExt::chain(stream::iter([first]), chunks)
}

/// An XLSX workbook written row by row in constant-memory mode (rows go to a temporary file,
/// not a tree in memory).
async fn xlsx_file(db: &DatabaseConnection, mut rows: CreditExport, english: bool) -> ApiResult<Vec<u8>> {
    let failed = |e: rust_xlsxwriter::XlsxError| {
        ApiError::from(kernel::Error::Unexpected(anyhow::anyhow!("xlsx: {e}")))
    };
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory().map_err(failed)?;
    sheet.set_name(if english { "Credits" } else { "学时" }).map_err(failed)?;
    for (col, title) in headers(english).iter().enumerate() {
        sheet.write_string(0, col as u16, *title).map_err(failed)?;
    }
    let mut row_index: u32 = 1;
    loop {
        let chunk = rows.next_chunk(db, CHUNK).await?;
        if chunk.is_empty() {
            break;
        }
        for row in &chunk {
            let values = cells(row);
            for (col, value) in values.iter().enumerate() {
                let numeric = (3..=6).contains(&col);
                match value.parse::<f64>() {
                    Ok(number) if numeric => {
                        sheet.write_number(row_index, col as u16, number).map_err(failed)?
                    }
                    _ => sheet.write_string(row_index, col as u16, value).map_err(failed)?,
                };
            }
            row_index += 1;
        }
    }
    workbook.save_to_buffer().map_err(failed)
}
