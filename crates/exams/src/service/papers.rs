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

use super::bank::{RubricItem, tag_pattern};
use crate::domain::{QuestionKind, SectionPool, draw};
use crate::entity::{exam, question, question_bank};

/// When teachers see their results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReleaseMode {
    /// As soon as every answer is graded.
    #[default]
    Immediate,
    /// When a trainer releases the exam's results.
    AfterGrading,
}

impl ReleaseMode {
    fn as_str(self) -> &'static str {
        match self {
            ReleaseMode::Immediate => "immediate",
            ReleaseMode::AfterGrading => "after_grading",
        }
    }

    /// A stored mode read back: an unknown one is `corrupt_record`, never `immediate`.
    pub(crate) fn read(value: &str) -> Result<Self> {
        let parsed =
            [ReleaseMode::Immediate, ReleaseMode::AfterGrading].into_iter().find(|m| m.as_str() == value);
        kernel::stored(parsed, "exam.release_mode", value)
    }
}

/// One section of a paper: N questions drawn from banks by tags/type/difficulty, or fixed
/// questions, each worth `points`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Section {
    #[cfg_attr(feature = "openapi", schema(example = "一、单项选择题"))]
    pub title: String,
    #[serde(default)]
    pub bank_ids: Vec<i64>,
    /// Questions must carry every one of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(rename = "type")]
    pub kind: Option<QuestionKind>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub difficulty: Option<u8>,
    #[cfg_attr(feature = "openapi", schema(example = 10, minimum = 1, maximum = 200))]
    pub count: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2"))]
    pub points: Decimal,
    /// Fixed questions instead of a draw (then `count` must equal their number).
    #[serde(default)]
    pub question_ids: Vec<i64>,
}

/// An exam (paper) as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exam {
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "2026 年心理健康教育 C 级资格考试"))]
    pub title: String,
    pub level: Level,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub org_unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 60))]
    pub duration_minutes: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "60"))]
    pub pass_score: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub max_attempts: u32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub shuffle_options: bool,
    pub release_mode: ReleaseMode,
    pub double_marking: bool,
    /// Two graders' scores further apart than this call a third.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2"))]
    pub double_marking_margin: Decimal,
    /// Hours posted to the ledger when passed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1"))]
    pub hours: Decimal,
    pub sections: Vec<Section>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "100"))]
    pub total_points: Decimal,
}

/// Body of `POST /exams`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewExam {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "2026 年心理健康教育 C 级资格考试", min_length = 2, max_length = 200)
    )]
    pub title: String,
    pub level: Level,
    /// The owning unit; default the caller's own.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub org_unit_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(example = 60, minimum = 1, maximum = 600))]
    pub duration_minutes: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "60"))]
    pub pass_score: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 2, minimum = 1, maximum = 20))]
    pub max_attempts: u32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    #[serde(default = "yes")]
    pub shuffle_options: bool,
    #[serde(default)]
    pub release_mode: ReleaseMode,
    #[serde(default)]
    pub double_marking: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "2"))]
    pub double_marking_margin: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1"))]
    pub hours: Option<Decimal>,
    pub sections: Vec<Section>,
}

fn yes() -> bool {
    true
}

/// Body of `PATCH /exams/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExamPatch {
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 600))]
    pub duration_minutes: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub pass_score: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    pub max_attempts: Option<u32>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub shuffle_options: Option<bool>,
    pub release_mode: Option<ReleaseMode>,
    pub double_marking: Option<bool>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub double_marking_margin: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub hours: Option<Decimal>,
    pub sections: Option<Vec<Section>>,
}

/// An exam read back; a level, release mode or sections text the system did not write is
/// `corrupt_record`.
pub(crate) fn view(m: &exam::Model) -> Result<Exam> {
    let sections: Vec<Section> = kernel::stored_json(&m.sections, "exam.sections")?;
    let total_points =
        sections.iter().map(|s| s.points * Decimal::from(s.count)).sum::<Decimal>().normalize();
    Ok(Exam {
        id: m.id,
        title: m.title.clone(),
        level: kernel::stored(Level::parse(&m.level), "exam.level", &m.level)?,
        org_unit_id: m.org_unit_id,
        duration_minutes: u32::try_from(m.duration_minutes).unwrap_or(0),
        pass_score: from_tenths(m.pass_score_tenths),
        max_attempts: u32::try_from(m.max_attempts).unwrap_or(0),
        opens_at: m.opens_at,
        closes_at: m.closes_at,
        shuffle_options: m.shuffle_options,
        release_mode: ReleaseMode::read(&m.release_mode)?,
        double_marking: m.double_marking,
        double_marking_margin: from_tenths(m.margin_tenths),
        hours: from_tenths(m.hours_tenths),
        sections,
        total_points,
    })
}

