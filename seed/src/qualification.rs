//! The demo's qualification: a question bank, the C/B/A exams drawn from it, and the default
//! rule set put in force. The numbers and their source are in `seed/README.md`.

use anyhow::Context;
use chrono::{Duration, Utc};
use kernel::{Actor, PageRequest};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::describe;

const QUALIFICATION: &str = include_str!("../data/qualification.json");

#[derive(Deserialize)]
struct Data {
    bank: String,
    questions: Vec<QuestionRow>,
    exams: Vec<Value>,
    rule_set: Value,
}

/// A single-choice question whose first option is the right one (options are shuffled per
/// attempt, so the stored order gives nothing away).
#[derive(Deserialize)]
struct QuestionRow {
    stem: String,
    options: Vec<String>,
}

/// Creates the bank, questions and exams unless exams of the same titles exist, then installs
/// the rule set (only when none exists). Returns how many exams were added.
pub async fn load(db: &DatabaseConnection, system: &Actor, org_unit_id: i64) -> anyhow::Result<u64> {
    let data: Data = serde_json::from_str(QUALIFICATION).context("qualification.json is malformed")?;
    let existing =
        exams::list_exams(db, system, PageRequest::parse(None, Some(200))?).await.map_err(describe)?;
    let now = Utc::now();
    let mut exam_ids = std::collections::HashMap::new();
    let mut added = 0;
    let mut bank_id = None;
    for exam in &data.exams {
        let level = exam["level"].as_str().context("exam without level")?.to_owned();
        let title = exam["title"].as_str().context("exam without title")?;
        if let Some(found) = existing.items.iter().find(|e| e.title == title) {
            exam_ids.insert(level, found.id);
            continue;
        }
        let bank = match bank_id {
            Some(id) => id,
            None => {
                let id = create_bank(db, system, org_unit_id, &data).await?;
                bank_id = Some(id);
                id
            }
        };
        let count = data.questions.len();
        let mut body = exam.clone();
        body["org_unit_id"] = org_unit_id.into();
        body["opens_at"] = json!(now);
        body["closes_at"] = json!(now + Duration::days(5 * 366));
        body["sections"] = json!([{"title": "单项选择", "bank_ids": [bank], "type": "single_choice",
                                  "count": count, "points": "10"}]);
        let input: exams::NewExam = serde_json::from_value(body).context("exam row is malformed")?;
        exam_ids.insert(level, exams::create_exam(db, now, system, input).await.map_err(describe)?.id);
        added += 1;
    }
    let mut rule_set = data.rule_set;
    for level in rule_set["levels"].as_array_mut().context("rule set without levels")? {
        let key = level["level"].as_str().unwrap_or_default().to_owned();
        level["exam_id"] = exam_ids.get(&key).copied().into();
    }
    let input: certification::NewRuleSet =
        serde_json::from_value(rule_set).context("rule set is malformed")?;
    certification::install_default(db, now, input).await.map_err(describe)?;
    Ok(added)
}

async fn create_bank(
    db: &DatabaseConnection,
    system: &Actor,
    org_unit_id: i64,
    data: &Data,
) -> anyhow::Result<i64> {
    let now = Utc::now();
    let bank = exams::NewBank { name: data.bank.clone(), org_unit_id: Some(org_unit_id) };
    let bank = exams::create_bank(db, now, system, bank).await.map_err(describe)?;
    for row in &data.questions {
        let keys = ["A", "B", "C", "D"];
        let options: Vec<Value> =
            row.options.iter().zip(keys).map(|(text, key)| json!({"key": key, "text": text})).collect();
        let question: exams::NewQuestion = serde_json::from_value(json!({
            "type": "single_choice", "stem": row.stem, "options": options, "answer": "A", "points": "10",
            "tags": ["资格考试"], "level": "C", "difficulty": 2
        }))
        .context("question row is malformed")?;
        exams::create_question(db, now, system, bank.id, question).await.map_err(describe)?;
    }
    Ok(bank.id)
}
