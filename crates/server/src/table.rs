//! Small tables as files offices open: CSV with a BOM (so Excel reads UTF-8) and XLSX.

use crate::error::ApiError;

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
