use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use exams::{
    Bank, ImportFormat, NewBank, NewQuestion, Question, QuestionFilter, QuestionImport, QuestionKind,
    QuestionPatch,
};
use kernel::Level;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// Filters of a bank's questions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionQuery {
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<QuestionKind>,
    #[param(example = "危机干预")]
    pub tag: Option<String>,
    pub level: Option<Level>,
}

/// List question banks
#[utoipa::path(operation_id = "listQuestionBanks", 
    tag = "exams",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of banks", body = PageOf<Bank>),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/question-banks")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Bank>>> {
    Ok(web::Json(exams::list_banks(&state.db, &actor, page.request()?).await?.into()))
}

/// Create a question bank
#[utoipa::path(operation_id = "createQuestionBank", 
    tag = "exams",
    request_body = NewBank,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Bank),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/question-banks")]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewBank>,
) -> ApiResult<HttpResponse> {
    let bank = exams::create_bank(&state.db, state.clock.now(), &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(bank))
}

/// List a bank's questions
///
/// With their answer keys: staff only.
#[utoipa::path(operation_id = "listBankQuestions", 
    tag = "exams",
    params(("id" = i64, Path, description = "Bank id"), QuestionQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of questions", body = PageOf<Question>),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such bank in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/question-banks/{id}/questions")]
pub async fn questions(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    query: web::Query<QuestionQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Question>>> {
    let q = query.into_inner();
    let filter = QuestionFilter { kind: q.kind, tag: q.tag, level: q.level };
    Ok(web::Json(
        exams::list_questions(&state.db, &actor, id.into_inner(), filter, page.request()?).await?.into(),
    ))
}

/// Add a question
#[utoipa::path(operation_id = "addQuestion", 
    tag = "exams",
    params(("id" = i64, Path, description = "Bank id")),
    request_body = NewQuestion,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Question),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such bank in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/question-banks/{id}/questions")]
pub async fn add_question(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<NewQuestion>,
) -> ApiResult<HttpResponse> {
    let question =
        exams::create_question(&state.db, state.clock.now(), &actor, id.into_inner(), body.into_inner())
            .await?;
    Ok(HttpResponse::Created().json(question))
}

/// Change a question
///
/// Attempts keep the copy they drew, so a change never alters a finished or running attempt;
/// `version` counts the changes.
#[utoipa::path(operation_id = "updateQuestion", 
    tag = "exams",
    params(("id" = i64, Path, description = "Question id")),
    request_body = QuestionPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Question),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such question in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/questions/{id}")]
pub async fn update_question(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<QuestionPatch>,
) -> ApiResult<web::Json<Question>> {
    Ok(web::Json(
        exams::update_question(&state.db, state.clock.now(), &actor, id.into_inner(), body.into_inner())
            .await?,
    ))
}

/// Import questions
///
/// `text/csv` (columns `type,stem,options,answer,points,tags,level,difficulty,explanation,rubric,partial_credit`;
/// options `A=text|B=text`, lists separated by `|`, rubric `criterion:points|…`) or
/// `application/json` (an array of question objects). All-or-nothing; the 422 lists every bad
/// row (CSV line, header = 1; JSON item from 1), column and reason.
#[utoipa::path(operation_id = "importQuestions", 
    tag = "exams",
    params(("id" = i64, Path, description = "Bank id")),
    request_body(content = String, content_type = "text/csv",
        example = "type,stem,options,answer,points,tags,level,difficulty,explanation,rubric,partial_credit\nsingle_choice,学生倾诉时首先应该？,A=倾听|B=批评,A,2,沟通,c,2,先倾听,,\n"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Imported", body = QuestionImport),
        (status = 403, description = "Role may not manage exams", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such bank in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "File too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows, each listed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/question-banks/{id}/import")]
pub async fn import(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    request: HttpRequest,
    id: web::Path<i64>,
    body: web::Bytes,
) -> ApiResult<web::Json<QuestionImport>> {
    let json = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let format = if json { ImportFormat::Json } else { ImportFormat::Csv };
    Ok(web::Json(
        exams::import_questions(&state.db, state.clock.now(), &actor, id.into_inner(), format, &body).await?,
    ))
}
