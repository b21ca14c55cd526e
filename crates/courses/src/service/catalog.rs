use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use kernel::{
    Actor, Bound, Error, FieldError, Hours, Page, PageRequest, Permission, Result, Text, Violations,
    from_tenths, to_tenths,
};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use crate::domain::{CourseStatus, LessonKind, Track};
use crate::entity::{course, course_module, enrollment, lesson};

/// The longest lesson accepted (10 hours); longer is a typing mistake.
const MAX_LESSON_SECONDS: u32 = 36_000;

/// A lesson as clients see it; `hours` is its own or its share of the course's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonView {
    #[cfg_attr(feature = "openapi", schema(example = 31))]
    pub id: i64,
    pub kind: LessonKind,
    #[cfg_attr(feature = "openapi", schema(example = "情绪的识别与表达"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = 900))]
    pub duration_seconds: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.5"))]
    pub hours: Decimal,
    /// The lesson's own hours when it has them; none when `hours` is its share of the course's.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.5"))]
    pub own_hours: Option<Decimal>,
    pub required: bool,
    /// An exam (a short quiz) the teacher must pass before the lesson completes.
    #[cfg_attr(feature = "openapi", schema(example = 9))]
    pub quiz_exam_id: Option<i64>,
    /// What the player plays for a video lesson.
    #[cfg_attr(feature = "openapi", schema(example = "/media/trial-1.webm"))]
    pub media_url: Option<String>,
    /// What a text or document lesson shows (plain text, paragraphs separated by blank lines).
    #[cfg_attr(feature = "openapi", schema(example = "一、总体要求……"))]
    pub content: Option<String>,
    /// The calling teacher's own progress in this lesson; none before they start it (and for
    /// staff).
    pub progress: Option<LessonProgressView>,
}

/// A teacher's progress in one lesson, as the course page shows it beside the lesson.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonProgressView {
    /// Learning time credited so far (verified playback or reading), in seconds.
    #[cfg_attr(feature = "openapi", schema(example = 540))]
    pub credited_seconds: i64,
    /// Distinct content watched or read, in seconds.
    #[cfg_attr(feature = "openapi", schema(example = 525))]
    pub watched_seconds: i64,
    pub completed: bool,
}

/// An ordered module of lessons.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleView {
    #[cfg_attr(feature = "openapi", schema(example = 8))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "第一单元 学生心理发展"))]
    pub title: String,
    pub lessons: Vec<LessonView>,
}

/// A course as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Course {
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "中小学心理健康教育 C 级资格培训"))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = "面向全体教师的心理健康教育基础课程"))]
    pub summary: String,
    pub track: Track,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12"))]
    pub hours: Decimal,
    pub status: CourseStatus,
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub org_unit_id: i64,
    /// Minutes of credited learning between presence checks (防挂机); none when off.
    #[cfg_attr(feature = "openapi", schema(example = 10))]
    pub presence_check_minutes: Option<u32>,
    pub modules: Vec<ModuleView>,
    /// True once a teacher has enrolled: the outline (`modules` in `PATCH /courses/{id}`) can
    /// no longer change, but a lesson's title, media and text still can (`PATCH /lessons/{id}`).
    pub outline_locked: bool,
    /// The calling teacher's enrolment and progress; none when not enrolled (and for staff).
    pub enrollment: Option<super::EnrollmentView>,
}

/// A lesson in a create or update body.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLesson {
    pub kind: LessonKind,
    #[cfg_attr(feature = "openapi", schema(example = "情绪的识别与表达", min_length = 1, max_length = 200))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(example = 900, minimum = 1, maximum = 36000))]
    pub duration_seconds: u32,
    /// Own hours; omit to take a share of the course's by duration.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "0.5"))]
    pub hours: Option<Decimal>,
    #[serde(default = "required_by_default")]
    pub required: bool,
    /// An exam the teacher must pass before the lesson completes.
    #[cfg_attr(feature = "openapi", schema(example = 9))]
    pub quiz_exam_id: Option<i64>,
    /// A video lesson's media: an `http(s)://` URL or a path on this server (`/media/…`).
    #[cfg_attr(feature = "openapi", schema(example = "/media/trial-1.webm", max_length = 500))]
    pub media_url: Option<String>,
    /// A text or document lesson's text.
    #[cfg_attr(feature = "openapi", schema(example = "一、总体要求……", max_length = 50000))]
    pub content: Option<String>,
}

