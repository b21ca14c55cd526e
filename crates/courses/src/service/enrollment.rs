use chrono::{DateTime, Utc};
use kernel::{Actor, Error, Page, PageRequest, Result, from_tenths};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::Serialize;

use super::catalog::{courses_with_lessons, lessons_of, visible_course, with_hours};
use crate::entity::{course, enrollment, lesson, lesson_progress};

/// A teacher's enrolment with progress, for the course list and the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollmentView {
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub course_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "中小学心理健康教育 C 级资格培训"))]
    pub course_title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12"))]
    pub hours: Decimal,
    pub enrolled_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Share of the required content watched, 0–100.
    #[cfg_attr(feature = "openapi", schema(example = 45))]
    pub percent: u32,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub lessons_completed: u32,
    #[cfg_attr(feature = "openapi", schema(example = 5))]
    pub lessons_required: u32,
    /// Where to resume: the lesson last played and its position in seconds.
    #[cfg_attr(feature = "openapi", schema(example = 32))]
    pub resume_lesson_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(example = 418))]
    pub resume_position: Option<i64>,
}

/// Enrols the calling teacher in a published course open to them; enrolling twice is a no-op.
pub async fn enroll(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    course_id: i64,
) -> Result<EnrollmentView> {
    let teacher_id = actor.teacher()?;
    let found = visible_course(db, actor, course_id).await?;
    let existing = enrollment(db, teacher_id, course_id).await?;
    let saved = match existing {
        Some(e) => e,
        None => enrollment::ActiveModel {
            course_id: Set(course_id),
            teacher_id: Set(teacher_id),
            enrolled_at: Set(now),
            completed_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(Error::on_unique(
            "already_enrolled",
            kernel::Text::fixed("已选该课程", "already enrolled"),
        ))?,
    };
    view(db, &found, saved).await
}

pub(crate) async fn enrollment(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    course_id: i64,
) -> Result<Option<enrollment::Model>> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::TeacherId.eq(teacher_id))
        .filter(enrollment::Column::CourseId.eq(course_id))
        .one(db)
        .await?)
}

