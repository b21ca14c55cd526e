use actix_web::{HttpResponse, get, web};
use credit::{Transcript, TranscriptVerification};
use kernel::{FieldError, Text};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::lang;
use crate::render;
use crate::state::AppState;

/// The format of a transcript.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TranscriptQuery {
    /// `json` (default), `csv` or `html` (print-ready A4 with a QR code).
    #[param(example = "html")]
    pub format: Option<String>,
}

/// A teacher's transcript
///
/// The 学时证明 an HR office files: identity, school, every counted entry, totals,
/// certificates, generated-at and a verification code (with its public URL). For the teacher
/// or staff in scope (audited).
#[utoipa::path(operation_id = "getTeacherTranscript", 
    tag = "credits",
    params(("id" = i64, Path, description = "Teacher id"), TranscriptQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The transcript (JSON; or CSV / HTML by `format`)", content((Transcript = "application/json"), (String = "text/csv"), (String = "text/html"))),
        (status = 403, description = "Role may not read credits", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/teachers/{id}/transcript")]
pub async fn transcript(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    query: web::Query<TranscriptQuery>,
) -> ApiResult<HttpResponse> {
    respond(&state, &actor, id.into_inner(), query.into_inner()).await
}

/// My transcript
///
/// The caller's own 学时证明, as a teacher's transcript: JSON, CSV or the print page.
#[utoipa::path(operation_id = "getMyTranscript",
    tag = "me",
    params(TranscriptQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The transcript (JSON; or CSV / HTML by `format`)", content((Transcript = "application/json"), (String = "text/csv"), (String = "text/html"))),
        (status = 403, description = "Only teachers have transcripts", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/transcript")]
pub async fn my_transcript(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<TranscriptQuery>,
) -> ApiResult<HttpResponse> {
    let teacher_id = actor.teacher()?;
    respond(&state, &actor, teacher_id, query.into_inner()).await
}

async fn respond(
    state: &AppState,
    actor: &kernel::Actor,
    teacher_id: i64,
    query: TranscriptQuery,
) -> ApiResult<HttpResponse> {
    let format = query.format.unwrap_or_else(|| "json".to_owned());
    if !["json", "csv", "html"].contains(&format.as_str()) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "format",
            "invalid_value",
            Text::fixed("格式须为 json、csv 或 html", "format is json, csv or html"),
        )]));
    }
    let now = state.clock.now();
    let settings = &state.settings;
    let found =
        credit::transcript(&state.db, now, &settings.credit, actor, teacher_id, &settings.public_url).await?;
    let english = lang::english();
    Ok(match format.as_str() {
        "csv" => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(render::transcript_csv(&found, english)?),
        "html" => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(render::transcript_html(&found, english)?),
        _ => HttpResponse::Ok().json(found),
    })
}

/// Verify a transcript (public)
///
/// Confirms a transcript's verification code and the totals it showed, and says whether the
/// ledger changed since. No login; names are masked.
#[utoipa::path(operation_id = "verifyTranscript", 
    tag = "verify",
    params(("code" = String, Path, description = "Verification code printed on the transcript")),
    responses(
        (status = 200, description = "The code is genuine", body = TranscriptVerification),
        (status = 404, description = "No transcript has this code", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/verify/transcripts/{code}")]
pub async fn verify(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> ApiResult<web::Json<TranscriptVerification>> {
    Ok(web::Json(credit::verify_transcript(&state.db, &code).await?))
}

/// Transcript verification page (public)
///
/// What a transcript's QR code opens: the totals it showed and whether the ledger changed
/// since, as a page for people; an unknown code is a page saying it may be forged.
#[utoipa::path(operation_id = "getTranscriptVerifyPage",
    tag = "verify",
    params(("code" = String, Path, description = "Verification code printed on the transcript")),
    responses(
        (status = 200, description = "HTML page", content_type = "text/html", body = String),
        (status = 404, description = "No transcript has this code: a page saying it may be forged or mistyped", content_type = "text/html", body = String),
    )
)]
#[get("/verify/transcripts/{code}")]
pub async fn verify_page(state: web::Data<AppState>, code: web::Path<String>) -> ApiResult<HttpResponse> {
    let english = lang::english();
    match credit::verify_transcript(&state.db, &code).await {
        Ok(found) => Ok(crate::verify_pages::transcript(&found, english)),
        Err(kernel::Error::NotFound) => Ok(crate::verify_pages::not_found("学时证明", "transcript", english)),
        Err(other) => Err(other.into()),
    }
}
