use actix_web::{HttpResponse, get, patch, post, web};
use courses::{
    Course, CourseFilter, CoursePatch, CourseStatus, Dashboard, EnrollmentView, LessonPatch, NewCourse, Track,
};
use research::ResearchProgress;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// Filters of `GET /courses`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseQuery {
    pub track: Option<Track>,
    pub status: Option<CourseStatus>,
    /// Part of the title.
    #[param(example = "心理")]
    pub q: Option<String>,
}

/// List courses
///
/// Staff see the courses of their subtree; teachers the published courses open to their
/// school (owned by it or by a unit above it).
#[utoipa::path(operation_id = "listCourses", 
    tag = "training",
    params(CourseQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of courses", body = PageOf<Course>),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/courses")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<CourseQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Course>>> {
    let q = query.into_inner();
    let filter = CourseFilter { track: q.track, status: q.status, q: q.q };
    Ok(web::Json(courses::list_courses(&state.db, &actor, filter, page.request()?).await?.into()))
}

/// Create a course
///
/// With its ordered modules and lessons; admins and trainers, owned by a unit of their subtree.
#[utoipa::path(operation_id = "createCourse", 
    tag = "training",
    request_body = NewCourse,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Course),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage training", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/courses")]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewCourse>,
) -> ApiResult<HttpResponse> {
    let course = courses::create_course(&state.db, state.clock.now(), &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(course))
}

/// Get a course
///
/// With its outline; for a teacher, also their enrolment and each lesson's progress (credited
/// and watched seconds, completed).
#[utoipa::path(operation_id = "getCourse", 
    tag = "training",
    params(("id" = i64, Path, description = "Course id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The course with its outline", body = Course),
        (status = 404, description = "No such course visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/courses/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Course>> {
    Ok(web::Json(courses::get_course(&state.db, &actor, id.into_inner()).await?))
}

/// Update a course
///
/// Fields, status (publish/archive), or the outline (`modules`, refused once teachers enrolled).
#[utoipa::path(operation_id = "updateCourse", 
    tag = "training",
    params(("id" = i64, Path, description = "Course id")),
    request_body = CoursePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Course),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage training", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Outline locked by enrolments", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/courses/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<CoursePatch>,
) -> ApiResult<web::Json<Course>> {
    Ok(web::Json(
        courses::update_course(&state.db, state.clock.now(), &actor, id.into_inner(), body.into_inner())
            .await?,
    ))
}

/// Update a lesson
///
/// Its title, media URL or text, also once teachers have enrolled (its length, hours and place
/// in the outline change only with the whole outline, `PATCH /courses/{id}`, before anyone
/// enrols). Answers the course with its outline.
#[utoipa::path(operation_id = "updateLesson",
    tag = "training",
    params(("id" = i64, Path, description = "Lesson id")),
    request_body = LessonPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated; the lesson's course", body = Course),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage training", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/lessons/{id}")]
pub async fn update_lesson(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<LessonPatch>,
) -> ApiResult<web::Json<Course>> {
    Ok(web::Json(
        courses::update_lesson(&state.db, state.clock.now(), &actor, id.into_inner(), body.into_inner())
            .await?,
    ))
}

/// Enrol in a course
///
/// The calling teacher enrols in a published course open to them; enrolling twice is a no-op.
#[utoipa::path(operation_id = "enrollInCourse", 
    tag = "training",
    params(("id" = i64, Path, description = "Course id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Enrolled", body = EnrollmentView),
        (status = 403, description = "Only teachers enrol", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course open to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/courses/{id}/enrollments")]
pub async fn enroll(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let enrolled = courses::enroll(&state.db, state.clock.now(), &actor, id.into_inner()).await?;
    Ok(HttpResponse::Created().json(enrolled))
}

/// My enrolments
///
/// With progress percent and the resume point.
#[utoipa::path(operation_id = "listMyEnrollments", 
    tag = "training",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of enrolments", body = PageOf<EnrollmentView>),
        (status = 403, description = "Only teachers have enrolments", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/enrollments")]
pub async fn my_enrollments(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<EnrollmentView>>> {
    Ok(web::Json(courses::my_enrollments(&state.db, &actor, page.request()?).await?.into()))
}

/// The home screen: training figures, "N of 3 research events this year", and the next
/// qualification level with what it still needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct HomeScreen {
    #[serde(flatten)]
    pub training: Dashboard,
    pub research: ResearchProgress,
    /// The lowest level not held yet; `null` when all are held or no rule set is in force.
    pub next_level: Option<certification::LevelProgress>,
}

/// My dashboard
///
/// The mobile home screen: this year's online and offline hours, courses in progress with
/// their resume point, upcoming offline sessions, research events attended against the
/// three-a-year rule, and progress towards the next qualification level.
#[utoipa::path(operation_id = "getMyDashboard", 
    tag = "training",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The dashboard", body = HomeScreen),
        (status = 403, description = "Only teachers have a dashboard", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/dashboard")]
pub async fn dashboard(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<web::Json<HomeScreen>> {
    let now = state.clock.now();
    let training = courses::dashboard(&state.db, now, &actor).await?;
    let teacher_id = actor.teacher()?;
    let year = kernel::china_year(now);
    let research =
        research::research_progress(&state.db, teacher_id, year, state.settings.research_events_per_year)
            .await?;
    let next_level = certification::next_level(&state.db, now, teacher_id).await?;
    Ok(web::Json(HomeScreen { training, research, next_level }))
}