/// Candidate question ids of a section, ascending; fixed questions must lie in the banks.
pub(crate) async fn pool(db: &impl ConnectionTrait, section: &Section) -> Result<Vec<i64>> {
    let mut select =
        question::Entity::find().filter(question::Column::BankId.is_in(section.bank_ids.clone()));
    if !section.question_ids.is_empty() {
        select = select.filter(question::Column::Id.is_in(section.question_ids.clone()));
    }
    if let Some(kind) = section.kind {
        select = select.filter(question::Column::Kind.eq(kind.as_str()));
    }
    if let Some(difficulty) = section.difficulty {
        select = select.filter(question::Column::Difficulty.eq(i32::from(difficulty)));
    }
    for tag in &section.tags {
        select = select.filter(question::Column::Tags.like(tag_pattern(tag)));
    }
    Ok(select.order_by_asc(question::Column::Id).all(db).await?.into_iter().map(|q| q.id).collect())
}

/// What a section's candidates hold: how many a trainer grades, and the lowest rubric total of
/// one that cannot reach the section's points per question (graders score by criterion, so
/// its full marks would be out of reach), if any.
async fn inspect(
    db: &impl ConnectionTrait,
    candidates: &[i64],
    points: Decimal,
) -> Result<(u32, Option<Decimal>)> {
    let (mut manual, mut worst) = (0, None);
    for chunk in candidates.chunks(500) {
        for q in question::Entity::find().filter(question::Column::Id.is_in(chunk.to_vec())).all(db).await? {
            if kernel::stored(QuestionKind::parse(&q.kind), "question.kind", &q.kind)?.is_manual() {
                manual += 1;
            }
            let rubric: Vec<RubricItem> = kernel::stored_json(&q.rubric, "question.rubric")?;
            let total: Decimal = rubric.iter().map(|r| r.points).sum();
            if !rubric.is_empty() && total != points && worst.is_none_or(|w| total < w) {
                worst = Some(total);
            }
        }
    }
    Ok((manual, worst))
}

fn section_error(i: usize, field: &str, zh: String, en: String) -> FieldError {
    FieldError::new(format!("sections[{i}].{field}"), "invalid_section", Text::owned(zh, en))
}

/// Checks sections: banks in the caller's scope, points, fixed counts, and that the paper can
/// be drawn at all (each section finds enough questions after the ones before it); says how
/// many questions each section may draw from.
async fn check_sections(
    db: &impl ConnectionTrait,
    actor: &Actor,
    sections: &[Section],
    v: &mut Violations,
) -> Result<Vec<SectionCheck>> {
    if sections.is_empty() {
        v.push(FieldError::new(
            "sections",
            "empty",
            Text::fixed("试卷至少要有一个部分", "a paper needs at least one section"),
        ));
    }
    let mut pools = Vec::new();
    let mut found = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        for bank_id in &s.bank_ids {
            let bank = question_bank::Entity::find_by_id(*bank_id).one(db).await?;
            if bank.is_none_or(|b| actor.authorize(Permission::ManageTraining, &b.org_path).is_err()) {
                v.push(section_error(
                    i,
                    "bank_ids",
                    format!("题库 {bank_id} 不存在或不在管辖范围内"),
                    format!("bank {bank_id} is not in your scope"),
                ));
            }
        }
        if s.bank_ids.is_empty() {
            v.push(section_error(i, "bank_ids", "须指定题库".into(), "name at least one bank".into()));
        }
        if !(1..=200).contains(&s.count)
            || (!s.question_ids.is_empty() && s.question_ids.len() != s.count as usize)
        {
            v.push(section_error(
                i,
                "count",
                "题数须为 1 到 200，指定题目时须等于题目数".into(),
                "count is 1 to 200, and equals the fixed questions' number".into(),
            ));
        }
        if s.points <= Decimal::ZERO
            || v.check(Hours::parse(s.points, Decimal::from(100), &format!("sections[{i}].points"))).is_none()
        {
            v.push(section_error(
                i,
                "points",
                "每题分值须大于 0".into(),
                "points per question must be above 0".into(),
            ));
        }
        let candidates = pool(db, s).await?;
        let (manual, unreachable) = inspect(db, &candidates, s.points).await?;
        if let Some(short) = unreachable {
            v.push(FieldError::new(
                format!("sections[{i}].points"),
                "unreachable_points",
                Text::owned(
                    format!(
                        "第 {} 部分每题 {} 分，但可抽到的题目评分细则合计只有 {} 分，无法得满分",
                        i + 1,
                        s.points.normalize(),
                        short.normalize()
                    ),
                    format!(
                        "section {} awards {} points a question, but a question it may draw totals {} in its rubric",
                        i + 1,
                        s.points.normalize(),
                        short.normalize()
                    ),
                ),
            ));
        }
        found.push(SectionCheck {
            title: s.title.clone(),
            count: s.count,
            candidates: u32::try_from(candidates.len()).unwrap_or(u32::MAX),
            manual,
        });
        pools.push(SectionPool { candidates, count: s.count as usize, points: to_tenths(s.points) });
    }
    for (i, section) in pools.iter().enumerate() {
        if v.is_empty() && draw(0, &pools[..=i], false, |_| 0).is_none() {
            let (n, count) = (section.candidates.len(), section.count);
            v.push(if n < count {
                section_error(
                    i,
                    "count",
                    format!("第 {} 部分要求 {count} 题，题库中符合条件的只有 {n} 题", i + 1),
                    format!("section {} asks for {count} questions; only {n} in the banks match", i + 1),
                )
            } else {
                section_error(
                    i,
                    "count",
                    format!(
                        "第 {} 部分要求 {count} 题，符合条件的 {n} 题中有的已被前面的部分抽走，余下的不够",
                        i + 1
                    ),
                    format!(
                        "section {} asks for {count} questions; of the {n} that match, earlier sections take too many",
                        i + 1
                    ),
                )
            });
        }
    }
    Ok(found)
}

