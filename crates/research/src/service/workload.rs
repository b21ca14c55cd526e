use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use directory::{MhRole, TEACHER_ID, TeacherFilter};
use kernel::{Actor, Error, FieldError, Page, PageRequest, Permission, Result, Text};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::{WorkloadKind, WorkloadStatus, identifies_someone};
use crate::entity::workload_entry;

/// One logged piece of MH work.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkloadEntry {
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    pub date: NaiveDate,
    pub kind: WorkloadKind,
    #[cfg_attr(feature = "openapi", schema(example = 45))]
    pub minutes: u32,
    #[cfg_attr(feature = "openapi", schema(example = "初二（3）班团体辅导"))]
    pub note: String,
    pub status: WorkloadStatus,
    pub reason: Option<String>,
}

/// Body of `POST /me/workload`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWorkload {
    pub date: NaiveDate,
    pub kind: WorkloadKind,
    #[cfg_attr(feature = "openapi", schema(example = 45, minimum = 1, maximum = 600))]
    pub minutes: u32,
    /// Must not identify a student (no phone or ID numbers).
    #[cfg_attr(feature = "openapi", schema(example = "初二（3）班团体辅导", max_length = 500))]
    pub note: String,
}

/// Confirmed work of one teacher in a term, as subsidised class hours.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkloadRow {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    /// 工号, as HR offices file people.
    #[cfg_attr(feature = "openapi", schema(example = "ES00017"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub teacher_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    #[cfg_attr(feature = "openapi", schema(example = 900))]
    pub confirmed_minutes: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "20"))]
    pub class_hours: Decimal,
}

/// `GET /reports/workload`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkloadReport {
    #[cfg_attr(feature = "openapi", schema(example = "2026-2"))]
    pub term: String,
    #[cfg_attr(feature = "openapi", schema(example = 45))]
    pub minutes_per_class_hour: u32,
    /// The subtree's MH teachers together.
    pub summary: WorkloadSummary,
    /// One row per MH teacher, most confirmed work first.
    pub items: Vec<WorkloadRow>,
}

/// What a subtree's MH teachers did in a term, together.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkloadSummary {
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub teachers: u32,
    #[cfg_attr(feature = "openapi", schema(example = 10800))]
    pub confirmed_minutes: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "240"))]
    pub class_hours: Decimal,
}

/// A workload entry read back; a kind or status outside the vocabulary is `corrupt_record`.
fn view(m: workload_entry::Model) -> Result<WorkloadEntry> {
    Ok(WorkloadEntry {
        id: m.id,
        teacher_id: m.teacher_id,
        date: m.date,
        kind: kernel::stored(WorkloadKind::parse(&m.kind), "workload_entry.kind", &m.kind)?,
        minutes: u32::try_from(m.minutes).unwrap_or(0),
        note: m.note,
        status: kernel::stored(WorkloadStatus::parse(&m.status), "workload_entry.status", &m.status)?,
        reason: m.reason,
    })
}

