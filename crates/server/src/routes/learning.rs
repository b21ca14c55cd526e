use actix_web::{HttpResponse, post, web};
use courses::{HeartbeatInput, ProgressReport};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::state::AppState;

/// Body of `POST /lessons/{id}/progress`: heartbeats in seq order (a queue sent late is fine).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressRequest {
    #[schema(max_items = 500)]
    pub heartbeats: Vec<HeartbeatInput>,
}

/// Body of a presence-check answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengeAnswer {
    #[schema(example = "12", max_length = 20)]
    pub answer: String,
}

/// Report learning progress
///
/// Credits only real viewing: unseen seqs, time that really passed (server clock), position
/// that really advanced, never across an idle gap, never a seek, never two lessons at once.
/// The answer tells the player what was credited, where to resume and whether the lesson (and
/// course) completed; it may carry a presence check to answer within a minute.
#[utoipa::path(operation_id = "recordLessonProgress", 
    tag = "training",
    params(("id" = i64, Path, description = "Lesson id")),
    request_body = ProgressRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Progress after this batch", body = ProgressReport),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only teachers report progress", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lesson", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not enrolled in the lesson's course", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad batch (seq order, positions, size)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/lessons/{id}/progress")]
pub async fn progress(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<ProgressRequest>,
) -> ApiResult<web::Json<ProgressReport>> {
    let batch = courses::check_progress(
        &state.db,
        state.clock.now(),
        &actor,
        id.into_inner(),
        body.into_inner().heartbeats,
    )
    .await?;
    Ok(web::Json(state.progress.submit(batch.teacher_id, batch).await?))
}

/// Answer a presence check
///
/// A right answer resumes crediting.
#[utoipa::path(operation_id = "answerPresenceChallenge", 
    tag = "training",
    params(("id" = i64, Path, description = "Challenge id")),
    request_body = ChallengeAnswer,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Answered"),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only teachers answer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge of the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/presence-challenges/{id}/answer")]
pub async fn answer(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<ChallengeAnswer>,
) -> ApiResult<HttpResponse> {
    courses::answer_challenge(&state.db, state.clock.now(), &actor, id.into_inner(), &body.answer).await?;
    Ok(HttpResponse::NoContent().finish())
}
