use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, put, web};
use certification::ExamToSit;
use exams::{
    AttemptView, Exam, ExamPatch, GradingTask, NewExam, PaperCheck, Regrade, ScoreChange, TaskFilter,
    TaskScore,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;
use kernel::FieldError;

/// Body of `PUT /attempts/{id}/answers/{question_id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// A key, a list of keys, a boolean or text.
    #[schema(value_type = serde_json::Value, example = json!("A"))]
    pub answer: Value,
}

/// How many attempts a release published.
#[derive(Debug, Serialize, ToSchema)]
pub struct Released {
    #[schema(example = 36)]
    pub released: u64,
}

/// Filters of the grading queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    #[param(example = 2)]
    pub exam_id: Option<i64>,
    /// `open` (including expired claims), `claimed` or `done`.
    #[param(example = "open")]
    pub status: Option<String>,
}

/// List exams
///
/// Staff see their subtree's; teachers the exams open to their school.
#[utoipa::path(operation_id = "listExams", 
    tag = "exams",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of exams", body = PageOf<Exam>),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/exams")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Exam>>> {
    Ok(web::Json(exams::list_exams(&state.db, &actor, page.request()?).await?.into()))
}

/// Create an exam
///
/// A paper that cannot be drawn (a section asks for more questions than the banks hold) is a
/// 422 naming the section.
#[utoipa::path(operation_id = "createExam", 
    tag = "exams",
    request_body = NewExam,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Exam),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or undrawable paper", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/exams")]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewExam>,
) -> ApiResult<HttpResponse> {
    let exam = exams::create_exam(&state.db, state.clock.now(), &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(exam))
}

/// Check a paper without saving it
///
/// The dry run of `POST /exams`: the same checks (settings, banks in scope, points a rubric can
/// reach, every section drawable after the ones before it) and nothing written. 200 with how
/// many questions each section may draw from, or the 422 the create would answer, naming the
/// section at fault.
#[utoipa::path(operation_id = "checkExam",
    tag = "exams",
    request_body = NewExam,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The paper can be created as it stands", body = PaperCheck),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or undrawable paper", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/exams/check")]
pub async fn check(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewExam>,
) -> ApiResult<web::Json<PaperCheck>> {
    Ok(web::Json(exams::check_exam(&state.db, &actor, &body.into_inner()).await?))
}

/// Get an exam
#[utoipa::path(operation_id = "getExam", 
    tag = "exams",
    params(("id" = i64, Path, description = "Exam id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The exam", body = Exam),
        (status = 404, description = "No such exam visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/exams/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Exam>> {
    Ok(web::Json(exams::get_exam(&state.db, &actor, id.into_inner()).await?))
}

/// Update an exam
#[utoipa::path(operation_id = "updateExam", 
    tag = "exams",
    params(("id" = i64, Path, description = "Exam id")),
    request_body = ExamPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Exam),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such exam in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or undrawable paper", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/exams/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<ExamPatch>,
) -> ApiResult<web::Json<Exam>> {
    Ok(web::Json(exams::update_exam(&state.db, &actor, id.into_inner(), body.into_inner()).await?))
}