/// An MH teacher logs counselling or MH work; it waits for a school admin.
pub async fn log_workload(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewWorkload,
) -> Result<WorkloadEntry> {
    let teacher_id = actor.teacher()?;
    let teacher = directory::get_teacher(db, actor, teacher_id).await?;
    if !teacher.roles.iter().any(|r| matches!(r, MhRole::MhFulltime | MhRole::MhParttime)) {
        return Err(Error::Forbidden);
    }
    let mut errors = Vec::new();
    if !(1..=600).contains(&input.minutes) {
        errors.push(FieldError::new(
            "minutes",
            "out_of_range",
            Text::fixed("时长须为 1 到 600 分钟", "minutes must be 1 to 600"),
        ));
    }
    if let Err(error) = kernel::not_in_future("date", input.date, now) {
        errors.push(error);
    }
    if let Err(error) = kernel::Bound::NOTE.check("note", &input.note) {
        errors.push(error);
    }
    if identifies_someone(&input.note) {
        errors.push(FieldError::new(
            "note",
            "identifies_student",
            Text::fixed(
                "备注不得包含手机号、身份证号等可识别学生的信息",
                "the note must not identify a student (phone or ID numbers)",
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let path = directory::teacher_scope_path(db, teacher_id).await?;
    let saved = workload_entry::ActiveModel {
        teacher_id: Set(teacher_id),
        org_path: Set(path),
        date: Set(input.date),
        kind: Set(input.kind.as_str().to_owned()),
        minutes: Set(input.minutes as i32),
        note: Set(input.note.trim().to_owned()),
        status: Set(WorkloadStatus::Pending.as_str().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    view(saved)
}

/// The caller's own entries, newest first.
pub async fn my_workload(
    db: &DatabaseConnection,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<WorkloadEntry>> {
    let teacher_id = actor.teacher()?;
    let select = workload_entry::Entity::find()
        .filter(workload_entry::Column::TeacherId.eq(teacher_id))
        .order_by_desc(workload_entry::Column::Id);
    kernel::fetch_page(db, select, page).await?.try_map(view)
}

/// A school or county admin confirms or rejects a pending entry (a rejection needs a reason).
pub async fn decide_workload(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    confirm: bool,
    reason: Option<String>,
) -> Result<WorkloadEntry> {
    let found = workload_entry::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageDirectory, &found.org_path)?;
    if found.status != WorkloadStatus::Pending.as_str() {
        return Err(Error::conflict(
            "already_decided",
            Text::fixed("该记录已处理", "this entry has already been decided"),
        ));
    }
    let reason =
        kernel::Bound::REASON.check_optional("reason", reason.as_deref().filter(|r| !r.trim().is_empty()))?;
    if !confirm && reason.is_none() {
        return Err(Error::from(FieldError::new(
            "reason",
            "required",
            Text::fixed("退回须填写理由", "a rejection needs a reason"),
        )));
    }
    let mut active: workload_entry::ActiveModel = found.into();
    active.status =
        Set(if confirm { WorkloadStatus::Confirmed } else { WorkloadStatus::Rejected }.as_str().to_owned());
    active.decided_by = Set(Some(actor.account_id));
    active.decided_at = Set(Some(now));
    active.reason = Set(reason);
    view(active.update(db).await?)
}

/// A term `YYYY-1` (spring: February to July) or `YYYY-2` (autumn: August to January) as a
/// half-open date range.
fn term_range(term: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (year, half) = term.split_once('-')?;
    let year: i32 = year.parse().ok()?;
    match half {
        "1" => Some((NaiveDate::from_ymd_opt(year, 2, 1)?, NaiveDate::from_ymd_opt(year, 8, 1)?)),
        "2" => Some((NaiveDate::from_ymd_opt(year, 8, 1)?, NaiveDate::from_ymd_opt(year + 1, 2, 1)?)),
        _ => None,
    }
}

/// Confirmed minutes per MH teacher of a subtree in a term, as class hours.
pub async fn workload_report(
    db: &impl ConnectionTrait,
    actor: &Actor,
    org_unit: Option<i64>,
    term: &str,
    minutes_per_class_hour: u32,
) -> Result<WorkloadReport> {
    let (from, to) = term_range(term).ok_or_else(|| {
        Error::from(FieldError::new(
            "term",
            "invalid_value",
            Text::fixed(
                "学期格式为 YYYY-1（春季）或 YYYY-2（秋季）",
                "term is YYYY-1 (spring) or YYYY-2 (autumn)",
            ),
        ))
    })?;
    let path = directory::scope_path(db, actor, org_unit, Permission::ReadDirectory).await?;
    let entries = workload_entry::Entity::find()
        .filter(workload_entry::Column::OrgPath.starts_with(&path))
        .filter(workload_entry::Column::Status.eq(WorkloadStatus::Confirmed.as_str()))
        .filter(workload_entry::Column::Date.gte(from))
        .filter(workload_entry::Column::Date.lt(to))
        .all(db)
        .await?;
    let mut minutes: BTreeMap<i64, u32> = BTreeMap::new();
    for e in entries {
        *minutes.entry(e.teacher_id).or_default() += u32::try_from(e.minutes).unwrap_or(0);
    }
    let mut rows = Vec::new();
    for role in [MhRole::MhFulltime, MhRole::MhParttime] {
        let filter = TeacherFilter { org_unit: None, role: Some(role), q: None };
        for t in db.query_all(&directory::teacher_selection(&path, &filter)).await? {
            let id: i64 = t.try_get("", TEACHER_ID)?;
            if rows.iter().any(|r: &WorkloadRow| r.teacher_id == id) {
                continue;
            }
            let confirmed = minutes.get(&id).copied().unwrap_or(0);
            rows.push(WorkloadRow {
                teacher_id: id,
                employee_no: t.try_get("", "employee_no")?,
                teacher_name: t.try_get("", "name")?,
                school_name: t.try_get("", "school_name")?,
                confirmed_minutes: confirmed,
                class_hours: class_hours(confirmed, minutes_per_class_hour),
            });
        }
    }
    rows.sort_by_key(|r| (std::cmp::Reverse(r.confirmed_minutes), r.teacher_id));
    let confirmed_minutes = rows.iter().map(|r| r.confirmed_minutes).sum();
    let summary = WorkloadSummary {
        teachers: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        confirmed_minutes,
        class_hours: class_hours(confirmed_minutes, minutes_per_class_hour),
    };
    Ok(WorkloadReport { term: term.to_owned(), minutes_per_class_hour, summary, items: rows })
}

/// Minutes as subsidised class hours, to one decimal.
fn class_hours(minutes: u32, minutes_per_class_hour: u32) -> Decimal {
    (Decimal::from(minutes) / Decimal::from(minutes_per_class_hour.max(1))).round_dp(1).normalize()
}

/// A teacher's confirmed practice record, which the top qualification level asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PracticeRecord {
    pub counseling_minutes: u32,
    pub mh_lessons: u32,
}

impl PracticeRecord {
    /// Adds one row of [`practice_facts`]: confirmed counselling counts its minutes, an MH
    /// class counts as a lesson; other kinds are no practice. An unknown kind is corrupt.
    pub fn add(&mut self, kind: &str, minutes: i64, entries: i64) -> Result<()> {
        match kernel::stored(WorkloadKind::parse(kind), "workload_entry.kind", kind)? {
            WorkloadKind::IndividualCounseling => {
                self.counseling_minutes += u32::try_from(minutes).unwrap_or(0);
            }
            WorkloadKind::MhClass => self.mh_lessons += u32::try_from(entries).unwrap_or(0),
            _ => {}
        }
        Ok(())
    }
}

/// A teacher's confirmed workload per kind as evidence rows (`practice`, kind, minutes,
/// entries), for certification's one query.
pub fn practice_facts(teacher_id: i64) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Expr, ExprTrait};
    kernel::fact_row(
        "practice",
        Expr::col(workload_entry::Column::Kind),
        Expr::col(workload_entry::Column::Minutes).sum(),
        Expr::col(workload_entry::Column::Id).count(),
    )
    .from(workload_entry::Entity)
    .and_where(Expr::col(workload_entry::Column::TeacherId).eq(teacher_id))
    .and_where(Expr::col(workload_entry::Column::Status).eq(WorkloadStatus::Confirmed.as_str()))
    .group_by_col(workload_entry::Column::Kind)
    .to_owned()
}
