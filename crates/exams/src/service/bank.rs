use std::collections::HashSet;

use chrono::{DateTime, Utc};
use kernel::{
    Actor, Bound, Error, FieldError, Hours, Level, Page, PageRequest, Permission, Result, Text, Violations,
    from_tenths, to_tenths,
};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::{QuestionKind, check_answer_key};
use crate::entity::{question, question_bank};

/// A question bank owned by an org unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bank {
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "C 级心理健康教育题库"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub org_unit_id: i64,
}

/// Body of `POST /question-banks`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewBank {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "C 级心理健康教育题库", min_length = 2, max_length = 200)
    )]
    pub name: String,
    /// The owning unit; default the caller's own.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub org_unit_id: Option<i64>,
}

/// A choice option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OptionItem {
    #[cfg_attr(feature = "openapi", schema(example = "A"))]
    pub key: String,
    #[cfg_attr(feature = "openapi", schema(example = "倾听并共情"))]
    pub text: String,
}

/// One rubric criterion of a manually graded question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RubricItem {
    #[cfg_attr(feature = "openapi", schema(example = "识别问题"))]
    pub criterion: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "4"))]
    pub points: Decimal,
}

/// A question with its key, for staff.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    #[cfg_attr(feature = "openapi", schema(example = 55))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub bank_id: i64,
    #[serde(rename = "type")]
    pub kind: QuestionKind,
    #[cfg_attr(feature = "openapi", schema(example = "学生向你倾诉时，首先应该？"))]
    pub stem: String,
    pub options: Vec<OptionItem>,
    /// A key, a list of keys, a boolean, accepted texts, or a reference answer.
    #[cfg_attr(feature = "openapi", schema(value_type = serde_json::Value, example = json!("A")))]
    pub answer: Value,
    pub partial_credit: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2"))]
    pub points: Decimal,
    pub tags: Vec<String>,
    pub level: Option<Level>,
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub difficulty: u8,
    pub rubric: Vec<RubricItem>,
    #[cfg_attr(feature = "openapi", schema(example = "共情是建立信任的第一步。"))]
    pub explanation: String,
    /// Increases with every change; attempts keep the version they were drawn with.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub version: i32,
}

/// Body of `POST /question-banks/{id}/questions`, and one item of a JSON import.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewQuestion {
    #[serde(rename = "type")]
    pub kind: QuestionKind,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "学生向你倾诉时，首先应该？", min_length = 1, max_length = 5000)
    )]
    pub stem: String,
    #[serde(default)]
    pub options: Vec<OptionItem>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = serde_json::Value, example = json!("A")))]
    pub answer: Value,
    #[serde(default)]
    pub partial_credit: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2"))]
    pub points: Decimal,
    #[serde(default)]
    pub tags: Vec<String>,
    pub level: Option<Level>,
    #[cfg_attr(feature = "openapi", schema(example = 3, minimum = 1, maximum = 5))]
    pub difficulty: Option<u8>,
    #[serde(default)]
    pub rubric: Vec<RubricItem>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub explanation: String,
}

/// Body of `PATCH /questions/{id}`: the fields to change (the type is fixed).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionPatch {
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub stem: Option<String>,
    pub options: Option<Vec<OptionItem>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<serde_json::Value>))]
    pub answer: Option<Value>,
    pub partial_credit: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "3"))]
    pub points: Option<Decimal>,
    pub tags: Option<Vec<String>>,
    pub level: Option<Level>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub difficulty: Option<u8>,
    pub rubric: Option<Vec<RubricItem>>,
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub explanation: Option<String>,
}

/// Filters of a bank's question list.
#[derive(Debug, Clone, Default)]
pub struct QuestionFilter {
    pub kind: Option<QuestionKind>,
    pub tag: Option<String>,
    pub level: Option<Level>,
}

/// A question's stem and its explanation: the longest texts of a paper.
const STEM: Bound = Bound::new(1, 5000);
const EXPLANATION: Bound = Bound::new(0, 5000);

fn field(name: &str, code: &'static str, zh: String, en: String) -> FieldError {
    FieldError::new(name, code, Text::owned(zh, en))
}

