use chrono::{DateTime, Utc};
use kernel::{Actor, Result};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::enrollment::open_views;
use crate::entity::offline_session;

/// A course in progress on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardCourse {
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub course_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "中小学心理健康教育 C 级资格培训"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = 45))]
    pub percent: u32,
    #[cfg_attr(feature = "openapi", schema(example = 32))]
    pub resume_lesson_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(example = 418))]
    pub resume_position: Option<i64>,
}

/// An upcoming offline session the teacher registered for.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardSession {
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "班主任心理辅导技能面授"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市教育局三楼报告厅"))]
    pub place: String,
    pub starts_at: DateTime<Utc>,
}

/// The mobile home screen in one small response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    #[cfg_attr(feature = "openapi", schema(example = 2026))]
    pub year: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "24"))]
    pub online_hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "6"))]
    pub offline_hours: Decimal,
    pub courses_in_progress: Vec<DashboardCourse>,
    pub upcoming_sessions: Vec<DashboardSession>,
}

/// This year's hours, courses in progress and upcoming sessions of the calling teacher, in three
/// reads: the year's kept totals by key, the open enrolments with their lessons and progress in
/// one joined statement, and the registered sessions through a subquery.
pub async fn dashboard(db: &DatabaseConnection, now: DateTime<Utc>, actor: &Actor) -> Result<Dashboard> {
    let teacher_id = actor.teacher()?;
    let year = kernel::china_year(now);
    let delivered = credit::year_by_delivery(db, teacher_id, year).await?;
    let courses_in_progress = open_views(db, teacher_id, 10)
        .await?
        .into_iter()
        .map(|progress| DashboardCourse {
            course_id: progress.course_id,
            title: progress.course_title,
            percent: progress.percent,
            resume_lesson_id: progress.resume_lesson_id,
            resume_position: progress.resume_position,
        })
        .collect();
    let upcoming_sessions = offline_session::Entity::find()
        .filter(
            offline_session::Column::Id
                .in_subquery(attendance::registered_occasion_ids("session", teacher_id)),
        )
        .filter(offline_session::Column::EndsAt.gt(now))
        .filter(offline_session::Column::Status.ne(crate::domain::SessionStatus::Cancelled.as_str()))
        .order_by_asc(offline_session::Column::StartsAt)
        .limit(10)
        .all(db)
        .await?
        .into_iter()
        .map(|s| DashboardSession { id: s.id, title: s.title, place: s.place, starts_at: s.starts_at })
        .collect();
    Ok(Dashboard {
        year,
        online_hours: delivered.online,
        offline_hours: delivered.offline,
        courses_in_progress,
        upcoming_sessions,
    })
}