fn required_by_default() -> bool {
    true
}

/// A module in a create or update body.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewModule {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "第一单元 学生心理发展", min_length = 1, max_length = 200)
    )]
    pub title: String,
    pub lessons: Vec<NewLesson>,
}

/// Body of `POST /courses`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCourse {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "中小学心理健康教育 C 级资格培训", min_length = 2, max_length = 200)
    )]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "面向全体教师的心理健康教育基础课程", max_length = 2000)
    )]
    pub summary: String,
    pub track: Track,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12"))]
    pub hours: Decimal,
    /// Defaults to `draft`.
    pub status: Option<CourseStatus>,
    /// The owning unit; default the caller's own.
    #[cfg_attr(feature = "openapi", schema(example = 1))]
    pub org_unit_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(example = 10, minimum = 1, maximum = 120))]
    pub presence_check_minutes: Option<u32>,
    pub modules: Vec<NewModule>,
}

/// Body of `PATCH /courses/{id}`; `modules` replaces the outline and is refused once teachers
/// have enrolled.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CoursePatch {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "中小学心理健康教育 C 级资格培训（2026 版）", min_length = 2, max_length = 200)
    )]
    pub title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub summary: Option<String>,
    pub track: Option<Track>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "12"))]
    pub hours: Option<Decimal>,
    pub status: Option<CourseStatus>,
    #[cfg_attr(feature = "openapi", schema(example = 10, minimum = 1, maximum = 120))]
    pub presence_check_minutes: Option<u32>,
    pub modules: Option<Vec<NewModule>>,
}

/// Filters of the course list.
#[derive(Debug, Clone, Default)]
pub struct CourseFilter {
    pub track: Option<Track>,
    pub status: Option<CourseStatus>,
    pub q: Option<String>,
}

fn course_hours(value: Decimal) -> std::result::Result<i64, FieldError> {
    Hours::positive(value, Decimal::from(200), "hours").map(|h| to_tenths(h.value()))
}

fn check_presence(v: &mut Violations, minutes: Option<u32>) {
    if minutes.is_some_and(|m| !(1..=120).contains(&m)) {
        v.push(FieldError::new(
            "presence_check_minutes",
            "out_of_range",
            Text::fixed("在线确认间隔须在 1 到 120 分钟之间", "presence_check_minutes must be 1 to 120"),
        ));
    }
}

fn check_outline(v: &mut Violations, modules: &[NewModule], publishing: bool) {
    if publishing && !modules.iter().any(|m| !m.lessons.is_empty()) {
        v.push(FieldError::new(
            "modules",
            "empty",
            Text::fixed("发布的课程至少要有一节课", "a published course needs at least one lesson"),
        ));
    }
    for (m, module) in modules.iter().enumerate() {
        if let Err(e) = Bound::LABEL.check(&format!("modules[{m}].title"), &module.title) {
            v.push(e);
        }
        for (l, lesson) in module.lessons.iter().enumerate() {
            let at = format!("modules[{m}].lessons[{l}]");
            if let Err(e) = Bound::LABEL.check(&format!("{at}.title"), &lesson.title) {
                v.push(e);
            }
            if !(1..=MAX_LESSON_SECONDS).contains(&lesson.duration_seconds) {
                v.push(FieldError::new(
                    format!("{at}.duration_seconds"),
                    "out_of_range",
                    Text::fixed("时长须在 1 到 36000 秒之间", "duration_seconds must be 1 to 36000"),
                ));
            }
            if let Some(Err(e)) =
                lesson.hours.map(|h| Hours::parse(h, Decimal::from(200), &format!("{at}.hours")))
            {
                v.push(e);
            }
            check_media(v, &at, lesson.media_url.as_deref(), lesson.content.as_deref());
        }
    }
}

