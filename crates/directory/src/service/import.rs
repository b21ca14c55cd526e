use std::collections::{BTreeSet, HashMap};

use kernel::{Actor, Error, FieldError, Permission, Result, Text, Violations};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;

use super::teachers::{TeacherRecord, hash_passwords, insert_teachers, parse_identity, taken};
use crate::domain::{Gender, MhRole, Password};
use crate::entity::org_unit;

const REQUIRED_COLUMNS: [&str; 5] = ["employee_no", "name", "phone", "school_code", "roles"];
const OPTIONAL_COLUMNS: [&str; 5] = ["email", "gender", "subject", "other_subject", "initial_password"];

/// The Chinese headers of the rosters schools keep, and the column each means.
const HEADER_ALIASES: [(&str, &str); 14] = [
    ("工号", "employee_no"),
    ("教职工号", "employee_no"),
    ("姓名", "name"),
    ("手机号", "phone"),
    ("手机", "phone"),
    ("手机号码", "phone"),
    ("学校代码", "school_code"),
    ("角色", "roles"),
    ("邮箱", "email"),
    ("电子邮箱", "email"),
    ("性别", "gender"),
    ("任教学科", "subject"),
    ("兼任学科", "other_subject"),
    ("初始密码", "initial_password"),
];

/// The column a header names, in English or Chinese.
fn column_of(header: &str) -> String {
    let header = header.trim();
    HEADER_ALIASES
        .iter()
        .find(|(alias, _)| *alias == header)
        .map_or_else(|| header.to_owned(), |(_, c)| (*c).to_owned())
}

/// The text of an uploaded CSV: UTF-8 (with or without a BOM) as it is, else GB18030 — the
/// superset of GBK that Excel on Chinese Windows saves. Bytes neither can read are refused.
pub fn decode_csv(bytes: &[u8]) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err(Error::from(FieldError::new(
            "file",
            "unreadable_encoding",
            Text::fixed(
                "无法识别文件编码：请在 Excel 中另存为“CSV UTF-8”或 GBK 编码的 CSV",
                "the file's encoding is not UTF-8 or GBK/GB18030; save it as CSV UTF-8",
            ),
        )));
    }
    Ok(text.into_owned())
}

/// How an import runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Validate every row and report, but write nothing.
    pub dry_run: bool,
    /// Initial password for rows whose `initial_password` cell is empty.
    pub default_password: Option<String>,
    /// Skip rows whose employee number already exists instead of refusing them, so a roster
    /// can be uploaded again after new teachers were added to it.
    pub skip_existing: bool,
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    #[cfg_attr(feature = "openapi", schema(example = 420))]
    pub rows: u64,
    #[cfg_attr(feature = "openapi", schema(example = 420))]
    pub created: u64,
    /// Rows left out because the teacher already exists (with `skip_existing`).
    #[cfg_attr(feature = "openapi", schema(example = 0))]
    pub skipped: u64,
    pub dry_run: bool,
}

/// One CSV line, read by column name.
struct Cells<'r> {
    columns: &'r HashMap<String, usize>,
    record: &'r csv::StringRecord,
}

impl<'r> Cells<'r> {
    fn get(&self, column: &str) -> &'r str {
        self.columns.get(column).and_then(|&i| self.record.get(i)).unwrap_or("")
    }
}

struct Row<'s> {
    record: TeacherRecord,
    school: &'s org_unit::Model,
    password: String,
}

