use chrono::{DateTime, Utc};
use kernel::{Actor, Error, FieldError, Level, Result, Text};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::bank::{NewQuestion, OptionItem, RubricItem, check_question, managed_bank, question_model};
use crate::domain::QuestionKind;

/// The format of a question import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// Columns `type,stem,options,answer,points,tags,level,difficulty,explanation,rubric,partial_credit`;
    /// options `A=text|B=text`, several keys or accepted answers separated by `|`, rubric
    /// `criterion:points|…`.
    Csv,
    /// An array of question objects, as `POST /question-banks/{id}/questions` takes them.
    Json,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionImport {
    #[cfg_attr(feature = "openapi", schema(example = 120))]
    pub created: u64,
}

fn cell_error(column: &str, line: u64, zh: String, en: String) -> FieldError {
    FieldError::new(column, "invalid_value", Text::owned(zh, en)).at_row(line)
}

fn split(text: &str) -> impl Iterator<Item = &str> {
    text.split('|').map(str::trim).filter(|s| !s.is_empty())
}

/// One CSV row as a question, or the cells at fault.
fn from_row(record: &csv::StringRecord, line: u64) -> std::result::Result<NewQuestion, Vec<FieldError>> {
    let cell = |i: usize| record.get(i).unwrap_or("").trim();
    let mut errors = Vec::new();
    let kind = QuestionKind::parse(cell(0));
    if kind.is_none() {
        errors.push(cell_error(
            "type",
            line,
            format!("未知题型“{}”", cell(0)),
            format!("unknown type '{}'", cell(0)),
        ));
    }
    let options: Vec<OptionItem> = split(cell(2))
        .map(|pair| {
            let (key, text) = pair.split_once('=').unwrap_or((pair, ""));
            OptionItem { key: key.trim().to_owned(), text: text.trim().to_owned() }
        })
        .collect();
    let answer = match kind {
        Some(QuestionKind::SingleChoice) => Value::String(cell(3).to_owned()),
        Some(QuestionKind::MultipleChoice) => {
            Value::Array(split(cell(3)).map(|k| Value::String(k.to_owned())).collect())
        }
        Some(QuestionKind::TrueFalse) => match cell(3) {
            "true" | "对" | "正确" | "T" => Value::Bool(true),
            "false" | "错" | "错误" | "F" => Value::Bool(false),
            _ => Value::Null,
        },
        Some(QuestionKind::FillBlank) => {
            Value::Array(split(cell(3)).map(|k| Value::String(k.to_owned())).collect())
        }
        _ if cell(3).is_empty() => Value::Null,
        _ => Value::String(cell(3).to_owned()),
    };
    let points = cell(4).parse::<Decimal>().ok();
    if points.is_none() {
        errors.push(cell_error("points", line, "分值须为数字".into(), "points must be a number".into()));
    }
    let level = match cell(6) {
        "" => None,
        text => {
            let parsed = Level::parse(text);
            if parsed.is_none() {
                errors.push(cell_error(
                    "level",
                    line,
                    "级别须为 A、B 或 C".into(),
                    "level is A, B or C".into(),
                ));
            }
            parsed
        }
    };
    let difficulty = match cell(7) {
        "" => None,
        text => match text.parse::<u8>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(cell_error(
                    "difficulty",
                    line,
                    "难度须为 1 到 5".into(),
                    "difficulty is 1 to 5".into(),
                ));
                None
            }
        },
    };
    let mut rubric = Vec::new();
    for item in split(cell(9)) {
        match item.rsplit_once(':').and_then(|(c, p)| p.trim().parse::<Decimal>().ok().map(|p| (c, p))) {
            Some((criterion, points)) => {
                rubric.push(RubricItem { criterion: criterion.trim().to_owned(), points })
            }
            None => errors.push(cell_error(
                "rubric",
                line,
                "评分细则格式为 要点:分值|要点:分值".into(),
                "rubric is criterion:points|criterion:points".into(),
            )),
        }
    }
    match (kind, points, errors.is_empty()) {
        (Some(kind), Some(points), true) => Ok(NewQuestion {
            kind,
            stem: cell(1).to_owned(),
            options,
            answer,
            partial_credit: matches!(cell(10), "true" | "是" | "1"),
            points,
            tags: split(cell(5)).map(str::to_owned).collect(),
            level,
            difficulty,
            rubric,
            explanation: cell(8).to_owned(),
        }),
        _ => Err(errors),
    }
}

/// Imports questions all-or-nothing: any bad row and nothing is written, and every bad row
/// (CSV line with the header as 1, or JSON item from 1) comes back with column and reason.
pub async fn import_questions(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    bank_id: i64,
    format: ImportFormat,
    body: &[u8],
) -> Result<QuestionImport> {
    managed_bank(db, actor, bank_id).await?;
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut parsed: Vec<(u64, std::result::Result<NewQuestion, Vec<FieldError>>)> = Vec::new();
    match format {
        ImportFormat::Json => {
            let items: Vec<Value> = serde_json::from_slice(body).map_err(|e| {
                Error::from(FieldError::new(
                    "file",
                    "malformed_json",
                    Text::owned(format!("JSON 无法解析：{e}"), format!("cannot read the JSON: {e}")),
                ))
            })?;
            for (i, item) in items.into_iter().enumerate() {
                let line = i as u64 + 1;
                let question = serde_json::from_value::<NewQuestion>(item)
                    .map_err(|e| vec![cell_error("item", line, format!("字段不正确：{e}"), e.to_string())]);
                parsed.push((line, question));
            }
        }
        ImportFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body);
            for (i, record) in reader.records().enumerate() {
                let line = i as u64 + 2;
                parsed.push((
                    line,
                    record
                        .map_err(|e| vec![cell_error("", line, format!("无法解析该行：{e}"), e.to_string())])
                        .and_then(|r| from_row(&r, line)),
                ));
            }
        }
    }
    let mut errors = Vec::new();
    let mut valid = Vec::new();
    for (line, question) in parsed {
        match question {
            Ok(q) => {
                let problems = check_question(&q);
                if problems.is_empty() {
                    valid.push(q);
                } else {
                    errors.extend(problems.into_iter().map(|e| e.at_row(line)));
                }
            }
            Err(problems) => errors.extend(problems),
        }
    }
    if valid.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "file",
            "empty",
            Text::fixed("文件中没有题目", "the file holds no questions"),
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let txn = kernel::begin_write(db).await?;
    for q in &valid {
        sea_orm::ActiveModelTrait::insert(question_model(bank_id, q, now)?, &txn).await?;
    }
    txn.commit().await?;
    Ok(QuestionImport { created: valid.len() as u64 })
}