/// Release results
///
/// Publishes every graded attempt of an exam whose results wait for a trainer; passes post to
/// the ledger.
#[utoipa::path(operation_id = "releaseExamResults", 
    tag = "exams",
    params(("id" = i64, Path, description = "Exam id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Released", body = Released),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such exam in the caller's scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/exams/{id}/release")]
pub async fn release(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Released>> {
    let released =
        exams::release_exam(&state.db, &state.ledger, state.clock.now(), &actor, id.into_inner()).await?;
    Ok(web::Json(Released { released }))
}

/// Start an attempt
///
/// Draws and freezes a paper (question and option order per attempt) with a server deadline;
/// repeating the call while the attempt is in progress returns it (200).
#[utoipa::path(operation_id = "startAttempt", 
    tag = "exams",
    params(("id" = i64, Path, description = "Exam id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Started", body = AttemptView),
        (status = 200, description = "The attempt already in progress", body = AttemptView),
        (status = 403, description = "Only teachers sit exams (`forbidden`); a level exam the rule set in force does not yet allow the teacher to sit (`not_eligible`, naming what is missing)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such exam open to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Outside the window, or no attempts left", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/exams/{id}/attempts")]
pub async fn start(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let (started, created) =
        certification::sit_exam(&state.db, &state.ledger, state.clock.now(), &actor, id.into_inner())
            .await?
            .map_err(not_eligible)?;
    Ok(if created { HttpResponse::Created().json(started) } else { HttpResponse::Ok().json(started) })
}

/// A 403 `not_eligible` naming each thing missing (field `prerequisite` or `eligibility`).
fn not_eligible(refusal: certification::NotEligible) -> ApiError {
    let errors = refusal
        .missing
        .iter()
        .map(|m| {
            let one = certification::NotEligible { missing: vec![m.clone()] };
            FieldError::new(m.kind.as_str(), "not_eligible", one.detail())
        })
        .collect();
    ApiError::Request {
        status: StatusCode::FORBIDDEN,
        code: "not_eligible",
        detail: refusal.detail(),
        errors,
    }
}

/// List the exams I may sit
///
/// The exams open to the signed-in teacher, each with `may_sit` and, when the rule set in force
/// does not yet allow it, what is `missing` (the level below, an eligible role).
#[utoipa::path(operation_id = "listMyExams",
    tag = "exams",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of exams with eligibility", body = PageOf<ExamToSit>),
        (status = 403, description = "Only teachers sit exams", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/exams")]
pub async fn mine(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<ExamToSit>>> {
    Ok(web::Json(
        certification::my_exams(&state.db, state.clock.now(), &actor, page.request()?).await?.into(),
    ))
}

/// Get an attempt
///
/// Resumes on any device: the paper, saved answers and remaining time; the result once
/// released. Never the answer key before release.
#[utoipa::path(operation_id = "getAttempt", 
    tag = "exams",
    params(("id" = i64, Path, description = "Attempt id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The attempt", body = AttemptView),
        (status = 403, description = "Role may not see attempts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attempt of the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attempts/{id}")]
pub async fn get_attempt(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<AttemptView>> {
    Ok(web::Json(
        exams::get_attempt(&state.db, &state.ledger, state.clock.now(), &actor, id.into_inner()).await?,
    ))
}

/// Save an answer
///
/// Autosave; idempotent, last write wins; refused after submission or the deadline.
#[utoipa::path(operation_id = "saveAnswer", 
    tag = "exams",
    params(("id" = i64, Path, description = "Attempt id"), ("question_id" = i64, Path, description = "Question id")),
    request_body = AnswerBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = AttemptView),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the candidate", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attempt or question", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted or past the deadline", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Answer does not fit the question", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/attempts/{id}/answers/{question_id}")]
pub async fn answer(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    path: web::Path<(i64, i64)>,
    body: Json<AnswerBody>,
) -> ApiResult<web::Json<AttemptView>> {
    Ok(web::Json(
        exams::save_answer(
            &state.db,
            &state.answers,
            &state.ledger,
            state.clock.now(),
            &actor,
            path.into_inner(),
            body.into_inner().answer,
        )
        .await?,
    ))
}

/// Submit an attempt
///
/// Freezes it; objective questions grade at once, the rest go to the grading queue.
#[utoipa::path(operation_id = "submitAttempt", 
    tag = "exams",
    params(("id" = i64, Path, description = "Attempt id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Submitted", body = AttemptView),
        (status = 403, description = "Not the candidate", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attempt", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attempts/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<AttemptView>> {
    Ok(web::Json(
        exams::submit_attempt(&state.db, &state.ledger, state.clock.now(), &actor, id.into_inner()).await?,
    ))
}

/// Regrade a question
///
/// Changes one question's score with a reason; total, pass and the ledger follow; audited.
#[utoipa::path(operation_id = "regradeAttempt", 
    tag = "exams",
    params(("id" = i64, Path, description = "Attempt id")),
    request_body = Regrade,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Regraded", body = AttemptView),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not grade", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attempt in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not graded yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad score or missing reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attempts/{id}/regrade")]
pub async fn regrade(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<Regrade>,
) -> ApiResult<web::Json<AttemptView>> {
    Ok(web::Json(
        exams::regrade(
            &state.db,
            &state.ledger,
            state.clock.now(),
            &actor,
            id.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Score history of an attempt
///
/// Who changed which score, when, from what to what, and why.
#[utoipa::path(operation_id = "listAttemptAudit", 
    tag = "exams",
    params(("id" = i64, Path, description = "Attempt id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The audit trail, oldest change first", body = PageOf<ScoreChange>),
        (status = 403, description = "Role may not grade", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attempt in the caller's scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attempts/{id}/audit")]
pub async fn audit(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<ScoreChange>>> {
    let now = state.clock.now();
    Ok(web::Json(
        exams::attempt_audit(&state.db, &state.ledger, now, &actor, id.into_inner(), page.request()?)
            .await?
            .into(),
    ))
}

/// Grading queue
///
/// Blind: tasks show the question, rubric and answer, never the candidate.
#[utoipa::path(operation_id = "listGradingTasks", 
    tag = "exams",
    params(TaskQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of tasks", body = PageOf<GradingTask>),
        (status = 403, description = "Role may not grade", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/grading/tasks")]
pub async fn tasks(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<TaskQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<GradingTask>>> {
    let q = query.into_inner();
    let filter = TaskFilter { exam_id: q.exam_id, status: q.status };
    Ok(web::Json(
        exams::list_tasks(&state.db, &state.ledger, state.clock.now(), &actor, filter, page.request()?)
            .await?
            .into(),
    ))
}

/// Claim a grading task
///
/// Locks it for the caller for 30 minutes; an abandoned claim returns to the queue.
#[utoipa::path(operation_id = "claimGradingTask", 
    tag = "exams",
    params(("id" = i64, Path, description = "Task id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Claimed", body = GradingTask),
        (status = 403, description = "Role may not grade", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Claimed by someone else, done, or already marked by the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/grading/tasks/{id}/claim")]
pub async fn claim(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<GradingTask>> {
    Ok(web::Json(exams::claim_task(&state.db, state.clock.now(), &actor, id.into_inner()).await?))
}

/// Score a grading task
///
/// Points per rubric criterion and a comment, on a task the caller claimed.
#[utoipa::path(operation_id = "scoreGradingTask", 
    tag = "exams",
    params(("id" = i64, Path, description = "Task id")),
    request_body = TaskScore,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Scored", body = GradingTask),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not grade", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not claimed by the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Scores outside the rubric", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/grading/tasks/{id}/score")]
pub async fn score(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<TaskScore>,
) -> ApiResult<web::Json<GradingTask>> {
    Ok(web::Json(
        exams::score_task(
            &state.db,
            &state.ledger,
            state.clock.now(),
            &actor,
            id.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}
