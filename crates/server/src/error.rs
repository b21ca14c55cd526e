//! The one place where failures become HTTP: every error is `application/problem+json` with a
//! stable `code`; 5xx bodies say nothing internal and the cause is logged once, here.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use kernel::{Error, FieldError, Text};
use serde::Serialize;
use utoipa::ToSchema;

use crate::lang;

/// RFC 9457 problem details, plus our stable `code` and per-field errors.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://qualify.example/problems/validation_failed",
    "title": "Unprocessable Entity",
    "status": 422,
    "code": "validation_failed",
    "detail": "输入有误，请按字段提示修改",
    "errors": [{"field": "phone", "code": "invalid_phone", "message": "手机号须为 11 位数字，以 13–19 开头"}]
}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable reason, e.g. `validation_failed`, `not_found`, `conflict`.
    pub code: String,
    /// A sentence for people, zh-CN by default, English with `Accept-Language: en`.
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
}

/// One field at fault in a 422.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    #[schema(example = "phone")]
    pub field: String,
    /// For bulk uploads, the spreadsheet line (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 14)]
    pub row: Option<u64>,
    #[schema(example = "invalid_phone")]
    pub code: String,
    pub message: String,
}

/// Every error a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Domain(#[from] Error),
    /// A request the HTTP layer refused before any domain saw it (bad JSON, wrong type, size).
    #[error("{code}: {}", detail.en)]
    Request { status: StatusCode, code: &'static str, detail: Text, errors: Vec<FieldError> },
}

impl ApiError {
    pub fn request(status: StatusCode, code: &'static str, detail: Text) -> Self {
        Self::Request { status, code, detail, errors: Vec::new() }
    }

    /// A 422 naming the fields at fault.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self::Domain(Error::Invalid(errors))
    }

    fn parts(&self) -> (StatusCode, &'static str, Text, &[FieldError]) {
        match self {
            ApiError::Request { status, code, detail, errors } => (*status, code, detail.clone(), errors),
            ApiError::Domain(error) => match error {
                Error::NotFound => {
                    (StatusCode::NOT_FOUND, "not_found", Text::fixed("资源不存在", "not found"), &[])
                }
                Error::Invalid(errors) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    Text::fixed(
                        "输入有误，请按字段提示修改",
                        "the input is invalid; see errors for each field",
                    ),
                    errors,
                ),
                Error::Conflict { code, detail } => (StatusCode::CONFLICT, code, detail.clone(), &[]),
                Error::Unauthorized { code, detail } => (StatusCode::UNAUTHORIZED, code, detail.clone(), &[]),
                Error::Forbidden => (
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    Text::fixed("当前角色无权执行此操作", "your role may not do this"),
                    &[],
                ),
                Error::RateLimited { retry_after_secs } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    Text::owned(
                        format!("尝试次数过多，请 {} 分钟后再试", retry_after_secs.div_ceil(60)),
                        format!("too many attempts; try again in {} minutes", retry_after_secs.div_ceil(60)),
                    ),
                    &[],
                ),
                Error::Db(sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_)) => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    Text::fixed("数据库暂时不可用，请稍后重试", "the database is unavailable; retry shortly"),
                    &[],
                ),
                Error::Db(_) | Error::Unexpected(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    Text::fixed("服务器内部错误，请稍后再试", "internal error; please try again later"),
                    &[],
                ),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code, detail, errors) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %error_chain(self), "request failed");
        }
        let english = lang::english();
        let problem = Problem {
            kind: format!("https://qualify.example/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            code: code.to_owned(),
            detail: detail.pick(english).to_owned(),
            errors: (!errors.is_empty()).then(|| {
                errors
                    .iter()
                    .map(|e| ProblemField {
                        field: e.field.clone(),
                        row: e.row,
                        code: e.code.to_owned(),
                        message: e.message.pick(english).to_owned(),
                    })
                    .collect()
            }),
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json")));
        if let ApiError::Domain(Error::RateLimited { retry_after_secs }) = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if code == "report_database_unavailable" {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("30")));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        response.json(problem)
    }
}

/// The whole cause chain on one line, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The result type of handlers.
pub type ApiResult<T> = Result<T, ApiError>;