/// Imports teachers from a CSV (UTF-8, BOM optional): every row is checked, and unless all are
/// valid nothing is written and every bad row, column and reason comes back at once. `placed`
/// is told where the imported teachers work.
pub async fn import_teachers(
    db: &DatabaseConnection,
    placed: super::Placed,
    actor: &Actor,
    csv_bytes: &[u8],
    options: ImportOptions,
) -> Result<ImportSummary> {
    actor.require(Permission::ManageDirectory)?;
    let schools: HashMap<String, org_unit::Model> = org_unit::Entity::find()
        .filter(org_unit::Column::Kind.eq("school"))
        .filter(org_unit::Column::Path.starts_with(actor.subtree()?))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.code.clone(), s))
        .collect();
    let text = decode_csv(csv_bytes)?;
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(text.as_bytes());
    let columns = header(&mut reader)?;

    let mut errors = Vec::new();
    let mut records = Vec::new();
    for (index, result) in reader.records().enumerate() {
        let line = index as u64 + 2;
        match result {
            Ok(record) if record.len() == columns.len() => records.push((line, record)),
            Ok(record) => errors.push(
                FieldError::new(
                    "",
                    "malformed_row",
                    Text::owned(
                        format!("该行有 {} 列，表头有 {} 列", record.len(), columns.len()),
                        format!("this line has {} cells; the header has {}", record.len(), columns.len()),
                    ),
                )
                .at_row(line),
            ),
            Err(_) => errors.push(
                FieldError::new(
                    "",
                    "malformed_row",
                    Text::fixed(
                        "无法读取该行：请检查引号是否成对",
                        "cannot read this line; check its quotes",
                    ),
                )
                .at_row(line),
            ),
        }
    }
    let cells = |record: &csv::StringRecord, column: &str| {
        columns.get(column).and_then(|&i| record.get(i)).unwrap_or("").to_owned()
    };
    let numbers: Vec<String> = records.iter().map(|(_, r)| cells(r, "employee_no")).collect();
    let phones: Vec<String> = records.iter().map(|(_, r)| cells(r, "phone")).collect();
    let (taken_numbers, taken_phones) = super::teachers::taken_keys(db, &numbers, &phones).await?;

    let mut rows = Vec::new();
    let mut skipped = 0;
    let mut first_line_of: HashMap<(&'static str, String), u64> = HashMap::new();
    for (line, record) in &records {
        let line = *line;
        let cell = Cells { columns: &columns, record };
        let number_taken = taken_numbers.contains(cell.get("employee_no"));
        if number_taken && options.skip_existing {
            skipped += 1;
            continue;
        }
        let mut v = Violations::default();
        if number_taken {
            v.push(taken("employee_no"));
        }
        if taken_phones.contains(cell.get("phone")) {
            v.push(taken("phone"));
        }
        for (field, value) in [("employee_no", cell.get("employee_no")), ("phone", cell.get("phone"))] {
            if let Some(first) = first_line_of.get(&(field, value.to_owned())) {
                v.push(FieldError::new(
                    field,
                    "duplicate_in_file",
                    Text::owned(format!("与第 {first} 行重复"), format!("repeats line {first}")),
                ));
            } else if !value.is_empty() {
                first_line_of.insert((field, value.to_owned()), line);
            }
        }
        if let Some(row) = parse_row(&mut v, &cell, &schools, actor, &options)
            && v.is_empty()
        {
            rows.push(row);
        }
        errors.extend(v.into_errors().into_iter().map(|e| e.at_row(line)));
    }
    if rows.is_empty() && skipped == 0 && errors.is_empty() {
        errors.push(FieldError::new(
            "file",
            "empty",
            Text::fixed("文件中没有数据行", "the file has no data rows"),
        ));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(Error::Invalid(errors));
    }

    let count = rows.len() as u64;
    if options.dry_run {
        return Ok(ImportSummary { rows: count + skipped, created: 0, skipped, dry_run: true });
    }
    let passwords: Vec<String> = rows.iter().map(|r| r.password.clone()).collect();
    let hashes = hash_passwords(&passwords).await?;
    let txn = kernel::begin_write(db).await?;
    insert_teachers(&txn, placed, rows.into_iter().map(|r| (r.record, r.school)).collect(), &hashes).await?;
    txn.commit().await?;
    Ok(ImportSummary { rows: count + skipped, created: count, skipped, dry_run: false })
}

/// Maps column names to positions; refuses missing required and unknown columns.
fn header(reader: &mut csv::Reader<&[u8]>) -> Result<HashMap<String, usize>> {
    let headers = reader.headers().map_err(|_| {
        Error::from(
            FieldError::new(
                "header",
                "malformed_row",
                Text::fixed("无法读取表头：请检查引号是否成对", "cannot read the header; check its quotes"),
            )
            .at_row(1),
        )
    })?;
    let columns: HashMap<String, usize> =
        headers.iter().enumerate().map(|(i, h)| (column_of(h), i)).collect();
    let mut v = Violations::default();
    for column in REQUIRED_COLUMNS {
        if !columns.contains_key(column) {
            v.push(
                FieldError::new(
                    column,
                    "missing_column",
                    Text::owned(format!("缺少列“{column}”"), format!("the column '{column}' is missing")),
                )
                .at_row(1),
            );
        }
    }
    for name in columns.keys() {
        if !REQUIRED_COLUMNS.contains(&name.as_str()) && !OPTIONAL_COLUMNS.contains(&name.as_str()) {
            v.push(
                FieldError::new(
                    name.clone(),
                    "unknown_column",
                    Text::owned(format!("未知列“{name}”"), format!("unknown column '{name}'")),
                )
                .at_row(1),
            );
        }
    }
    v.finish()?;
    Ok(columns)
}

fn parse_row<'s>(
    v: &mut Violations,
    cell: &Cells<'_>,
    schools: &'s HashMap<String, org_unit::Model>,
    actor: &Actor,
    options: &ImportOptions,
) -> Option<Row<'s>> {
    let identity = parse_identity(
        v,
        cell.get("employee_no"),
        cell.get("name"),
        cell.get("phone"),
        Some(cell.get("email")),
        (Some(cell.get("subject")), Some(cell.get("other_subject"))),
    );
    let school = v.check(super::teachers::school_in_scope(
        actor,
        schools.get(cell.get("school_code")).cloned(),
        "school_code",
    ));
    let school = school.and_then(|s| schools.get(&s.code));
    let mut roles = BTreeSet::new();
    for name in
        cell.get("roles").split(['|', '、', ',', '，', ';', '；']).map(str::trim).filter(|r| !r.is_empty())
    {
        if let Some(role) = v.check(MhRole::parse(name)) {
            roles.insert(role);
        }
    }
    let gender = match cell.get("gender") {
        "" => None,
        g => v.check(Gender::parse(g)),
    };
    let password = match (cell.get("initial_password"), options.default_password.as_deref()) {
        ("", Some(default)) => v.check(Password::parse(default, "initial_password")),
        ("", None) => {
            v.push(FieldError::new(
                "initial_password",
                "required",
                Text::fixed(
                    "须填写初始密码（或在导入时指定默认初始密码）",
                    "initial_password is required unless a default is given",
                ),
            ));
            None
        }
        (given, _) => v.check(Password::parse(given, "initial_password")),
    };
    let record = TeacherRecord { identity: identity?, gender, roles };
    Some(Row { record, school: school?, password: password?.expose().to_owned() })
}