/// Every rule a question must meet, recorded field by field.
pub(crate) fn check_question(q: &NewQuestion) -> Vec<FieldError> {
    let mut v = Violations::default();
    v.check(STEM.check("stem", &q.stem));
    let points = if q.points > Decimal::ZERO {
        v.check(Hours::parse(q.points, Decimal::from(100), "points")).map(|p| p.value())
    } else {
        v.push(field("points", "out_of_range", "分值须大于 0".into(), "points must be above 0".into()));
        None
    };
    let keys: Vec<String> = q.options.iter().map(|o| o.key.trim().to_owned()).collect();
    let distinct: HashSet<&String> = keys.iter().collect();
    if q.kind.has_options()
        && (keys.len() < 2 || distinct.len() != keys.len() || keys.iter().any(String::is_empty))
    {
        v.push(field(
            "options",
            "invalid_options",
            "选择题须有至少两个键互不相同的选项".into(),
            "choice questions need two or more options with distinct keys".into(),
        ));
    }
    if !q.kind.has_options() && !q.options.is_empty() {
        v.push(field(
            "options",
            "not_applicable",
            "该题型没有选项".into(),
            "this type has no options".into(),
        ));
    }
    v.check(check_answer_key(q.kind, &keys, &q.answer));
    if q.kind.is_manual() {
        let sum: Decimal = q.rubric.iter().map(|r| r.points).sum();
        if q.rubric.is_empty()
            || q.rubric.iter().any(|r| r.criterion.trim().is_empty() || r.points <= Decimal::ZERO)
            || Some(sum) != points
        {
            v.push(field(
                "rubric",
                "invalid_rubric",
                "主观题须有评分细则，且各项分值之和等于题目分值".into(),
                "manual questions need a rubric whose points add up to the question's".into(),
            ));
        }
    } else if !q.rubric.is_empty() {
        v.push(field(
            "rubric",
            "not_applicable",
            "客观题不需要评分细则".into(),
            "objective questions take no rubric".into(),
        ));
    }
    if q.difficulty.is_some_and(|d| !(1..=5).contains(&d)) {
        v.push(field("difficulty", "out_of_range", "难度须为 1 到 5".into(), "difficulty is 1 to 5".into()));
    }
    if q.tags.len() > 20
        || q.tags.iter().any(|t| t.trim().is_empty() || t.chars().count() > 30 || t.contains('|'))
    {
        v.push(field(
            "tags",
            "invalid_tags",
            "标签最多 20 个，每个 1 到 30 字，不含 |".into(),
            "at most 20 tags of 1 to 30 characters, without |".into(),
        ));
    }
    v.check(EXPLANATION.check("explanation", &q.explanation));
    v.into_errors()
}

fn json_text(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Unexpected(e.into()))
}

/// Tags stored as `|a|b|` so one tag is found with a plain `LIKE '%|a|%'`.
fn tags_text(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!("|{}|", tags.iter().map(|t| t.trim()).collect::<Vec<_>>().join("|"))
    }
}

pub(crate) fn tag_pattern(tag: &str) -> String {
    format!("%|{}|%", tag.trim())
}

