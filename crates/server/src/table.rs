//! Small tables as files offices open: CSV with a BOM (so Excel reads UTF-8) and XLSX, and the
//! `format` choice every report shares.

use actix_web::HttpResponse;
use kernel::{FieldError, Text};

use crate::error::ApiError;

/// What a report is asked for as: JSON for programs, CSV or XLSX for offices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
}

impl ReportFormat {
    /// `json` (also when absent), `csv` or `xlsx`; anything else is a 422 naming `format`.
    pub fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        match value.unwrap_or("json") {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(ApiError::invalid(vec![FieldError::new(
                "format",
                "invalid_value",
                Text::fixed("格式须为 json、csv 或 xlsx", "format is json, csv or xlsx"),
            )])),
        }
    }

    /// The table as a CSV or XLSX download (a JSON report answers before calling this).
    pub fn file(
        self,
        sheet_name: &str,
        headers: &[&str],
        rows: &[Vec<String>],
    ) -> Result<HttpResponse, ApiError> {
        Ok(match self {
            Self::Csv => {
                HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(csv_file(headers, rows)?)
            }
            Self::Json | Self::Xlsx => HttpResponse::Ok()
                .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .body(xlsx_file(sheet_name, headers, rows)?),
        })
    }
}

fn failed(error: impl std::fmt::Display) -> ApiError {
    kernel::Error::Unexpected(anyhow::anyhow!("failed to write a table: {error}")).into()
}

/// A CSV file: BOM, header row, rows.
pub fn csv_file(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(headers).map_err(failed)?;
    for row in rows {
        writer.write_record(row).map_err(failed)?;
    }
    writer.into_inner().map_err(failed)
}

/// An XLSX workbook with one sheet.
pub fn xlsx_file(sheet_name: &str, headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(failed)?;
    for (col, title) in headers.iter().enumerate() {
        sheet.write_string(0, col as u16, *title).map_err(failed)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, col as u16, value).map_err(failed)?;
        }
    }
    workbook.save_to_buffer().map_err(failed)
}