/// A lesson's media address and text, wherever they are set (`at` is the lesson's field path,
/// empty for a lesson's own body).
pub(crate) fn check_media(v: &mut Violations, at: &str, media_url: Option<&str>, content: Option<&str>) {
    let path = |field: &str| if at.is_empty() { field.to_owned() } else { format!("{at}.{field}") };
    if media_url.is_some_and(|url| !is_media_address(url)) {
        v.push(FieldError::new(
            path("media_url"),
            "invalid_url",
            Text::fixed(
                "媒体地址须以 http://、https:// 或 / 开头，且不超过 500 个字符",
                "media_url must start with http://, https:// or / and be at most 500 characters",
            ),
        ));
    }
    if content.is_some_and(|c| c.chars().count() > MAX_LESSON_TEXT) {
        v.push(FieldError::new(
            path("content"),
            "too_long",
            Text::fixed("课节正文不能超过 50000 个字符", "content must be at most 50000 characters"),
        ));
    }
}

/// The longest text a lesson may carry, in characters.
const MAX_LESSON_TEXT: usize = 50_000;

/// A media address a phone's player can open: absolute http(s), or a path on this server.
fn is_media_address(url: &str) -> bool {
    url.len() <= 500
        && !url.chars().any(char::is_whitespace)
        && (url.starts_with("https://")
            || url.starts_with("http://")
            || (url.starts_with('/') && !url.starts_with("//")))
}

/// Every quiz a lesson names must be an existing exam.
async fn check_quizzes(db: &impl ConnectionTrait, v: &mut Violations, modules: &[NewModule]) -> Result<()> {
    for (m, module) in modules.iter().enumerate() {
        for (l, lesson) in module.lessons.iter().enumerate() {
            if let Some(exam_id) = lesson.quiz_exam_id
                && !exams::exam_exists(db, exam_id).await?
            {
                v.push(FieldError::new(
                    format!("modules[{m}].lessons[{l}].quiz_exam_id"),
                    "unknown_exam",
                    Text::fixed("测验所指的考试不存在", "no such exam for the quiz"),
                ));
            }
        }
    }
    Ok(())
}