pub(crate) fn question_model(
    bank_id: i64,
    q: &NewQuestion,
    now: DateTime<Utc>,
) -> Result<question::ActiveModel> {
    Ok(question::ActiveModel {
        bank_id: Set(bank_id),
        version: Set(1),
        kind: Set(q.kind.as_str().to_owned()),
        stem: Set(q.stem.trim().to_owned()),
        options: Set(json_text(&q.options)?),
        answer: Set(json_text(&q.answer)?),
        partial_credit: Set(q.partial_credit),
        points_tenths: Set(to_tenths(q.points)),
        tags: Set(tags_text(&q.tags)),
        level: Set(q.level.map(|l| l.as_str().to_owned())),
        difficulty: Set(i32::from(q.difficulty.unwrap_or(3))),
        rubric: Set(json_text(&q.rubric)?),
        explanation: Set(q.explanation.trim().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    })
}

/// A question read back; a kind, level or JSON text the system did not write is
/// `corrupt_record`.
pub(crate) fn view(m: question::Model) -> Result<Question> {
    Ok(Question {
        id: m.id,
        bank_id: m.bank_id,
        kind: kernel::stored(QuestionKind::parse(&m.kind), "question.kind", &m.kind)?,
        stem: m.stem,
        options: kernel::stored_json(&m.options, "question.options")?,
        answer: kernel::stored_json(&m.answer, "question.answer")?,
        partial_credit: m.partial_credit,
        points: from_tenths(m.points_tenths),
        tags: m.tags.split('|').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        level: m
            .level
            .as_deref()
            .map(|l| kernel::stored(Level::parse(l), "question.level", l))
            .transpose()?,
        difficulty: u8::try_from(m.difficulty).unwrap_or(3),
        rubric: kernel::stored_json(&m.rubric, "question.rubric")?,
        explanation: m.explanation,
        version: m.version,
    })
}

/// A bank the caller manages.
pub(crate) async fn managed_bank(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<question_bank::Model> {
    let bank = question_bank::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageTraining, &bank.org_path)?;
    Ok(bank)
}

/// Creates a bank owned by an org unit of the caller's subtree.
pub async fn create_bank(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewBank,
) -> Result<Bank> {
    let mut v = Violations::default();
    let name = v.check(Bound::TITLE.check("name", &input.name)).unwrap_or_default();
    let path = directory::scope_path(db, actor, input.org_unit_id, Permission::ManageTraining).await?;
    v.finish()?;
    let saved = question_bank::ActiveModel {
        name: Set(name),
        org_unit_id: Set(input.org_unit_id.map_or_else(|| actor.own_unit(), Ok)?),
        org_path: Set(path),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Bank { id: saved.id, name: saved.name, org_unit_id: saved.org_unit_id })
}

/// The banks of the caller's subtree.
pub async fn list_banks(db: &DatabaseConnection, actor: &Actor, page: PageRequest) -> Result<Page<Bank>> {
    actor.require(Permission::ManageTraining)?;
    let select = question_bank::Entity::find()
        .filter(question_bank::Column::OrgPath.starts_with(actor.subtree()?))
        .order_by_asc(question_bank::Column::Id);
    Ok(kernel::fetch_page(db, select, page).await?.map(|b| Bank {
        id: b.id,
        name: b.name,
        org_unit_id: b.org_unit_id,
    }))
}

/// Adds one question to a bank.
pub async fn create_question(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    bank_id: i64,
    input: NewQuestion,
) -> Result<Question> {
    managed_bank(db, actor, bank_id).await?;
    let errors = check_question(&input);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    view(question_model(bank_id, &input, now)?.insert(db).await?)
}

/// A bank's questions with their keys, ordered by id.
pub async fn list_questions(
    db: &DatabaseConnection,
    actor: &Actor,
    bank_id: i64,
    filter: QuestionFilter,
    page: PageRequest,
) -> Result<Page<Question>> {
    managed_bank(db, actor, bank_id).await?;
    let mut select = question::Entity::find().filter(question::Column::BankId.eq(bank_id));
    if let Some(kind) = filter.kind {
        select = select.filter(question::Column::Kind.eq(kind.as_str()));
    }
    if let Some(tag) = filter.tag {
        select = select.filter(question::Column::Tags.like(tag_pattern(&tag)));
    }
    if let Some(level) = filter.level {
        select = select.filter(question::Column::Level.eq(level.as_str()));
    }
    kernel::fetch_page(db, select.order_by_asc(question::Column::Id), page).await?.try_map(view)
}

/// Changes a question. Attempts hold a frozen copy of what they drew, so a change never alters
/// an attempt under way or finished; the version number records that the question changed.
pub async fn update_question(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    patch: QuestionPatch,
) -> Result<Question> {
    let found = question::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    managed_bank(db, actor, found.bank_id).await?;
    let current = view(found.clone())?;
    let merged = NewQuestion {
        kind: current.kind,
        stem: patch.stem.unwrap_or(current.stem),
        options: patch.options.unwrap_or(current.options),
        answer: patch.answer.unwrap_or(current.answer),
        partial_credit: patch.partial_credit.unwrap_or(current.partial_credit),
        points: patch.points.unwrap_or(current.points),
        tags: patch.tags.unwrap_or(current.tags),
        level: patch.level.or(current.level),
        difficulty: Some(patch.difficulty.unwrap_or(current.difficulty)),
        rubric: patch.rubric.unwrap_or(current.rubric),
        explanation: patch.explanation.unwrap_or(current.explanation),
    };
    let errors = check_question(&merged);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut active = question_model(found.bank_id, &merged, now)?;
    active.id = Set(found.id);
    active.version = Set(found.version + 1);
    view(active.update(db).await?)
}
