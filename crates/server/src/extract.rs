//! Extractor failures (bad JSON, wrong content type, oversized bodies, bad query or path values)
//! answered as problem+json like every other error, instead of actix's plain-text 400s.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::web;
use kernel::{FieldError, Text};

use crate::error::ApiError;

/// Largest JSON body accepted; imports have their own, larger limit.
pub const JSON_LIMIT: usize = 1024 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(JSON_LIMIT).error_handler(|err, _req| json_error(err).into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| query_error(err).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| path_error(err).into())
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::ContentType => ApiError::request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Text::fixed("请求体须为 application/json", "the body must be application/json"),
        ),
        JsonPayloadError::Overflow { limit } | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::request(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                Text::owned(
                    format!("请求体超过 {limit} 字节上限"),
                    format!("the body exceeds the limit of {limit} bytes"),
                ),
            )
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            let message = e.to_string();
            ApiError::invalid(vec![FieldError::new(
                field_named_in(&message).unwrap_or_else(|| "body".to_owned()),
                "invalid_value",
                Text::owned(format!("字段取值或类型不正确：{message}"), message.clone()),
            )])
        }
        other => ApiError::request(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            Text::owned(
                format!("请求体不是合法的 JSON：{other}"),
                format!("the body is not valid JSON: {other}"),
            ),
        ),
    }
}

fn query_error(err: QueryPayloadError) -> ApiError {
    let message = err.to_string();
    ApiError::invalid(vec![FieldError::new(
        field_named_in(&message).unwrap_or_else(|| "query".to_owned()),
        "invalid_value",
        Text::owned(format!("查询参数不正确：{message}"), format!("invalid query parameter: {message}")),
    )])
}

fn path_error(err: PathError) -> ApiError {
    ApiError::request(
        StatusCode::NOT_FOUND,
        "not_found",
        Text::owned(format!("路径参数不正确：{err}"), format!("invalid path parameter: {err}")),
    )
}

/// The field serde names in messages such as "unknown field `foo`" or "missing field `bar`".
fn field_named_in(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(message[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::field_named_in;

    #[test]
    fn finds_the_field_serde_complains_about() {
        assert_eq!(field_named_in("unknown field `foo`, expected one of `a`").as_deref(), Some("foo"));
        assert_eq!(field_named_in("invalid type: string"), None);
    }
}
