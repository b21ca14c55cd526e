//! Reports as files offices file: one place renders every table the server exports, so a
//! boolean is 是/否, a share a percentage, a time China time (said so in its header), a number a
//! number in XLSX, in every download alike; and every download is an attachment with a Chinese
//! file name (RFC 6266 `filename*`).

use actix_web::HttpResponse;
use actix_web::http::header::{
    CONTENT_DISPOSITION, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use chrono::{DateTime, Utc};
use kernel::{FieldError, Text};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::error::ApiError;

/// What a report is asked for as: JSON for programs, CSV or XLSX for offices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
}

/// One cell, typed, so each format writes it the way its readers expect.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Number(Decimal),
    /// A fraction (0.8), written as a percentage (80.0%).
    Share(Decimal),
    Bool(bool),
    /// An instant, written in China time (the header says so).
    Time(DateTime<Utc>),
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

macro_rules! int_cells {
    ($($t:ty),*) => { $(impl From<$t> for Cell { fn from(n: $t) -> Self { Cell::Int(i64::from(n)) } })* };
}
int_cells!(i32, u32, i64);

impl From<u64> for Cell {
    fn from(n: u64) -> Self {
        i64::try_from(n).map_or_else(|_| Cell::Text(n.to_string()), Cell::Int)
    }
}

impl From<Decimal> for Cell {
    fn from(n: Decimal) -> Self {
        Cell::Number(n)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Cell::Empty, Into::into)
    }
}

impl Cell {
    /// The cell as CSV text (and as the text of XLSX cells that are not numbers).
    pub fn text(&self, english: bool) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Number(n) => n.normalize().to_string(),
            Cell::Share(f) => format!("{:.1}%", (f * Decimal::from(100)).round_dp(1)),
            Cell::Bool(b) => match (b, english) {
                (true, false) => "是".to_owned(),
                (false, false) => "否".to_owned(),
                (true, true) => "yes".to_owned(),
                (false, true) => "no".to_owned(),
            },
            Cell::Time(t) => t.with_timezone(&kernel::china_offset()).format("%Y-%m-%d %H:%M:%S").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A report as a table: its file name (without extension), sheet name, headers and rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: impl Into<String>, headers: &[&str]) -> Self {
        Self {
            name: name.into(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }
}

/// The header of a time column: times are China time, and the header says so.
pub fn china_time_header(title: &str, english: bool) -> String {
    if english { format!("{title} (China time, UTC+8)") } else { format!("{title}（北京时间）") }
}

impl ReportFormat {
    /// `json` (also when absent), `csv` or `xlsx`; anything else is a 422 naming `format`.
    pub fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        match value.unwrap_or("json") {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(ApiError::invalid(vec![FieldError::new(
                "query.format",
                "invalid_value",
                Text::fixed("格式须为 json、csv 或 xlsx", "format is json, csv or xlsx"),
            )])),
        }
    }

    /// The table as a CSV or XLSX download (a JSON report answers before calling this).
    pub fn file(self, table: &Table, english: bool) -> Result<HttpResponse, ApiError> {
        Ok(match self {
            Self::Csv => attachment(&format!("{}.csv", table.name), "text/csv; charset=utf-8")
                .body(csv_file(table, english)?),
            Self::Json | Self::Xlsx => attachment(
                &format!("{}.xlsx", table.name),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            .body(xlsx_file(table, english)?),
        })
    }
}

/// A download named `name`: an ASCII fallback for old clients, the real (Chinese) name in
/// `filename*` (RFC 6266 / 5987).
pub fn attachment(name: &str, content_type: &str) -> actix_web::HttpResponseBuilder {
    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    let ascii: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
    let fallback =
        if ascii.trim_matches('.').len() > extension.len() { ascii } else { format!("report.{extension}") };
    let mut response = HttpResponse::Ok();
    response.content_type(content_type.to_owned()).insert_header((
        CONTENT_DISPOSITION,
        ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![
                DispositionParam::Filename(fallback),
                DispositionParam::FilenameExt(ExtendedValue {
                    charset: Charset::Ext("UTF-8".to_owned()),
                    language_tag: None,
                    value: name.as_bytes().to_vec(),
                }),
            ],
        },
    ));
    response
}

fn failed(error: impl std::fmt::Display) -> ApiError {
    kernel::Error::Unexpected(anyhow::anyhow!("failed to write a table: {error}")).into()
}

/// A CSV file: BOM (so Excel reads UTF-8), header row, rows.
pub fn csv_file(table: &Table, english: bool) -> Result<Vec<u8>, ApiError> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(&table.headers).map_err(failed)?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|cell| cell.text(english))).map_err(failed)?;
    }
    writer.into_inner().map_err(failed)
}

/// An XLSX workbook with one sheet.
pub fn xlsx_file(table: &Table, english: bool) -> Result<Vec<u8>, ApiError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&table.name)).map_err(failed)?;
    write_header(sheet, &table.headers)?;
    for (r, row) in table.rows.iter().enumerate() {
        write_row(sheet, r as u32 + 1, row, english)?;
    }
    workbook.save_to_buffer().map_err(failed)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(name: &str) -> String {
    name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

/// The header row of a sheet.
pub fn write_header(sheet: &mut rust_xlsxwriter::Worksheet, headers: &[String]) -> Result<(), ApiError> {
    for (col, title) in headers.iter().enumerate() {
        sheet.write_string(0, col as u16, title).map_err(failed)?;
    }
    Ok(())
}

/// One row of a sheet: numbers as numbers, shares as percentages, the rest as text.
pub fn write_row(
    sheet: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    row: &[Cell],
    english: bool,
) -> Result<(), ApiError> {
    let percent = rust_xlsxwriter::Format::new().set_num_format("0.0%");
    for (col, cell) in row.iter().enumerate() {
        let col = col as u16;
        match cell {
            Cell::Int(n) => sheet.write_number(r, col, *n as f64).map(|_| ()),
            Cell::Number(n) => sheet.write_number(r, col, n.to_f64().unwrap_or_default()).map(|_| ()),
            Cell::Share(f) => {
                sheet.write_number_with_format(r, col, f.to_f64().unwrap_or_default(), &percent).map(|_| ())
            }
            Cell::Empty => Ok(()),
            other => sheet.write_string(r, col, other.text(english)).map(|_| ()),
        }
        .map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_the_way_an_office_reads_them() {
        assert_eq!(Cell::Bool(true).text(false), "是");
        assert_eq!(Cell::Bool(false).text(false), "否");
        assert_eq!(Cell::Share(Decimal::new(19, 4)).text(false), "0.2%");
        assert_eq!(Cell::Share(Decimal::new(8, 1)).text(false), "80.0%");
        let at: DateTime<Utc> = "2026-12-01T20:00:00Z".parse().unwrap();
        assert_eq!(Cell::Time(at).text(false), "2026-12-02 04:00:00");
        assert_eq!(Cell::Number(Decimal::new(1250, 2)).text(false), "12.5");
    }

    #[test]
    fn a_chinese_file_name_travels_in_filename_star() {
        let response = attachment("学时汇总.csv", "text/csv").finish();
        let value = response.headers().get(CONTENT_DISPOSITION).unwrap().to_str().unwrap().to_owned();
        assert!(value.starts_with("attachment"), "{value}");
        assert!(value.contains("filename*=UTF-8''%E5%AD%A6%E6%97%B6"), "{value}");
        assert!(
            value.contains("filename=\"report.csv\"") || value.contains("filename=report.csv"),
            "{value}"
        );
    }
}