/// The calling teacher's enrolments, newest first.
pub async fn my_enrollments(
    db: &DatabaseConnection,
    actor: &Actor,
    page: PageRequest,
) -> Result<Page<EnrollmentView>> {
    let teacher_id = actor.teacher()?;
    let select = enrollment::Entity::find()
        .filter(enrollment::Column::TeacherId.eq(teacher_id))
        .order_by_desc(enrollment::Column::Id);
    let page = kernel::fetch_page(db, select, page).await?;
    let items = views(db, teacher_id, page.items).await?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

pub(crate) async fn view(
    db: &impl ConnectionTrait,
    found: &course::Model,
    e: enrollment::Model,
) -> Result<EnrollmentView> {
    let lessons = lessons_of(db, found).await?;
    let progress = progress_of(db, e.teacher_id, lessons.iter().map(|(l, _)| l.id)).await?;
    Ok(summarize(found, &lessons, &progress, e))
}

/// Views of one teacher's enrolments in three queries however many there are (courses, their
/// lessons, the teacher's progress in them), for lists and the dashboard.
pub(crate) async fn views(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    enrollments: Vec<enrollment::Model>,
) -> Result<Vec<EnrollmentView>> {
    Ok(views_and_progress(db, teacher_id, enrollments).await?.0)
}

/// The views, and the teacher's progress rows in the courses' lessons they were made from.
pub(crate) async fn views_and_progress(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    enrollments: Vec<enrollment::Model>,
) -> Result<(Vec<EnrollmentView>, Vec<lesson_progress::Model>)> {
    let course_ids: Vec<i64> = enrollments.iter().map(|e| e.course_id).collect();
    let courses = courses_with_lessons(db, &course_ids).await?;
    let lesson_ids = courses.values().flat_map(|(_, lessons)| lessons.iter().map(|(l, _)| l.id));
    let progress = progress_of(db, teacher_id, lesson_ids).await?;
    let views = enrollments
        .into_iter()
        .map(|e| {
            let (found, lessons) = courses.get(&e.course_id).ok_or(Error::NotFound)?;
            Ok(summarize(found, lessons, &progress, e))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((views, progress))
}

/// Views of a teacher's newest unfinished enrolments (at most `limit`) in one statement: the
/// enrolments joined to their courses, every lesson of those courses and the teacher's progress
/// in each, for the home screen, which every teacher opens many times a day.
pub(crate) async fn open_views(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    limit: u64,
) -> Result<Vec<EnrollmentView>> {
    use sea_orm::sea_query::{Expr, JoinType, Order, Query};
    use sea_orm::{ExprTrait, FromQueryResult};
    let newest_open = Query::select()
        .column(enrollment::Column::Id)
        .from(enrollment::Entity)
        .and_where(Expr::col(enrollment::Column::TeacherId).eq(teacher_id))
        .and_where(Expr::col(enrollment::Column::CompletedAt).is_null())
        .order_by(enrollment::Column::Id, Order::Desc)
        .limit(limit)
        .to_owned();
    let mut query = Query::select();
    kernel::select_prefixed(&mut query, enrollment::Entity, "e_");
    kernel::select_prefixed(&mut query, course::Entity, "c_");
    kernel::select_prefixed(&mut query, lesson::Entity, "l_");
    kernel::select_prefixed(&mut query, lesson_progress::Entity, "p_");
    query
        .from(enrollment::Entity)
        .inner_join(
            course::Entity,
            Expr::col((course::Entity, course::Column::Id))
                .equals((enrollment::Entity, enrollment::Column::CourseId)),
        )
        .left_join(
            lesson::Entity,
            Expr::col((lesson::Entity, lesson::Column::CourseId))
                .equals((course::Entity, course::Column::Id)),
        )
        .join(
            JoinType::LeftJoin,
            lesson_progress::Entity,
            Expr::col((lesson_progress::Entity, lesson_progress::Column::LessonId))
                .equals((lesson::Entity, lesson::Column::Id))
                .and(Expr::col((lesson_progress::Entity, lesson_progress::Column::TeacherId)).eq(teacher_id)),
        )
        .and_where(Expr::col((enrollment::Entity, enrollment::Column::Id)).in_subquery(newest_open))
        .order_by((enrollment::Entity, enrollment::Column::Id), Order::Desc)
        .order_by((lesson::Entity, lesson::Column::ModuleId), Order::Asc)
        .order_by((lesson::Entity, lesson::Column::Position), Order::Asc);
    let mut open: Vec<(enrollment::Model, course::Model, Vec<lesson::Model>, Vec<lesson_progress::Model>)> =
        Vec::new();
    for row in db.query_all(&query).await? {
        let e = enrollment::Model::from_query_result(&row, "e_")?;
        if open.last().is_none_or(|(last, ..)| last.id != e.id) {
            open.push((e, course::Model::from_query_result(&row, "c_")?, Vec::new(), Vec::new()));
        }
        let (_, _, lessons, progress) = open.last_mut().ok_or(Error::NotFound)?;
        lessons.extend(kernel::left_joined::<lesson::Model>(&row, "l_")?);
        progress.extend(kernel::left_joined::<lesson_progress::Model>(&row, "p_")?);
    }
    Ok(open
        .into_iter()
        .map(|(e, found, lessons, progress)| summarize(&found, &with_hours(&found, lessons), &progress, e))
        .collect())
}

async fn progress_of(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    lesson_ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<lesson_progress::Model>> {
    Ok(lesson_progress::Entity::find()
        .filter(lesson_progress::Column::TeacherId.eq(teacher_id))
        .filter(lesson_progress::Column::LessonId.is_in(lesson_ids))
        .all(db)
        .await?)
}

/// One enrolment's progress from its course's lessons and the teacher's progress rows (which
/// may include other courses' lessons).
fn summarize(
    found: &course::Model,
    lessons: &[(lesson::Model, Decimal)],
    all_progress: &[lesson_progress::Model],
    e: enrollment::Model,
) -> EnrollmentView {
    let progress: Vec<_> =
        all_progress.iter().filter(|p| lessons.iter().any(|(l, _)| l.id == p.lesson_id)).collect();
    let required: Vec<_> = lessons.iter().filter(|(l, _)| l.required).map(|(l, _)| l).collect();
    let total_ms: i64 = required.iter().map(|l| i64::from(l.duration_seconds) * 1000).sum();
    let watched_ms: i64 = required
        .iter()
        .filter_map(|l| progress.iter().find(|p| p.lesson_id == l.id))
        .map(|p| p.watched_ms)
        .sum();
    let completed = required
        .iter()
        .filter(|l| progress.iter().any(|p| p.lesson_id == l.id && p.completed_at.is_some()))
        .count();
    let latest = progress.iter().max_by_key(|p| p.updated_at);
    let percent = if e.completed_at.is_some() {
        100
    } else if total_ms > 0 {
        (watched_ms * 100 / total_ms).min(100) as u32
    } else {
        0
    };
    EnrollmentView {
        course_id: found.id,
        course_title: found.title.clone(),
        hours: from_tenths(found.hours_tenths),
        enrolled_at: e.enrolled_at,
        completed_at: e.completed_at,
        percent,
        lessons_completed: completed as u32,
        lessons_required: required.len() as u32,
        resume_lesson_id: latest.map(|p| p.lesson_id),
        resume_position: latest.map(|p| p.last_position_ms / 1000),
    }
}
