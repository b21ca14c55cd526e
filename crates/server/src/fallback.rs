//! Makes every non-JSON error response problem+json, including those actix produces itself (unknown
//! route, wrong method, oversized raw body), so clients parse one error shape.

use actix_web::ResponseError;
use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use kernel::Text;

use crate::error::ApiError;

/// The middleware; wrap it inside the language middleware so text is localised.
pub fn problem_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(to_problem)
}

fn to_problem<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // JSON bodies (problems, and deliberate ones such as a 503 health report) and our pages
    // (the verification pages' "not found") are already ours.
    let is_ours = res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.starts_with("application/problem+json")
            || v.starts_with("application/json")
            || v.starts_with("text/html")
    });
    if is_ours {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => ("not_found", Text::fixed("资源不存在", "not found")),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", Text::fixed("不支持该请求方法", "method not allowed"))
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("payload_too_large", Text::fixed("请求体过大", "the body is too large"))
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", Text::fixed("不支持的请求体类型", "unsupported content type"))
        }
        s if s.is_server_error() => (
            "internal_error",
            Text::fixed("服务器内部错误，请稍后再试", "internal error; please try again later"),
        ),
        _ => ("bad_request", Text::fixed("请求无效", "bad request")),
    };
    let problem = ApiError::request(status, code, detail).error_response();
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, problem).map_into_right_body()))
}