struct Settings {
    duration_minutes: u32,
    pass_score: Decimal,
    max_attempts: u32,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    margin: Decimal,
    hours: Decimal,
}

fn check_settings(v: &mut Violations, s: &Settings, total: Decimal) {
    let mut push = |field: &str, zh: &'static str, en: &'static str| {
        v.push(FieldError::new(field, "out_of_range", Text::fixed(zh, en)))
    };
    if !(1..=600).contains(&s.duration_minutes) {
        push("duration_minutes", "考试时长须为 1 到 600 分钟", "duration_minutes is 1 to 600");
    }
    if s.pass_score <= Decimal::ZERO || s.pass_score > total {
        push("pass_score", "及格分须大于 0 且不超过总分", "pass_score must be above 0 and at most the total");
    }
    if !(1..=20).contains(&s.max_attempts) {
        push("max_attempts", "考试次数须为 1 到 20", "max_attempts is 1 to 20");
    }
    if s.closes_at <= s.opens_at {
        push("closes_at", "关闭时间须晚于开放时间", "closes_at must follow opens_at");
    }
    if s.margin < Decimal::ZERO {
        push("double_marking_margin", "分差阈值不能为负", "double_marking_margin cannot be negative");
    }
    if s.hours <= Decimal::ZERO || s.hours > Decimal::from(100) {
        push("hours", "学时须在 0 到 100 之间", "hours must be above 0 and at most 100");
    }
}

fn total_of(sections: &[Section]) -> Decimal {
    sections.iter().map(|s| s.points * Decimal::from(s.count)).sum()
}

/// How many questions one section of a checked paper may draw from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectionCheck {
    #[cfg_attr(feature = "openapi", schema(example = "一、单项选择题"))]
    pub title: String,
    /// Questions the section draws.
    #[cfg_attr(feature = "openapi", schema(example = 10))]
    pub count: u32,
    /// Questions of its banks that match its filters (before earlier sections take theirs).
    #[cfg_attr(feature = "openapi", schema(example = 24))]
    pub candidates: u32,
    /// Of the candidates, how many a trainer grades (short answer, essay, case analysis).
    #[cfg_attr(feature = "openapi", schema(example = 0))]
    pub manual: u32,
}

/// A paper that passed every check `POST /exams` makes; nothing was written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperCheck {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "100"))]
    pub total_points: Decimal,
    pub sections: Vec<SectionCheck>,
}

/// A new exam that passed every check, with what creating it needs.
struct Checked {
    path: String,
    settings: Settings,
    sections: Vec<SectionCheck>,
}

/// Every check a new exam must pass, the paper's drawability included; writes nothing.
async fn check_new(db: &DatabaseConnection, actor: &Actor, input: &NewExam) -> Result<Checked> {
    let path = directory::scope_path(db, actor, input.org_unit_id, Permission::ManageTraining).await?;
    let mut v = Violations::default();
    v.check(Bound::TITLE.check("title", &input.title));
    let settings = Settings {
        duration_minutes: input.duration_minutes,
        pass_score: input.pass_score,
        max_attempts: input.max_attempts,
        opens_at: input.opens_at,
        closes_at: input.closes_at,
        margin: input.double_marking_margin.unwrap_or(Decimal::from(2)),
        hours: input.hours.unwrap_or(Decimal::ONE),
    };
    check_settings(&mut v, &settings, total_of(&input.sections));
    let sections = check_sections(db, actor, &input.sections, &mut v).await?;
    v.finish()?;
    Ok(Checked { path, settings, sections })
}