/// Creates a course owned by an org unit of the caller's subtree.
pub async fn create_course(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    input: NewCourse,
) -> Result<Course> {
    actor.require(Permission::ManageTraining)?;
    let mut v = Violations::default();
    let title = v.check(Bound::TITLE.check("title", &input.title));
    let summary = v.check(Bound::TEXT.check("summary", &input.summary));
    let hours = v.check(course_hours(input.hours));
    check_presence(&mut v, input.presence_check_minutes);
    let status = input.status.unwrap_or(CourseStatus::Draft);
    check_outline(&mut v, &input.modules, status == CourseStatus::Published);
    check_quizzes(db, &mut v, &input.modules).await?;
    let owner = directory::scope_path(db, actor, input.org_unit_id, Permission::ManageTraining).await;
    let owner = match owner {
        Ok(path) => Some(path),
        Err(Error::Invalid(errors)) => {
            errors.into_iter().for_each(|e| v.push(FieldError { field: "org_unit_id".to_owned(), ..e }));
            None
        }
        Err(other) => return Err(other),
    };
    v.finish()?;
    let txn = kernel::begin_write(db).await?;
    let saved = course::ActiveModel {
        title: Set(title.unwrap_or_default()),
        summary: Set(summary.unwrap_or_default()),
        track: Set(input.track.as_str().to_owned()),
        hours_tenths: Set(hours.unwrap_or_default()),
        status: Set(status.as_str().to_owned()),
        org_unit_id: Set(input.org_unit_id.map_or_else(|| actor.own_unit(), Ok)?),
        org_path: Set(owner.unwrap_or_default()),
        presence_check_minutes: Set(input.presence_check_minutes.map(|m| m as i32)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    write_outline(&txn, saved.id, &input.modules).await?;
    txn.commit().await?;
    view(db, saved).await
}

async fn write_outline(txn: &impl ConnectionTrait, course_id: i64, modules: &[NewModule]) -> Result<()> {
    for (m, module) in modules.iter().enumerate() {
        let saved = course_module::ActiveModel {
            course_id: Set(course_id),
            position: Set(m as i32),
            title: Set(module.title.trim().to_owned()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        for (l, new) in module.lessons.iter().enumerate() {
            lesson::ActiveModel {
                course_id: Set(course_id),
                module_id: Set(saved.id),
                position: Set(l as i32),
                kind: Set(new.kind.as_str().to_owned()),
                title: Set(new.title.trim().to_owned()),
                duration_seconds: Set(new.duration_seconds as i32),
                hours_tenths: Set(new.hours.map(to_tenths)),
                required: Set(new.required),
                quiz_exam_id: Set(new.quiz_exam_id),
                media_url: Set(new.media_url.clone()),
                content: Set(new.content.clone()),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// The course row, visible to the caller: staff in whose subtree it lies, or a teacher it is
/// published and open to.
pub(crate) async fn visible_course(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<course::Model> {
    let found = course::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    directory::ensure_owner_visible(db, actor, &found.org_path).await?;
    if actor.person_id().is_some() && found.status != CourseStatus::Published.as_str() {
        return Err(Error::NotFound);
    }
    Ok(found)
}

/// One course with its outline.
pub async fn get_course(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<Course> {
    let found = visible_course(db, actor, id).await?;
    let course = view(db, found).await?;
    with_enrollments(db, actor, vec![course]).await?.into_iter().next().ok_or(Error::NotFound)
}

/// Courses the caller may see: staff their subtree's, teachers the published ones open to them.
pub async fn list_courses(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: CourseFilter,
    page: PageRequest,
) -> Result<Page<Course>> {
    let mut condition = directory::owner_scope(db, actor).await?.condition(course::Column::OrgPath);
    if actor.person_id().is_some() {
        condition = condition.add(course::Column::Status.eq(CourseStatus::Published.as_str()));
    }
    if let Some(track) = filter.track {
        condition = condition.add(course::Column::Track.eq(track.as_str()));
    }
    if let Some(status) = filter.status {
        condition = condition.add(course::Column::Status.eq(status.as_str()));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        condition = condition.add(course::Column::Title.contains(q));
    }
    let select = course::Entity::find().filter(condition).order_by_asc(course::Column::Id);
    let page = kernel::fetch_page(db, select, page).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for found in page.items {
        items.push(view(db, found).await?);
    }
    let items = with_enrollments(db, actor, items).await?;
    Ok(Page { items, total: page.total, page: page.page, per_page: page.per_page })
}

/// Changes a course in the caller's subtree.
pub async fn update_course(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    id: i64,
    patch: CoursePatch,
) -> Result<Course> {
    let found = course::Entity::find_by_id(id).one(db).await?.ok_or(Error::NotFound)?;
    actor.authorize(Permission::ManageTraining, &found.org_path)?;
    let mut v = Violations::default();
    let title = patch.title.as_deref().and_then(|t| v.check(Bound::TITLE.check("title", t)));
    let summary = patch.summary.as_deref().and_then(|s| v.check(Bound::TEXT.check("summary", s)));
    let hours = patch.hours.and_then(|h| v.check(course_hours(h)));
    check_presence(&mut v, patch.presence_check_minutes);
    let publishing = patch.status == Some(CourseStatus::Published);
    if let Some(modules) = &patch.modules {
        check_outline(&mut v, modules, publishing || found.status == CourseStatus::Published.as_str());
        check_quizzes(db, &mut v, modules).await?;
    } else if publishing
        && lesson::Entity::find().filter(lesson::Column::CourseId.eq(id)).count(db).await? == 0
    {
        v.push(FieldError::new(
            "modules",
            "empty",
            Text::fixed("发布的课程至少要有一节课", "a published course needs at least one lesson"),
        ));
    }
    v.finish()?;
    if patch.modules.is_some()
        && enrollment::Entity::find().filter(enrollment::Column::CourseId.eq(id)).count(db).await? > 0
    {
        return Err(Error::conflict(
            "course_in_use",
            Text::fixed(
                "已有教师选课，不能再修改课程结构",
                "teachers have enrolled; the outline can no longer change",
            ),
        ));
    }
    let txn = kernel::begin_write(db).await?;
    let mut active: course::ActiveModel = found.into();
    if let Some(title) = title {
        active.title = Set(title);
    }
    if let Some(summary) = summary {
        active.summary = Set(summary);
    }
    if let Some(track) = patch.track {
        active.track = Set(track.as_str().to_owned());
    }
    if let Some(hours) = hours {
        active.hours_tenths = Set(hours);
    }
    if let Some(status) = patch.status {
        active.status = Set(status.as_str().to_owned());
    }
    if let Some(minutes) = patch.presence_check_minutes {
        active.presence_check_minutes = Set(Some(minutes as i32));
    }
    active.updated_at = Set(now);
    let saved = active.update(&txn).await?;
    if let Some(modules) = &patch.modules {
        lesson::Entity::delete_many().filter(lesson::Column::CourseId.eq(id)).exec(&txn).await?;
        course_module::Entity::delete_many()
            .filter(course_module::Column::CourseId.eq(id))
            .exec(&txn)
            .await?;
        write_outline(&txn, id, modules).await?;
    }
    txn.commit().await?;
    let course = view(db, saved).await?;
    with_enrollments(db, actor, vec![course]).await?.into_iter().next().ok_or(Error::NotFound)
}

/// The course's lessons in order, with the hours each is worth.
pub(crate) async fn lessons_of(
    db: &impl ConnectionTrait,
    found: &course::Model,
) -> Result<Vec<(lesson::Model, Decimal)>> {
    let lessons = lesson::Entity::find()
        .filter(lesson::Column::CourseId.eq(found.id))
        .order_by_asc(lesson::Column::ModuleId)
        .order_by_asc(lesson::Column::Position)
        .all(db)
        .await?;
    Ok(with_hours(found, lessons))
}

/// The lessons of several courses in two queries, each course's in order with its hours.
pub(crate) async fn courses_with_lessons(
    db: &impl ConnectionTrait,
    course_ids: &[i64],
) -> Result<HashMap<i64, (course::Model, Vec<(lesson::Model, Decimal)>)>> {
    let courses =
        course::Entity::find().filter(course::Column::Id.is_in(course_ids.iter().copied())).all(db).await?;
    let mut lessons: HashMap<i64, Vec<lesson::Model>> = HashMap::new();
    for l in lesson::Entity::find()
        .filter(lesson::Column::CourseId.is_in(course_ids.iter().copied()))
        .order_by_asc(lesson::Column::ModuleId)
        .order_by_asc(lesson::Column::Position)
        .all(db)
        .await?
    {
        lessons.entry(l.course_id).or_default().push(l);
    }
    Ok(courses
        .into_iter()
        .map(|c| {
            let of_course = with_hours(&c, lessons.remove(&c.id).unwrap_or_default());
            (c.id, (c, of_course))
        })
        .collect())
}

/// Each lesson's share of the course's hours: its own, or its part of the required duration.
pub(crate) fn with_hours(
    found: &course::Model,
    lessons: Vec<lesson::Model>,
) -> Vec<(lesson::Model, Decimal)> {
    let required_seconds: i64 =
        lessons.iter().filter(|l| l.required).map(|l| i64::from(l.duration_seconds)).sum();
    lessons
        .into_iter()
        .map(|l| {
            let hours = match l.hours_tenths {
                Some(tenths) => from_tenths(tenths),
                None if l.required && required_seconds > 0 => {
                    from_tenths(found.hours_tenths * i64::from(l.duration_seconds) / required_seconds)
                }
                None => Decimal::ZERO,
            };
            (l, hours)
        })
        .collect()
}

pub(crate) async fn view(db: &impl ConnectionTrait, found: course::Model) -> Result<Course> {
    let modules = course_module::Entity::find()
        .filter(course_module::Column::CourseId.eq(found.id))
        .order_by_asc(course_module::Column::Position)
        .all(db)
        .await?;
    let lessons = lessons_of(db, &found).await?;
    let modules = modules
        .into_iter()
        .map(|m| {
            Ok(ModuleView {
                lessons: lessons
                    .iter()
                    .filter(|(l, _)| l.module_id == m.id)
                    .map(|(l, hours)| {
                        Ok(LessonView {
                            id: l.id,
                            kind: kernel::stored(LessonKind::parse(&l.kind), "lesson.kind", &l.kind)?,
                            title: l.title.clone(),
                            duration_seconds: u32::try_from(l.duration_seconds).unwrap_or(0),
                            hours: *hours,
                            own_hours: l.hours_tenths.map(from_tenths),
                            required: l.required,
                            quiz_exam_id: l.quiz_exam_id,
                            media_url: l.media_url.clone(),
                            content: l.content.clone(),
                            progress: None,
                        })
                    })
                    .collect::<Result<_>>()?,
                id: m.id,
                title: m.title,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Course {
        id: found.id,
        title: found.title,
        summary: found.summary,
        track: kernel::stored(Track::parse(&found.track), "course.track", &found.track)?,
        hours: from_tenths(found.hours_tenths),
        status: kernel::stored(CourseStatus::parse(&found.status), "course.status", &found.status)?,
        org_unit_id: found.org_unit_id,
        presence_check_minutes: found.presence_check_minutes.and_then(|m| u32::try_from(m).ok()),
        modules,
        outline_locked: false,
        enrollment: None,
    })
}

/// Fills in which courses have enrolments (their outline is locked), the calling teacher's
/// enrolment of each and their progress in each lesson.
pub(crate) async fn with_enrollments(
    db: &DatabaseConnection,
    actor: &Actor,
    mut courses: Vec<Course>,
) -> Result<Vec<Course>> {
    let ids: Vec<i64> = courses.iter().map(|c| c.id).collect();
    let locked: HashSet<i64> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::CourseId)
        .distinct()
        .filter(enrollment::Column::CourseId.is_in(ids.clone()))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for course in &mut courses {
        course.outline_locked = locked.contains(&course.id);
    }
    let Some(teacher_id) = actor.person_id() else { return Ok(courses) };
    let enrollments = enrollment::Entity::find()
        .filter(enrollment::Column::TeacherId.eq(teacher_id))
        .filter(enrollment::Column::CourseId.is_in(ids))
        .all(db)
        .await?;
    let (views, progress) = super::enrollment::views_and_progress(db, teacher_id, enrollments).await?;
    let mut views: HashMap<i64, super::EnrollmentView> =
        views.into_iter().map(|v| (v.course_id, v)).collect();
    let progress: HashMap<i64, LessonProgressView> = progress
        .into_iter()
        .map(|p| {
            let view = LessonProgressView {
                credited_seconds: p.credited_ms / 1000,
                watched_seconds: p.watched_ms / 1000,
                completed: p.completed_at.is_some(),
            };
            (p.lesson_id, view)
        })
        .collect();
    for course in &mut courses {
        course.enrollment = views.remove(&course.id);
        for lesson in course.modules.iter_mut().flat_map(|m| m.lessons.iter_mut()) {
            lesson.progress = progress.get(&lesson.id).cloned();
        }
    }
    Ok(courses)
}
