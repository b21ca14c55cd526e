//! A teacher's own attempts, newest first: what the "my results" list of the app shows.

use chrono::{DateTime, Utc};
use kernel::{Actor, Level, Page, PageRequest, Result, fetch_page};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::attempts::AttemptStatus;
use crate::entity::{attempt, exam};

/// One attempt in a teacher's list; the score and the verdict only once released.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttemptSummary {
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub exam_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "中小学教师心理健康教育 C 级资格考试"))]
    pub exam_title: String,
    pub level: Option<Level>,
    pub status: AttemptStatus,
    pub started_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "86"))]
    pub score: Option<Decimal>,
    pub passed: Option<bool>,
}

/// The caller's attempts at every exam, newest first.
pub async fn my_attempts(
    db: &DatabaseConnection,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<AttemptSummary>> {
    let teacher_id = actor.teacher()?;
    let select = attempt::Entity::find()
        .filter(attempt::Column::TeacherId.eq(teacher_id))
        .order_by_desc(attempt::Column::StartedAt)
        .order_by_desc(attempt::Column::Id);
    let found = fetch_page(db, select, page).await?;
    let exam_ids: Vec<i64> = found.items.iter().map(|a| a.exam_id).collect();
    let exams: std::collections::HashMap<i64, exam::Model> = exam::Entity::find()
        .filter(exam::Column::Id.is_in(exam_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let mut items = Vec::with_capacity(found.items.len());
    for a in &found.items {
        let status = kernel::stored(AttemptStatus::parse(&a.status), "attempt.status", &a.status)?;
        let released = status == AttemptStatus::Released;
        let exam = exams.get(&a.exam_id);
        items.push(AttemptSummary {
            id: a.id,
            exam_id: a.exam_id,
            exam_title: exam.map(|e| e.title.clone()).unwrap_or_default(),
            level: exam
                .map(|e| kernel::stored(Level::parse(&e.level), "exam.level", &e.level))
                .transpose()?,
            status,
            started_at: a.started_at,
            deadline: a.deadline,
            submitted_at: a.submitted_at,
            score: a.score_tenths.filter(|_| released).map(kernel::from_tenths),
            passed: a.passed.filter(|_| released),
        });
    }
    Ok(Page { items, total: found.total, page: found.page, per_page: found.per_page })
}