/// Checks a paper exactly as `create_exam` would, without writing it: how many questions each
/// section may draw from, or every field at fault (an undrawable section named).
pub async fn check_exam(db: &DatabaseConnection, actor: &Actor, input: &NewExam) -> Result<PaperCheck> {
    let checked = check_new(db, actor, input).await?;
    Ok(PaperCheck { total_points: total_of(&input.sections).normalize(), sections: checked.sections })
}

/// Creates an exam owned by an org unit of the caller's subtree; a paper that cannot be drawn
/// is refused with the section at fault.
pub async fn create_exam(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewExam,
) -> Result<Exam> {
    let Checked { path, settings, .. } = check_new(db, actor, &input).await?;
    let title = input.title.trim().to_owned();
    let saved = exam::ActiveModel {
        title: Set(title),
        level: Set(input.level.as_str().to_owned()),
        org_unit_id: Set(input.org_unit_id.map_or_else(|| actor.own_unit(), Ok)?),
        org_path: Set(path),
        duration_minutes: Set(settings.duration_minutes as i32),
        pass_score_tenths: Set(to_tenths(settings.pass_score)),
        max_attempts: Set(settings.max_attempts as i32),
        opens_at: Set(settings.opens_at),
        closes_at: Set(settings.closes_at),
        shuffle_options: Set(input.shuffle_options),
        release_mode: Set(input.release_mode.as_str().to_owned()),
        double_marking: Set(input.double_marking),
        margin_tenths: Set(to_tenths(settings.margin)),
        hours_tenths: Set(to_tenths(settings.hours)),
        sections: Set(serde_json::to_string(&input.sections).map_err(|e| Error::Unexpected(e.into()))?),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    view(&saved)
}

/// The exam row if the caller may see it: staff of its subtree, or a teacher it is open to.
pub(crate) async fn visible_exam(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<exam::Model> {
    let found = exam::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    directory::ensure_owner_visible(db, actor, &found.org_path).await?;
    Ok(found)
}

pub async fn get_exam(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<Exam> {
    view(&visible_exam(db, actor, id).await?)
}

/// Exams the caller may see, newest first.
pub async fn list_exams(db: &DatabaseConnection, actor: &Actor, page: PageRequest) -> Result<Page<Exam>> {
    let select = exam::Entity::find()
        .filter(directory::owner_scope(db, actor).await?.condition(exam::Column::OrgPath));
    kernel::fetch_page(db, select.order_by_desc(exam::Column::Id), page).await?.try_map(|m| view(&m))
}

/// Changes an exam in the caller's subtree; a changed paper must still be drawable.
pub async fn update_exam(db: &DatabaseConnection, actor: &Actor, id: i64, patch: ExamPatch) -> Result<Exam> {
    let found = exam::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageTraining, &found.org_path)?;
    let current = view(&found)?;
    let sections = patch.sections.clone().unwrap_or(current.sections.clone());
    let settings = Settings {
        duration_minutes: patch.duration_minutes.unwrap_or(current.duration_minutes),
        pass_score: patch.pass_score.unwrap_or(current.pass_score),
        max_attempts: patch.max_attempts.unwrap_or(current.max_attempts),
        opens_at: patch.opens_at.unwrap_or(current.opens_at),
        closes_at: patch.closes_at.unwrap_or(current.closes_at),
        margin: patch.double_marking_margin.unwrap_or(current.double_marking_margin),
        hours: patch.hours.unwrap_or(current.hours),
    };
    let mut v = Violations::default();
    let title = v.check(Bound::TITLE.check_optional("title", patch.title.as_deref())).flatten();
    check_settings(&mut v, &settings, total_of(&sections));
    if patch.sections.is_some() {
        check_sections(db, actor, &sections, &mut v).await?;
    }
    v.finish()?;
    let mut active: exam::ActiveModel = found.into();
    if let Some(title) = title {
        active.title = Set(title);
    }
    active.duration_minutes = Set(settings.duration_minutes as i32);
    active.pass_score_tenths = Set(to_tenths(settings.pass_score));
    active.max_attempts = Set(settings.max_attempts as i32);
    active.opens_at = Set(settings.opens_at);
    active.closes_at = Set(settings.closes_at);
    active.margin_tenths = Set(to_tenths(settings.margin));
    active.hours_tenths = Set(to_tenths(settings.hours));
    if let Some(shuffle) = patch.shuffle_options {
        active.shuffle_options = Set(shuffle);
    }
    if let Some(mode) = patch.release_mode {
        active.release_mode = Set(mode.as_str().to_owned());
    }
    if let Some(double) = patch.double_marking {
        active.double_marking = Set(double);
    }
    if patch.sections.is_some() {
        active.sections = Set(serde_json::to_string(&sections).map_err(|e| Error::Unexpected(e.into()))?);
    }
    view(&active.update(db).await?)
}
