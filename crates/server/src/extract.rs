//! The one layer that turns extractor failures into problem+json: a body that is not JSON is a
//! 400 (413 over the limit, 415 for another type); a JSON body, query or path value that does
//! not fit is a 422 naming every field at fault with its path (`levels[1].min_score`,
//! `query.category`, `path.id`), checked against the schema the contract publishes
//! (`contract.rs`, `invalid.rs`). Never parser text.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use kernel::{FieldError, Text};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::contract::{Contract, Part};
use crate::error::ApiError;

/// Largest JSON body accepted; imports have their own, larger limit.
pub const JSON_LIMIT: usize = 1024 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(JSON_LIMIT).error_handler(|err, _req| json_error(err).into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|_err, req| query_error(req).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err: PathError, req| path_error(req).into())
}

/// A JSON request body of type `T`. Read as JSON first (so malformed JSON is a 400), then typed;
/// when typing fails, every field at fault is reported at once.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let value = web::Json::<Value>::from_request(&req, payload);
        Box::pin(async move {
            let value = value.await?.into_inner();
            match serde_path_to_error::deserialize::<_, T>(&value) {
                Ok(typed) => Ok(Json(typed)),
                Err(error) => {
                    let at = error.path().to_string();
                    let mut errors = contract_errors(&req, Part::Body, &value);
                    if errors.is_empty() {
                        errors.push(unreadable(if at == "." { "body".to_owned() } else { at }));
                    }
                    Err(ApiError::invalid(errors).into())
                }
            }
        })
    }
}

fn contract_errors(req: &HttpRequest, part: Part, instance: &Value) -> Vec<FieldError> {
    req.app_data::<web::Data<Contract>>()
        .map(|contract| contract.field_errors(req, part, instance))
        .unwrap_or_default()
}

/// A field whose value the schema allows but the server could not read (a decimal that is not
/// a number, a date that does not exist).
fn unreadable(field: String) -> FieldError {
    FieldError::new(
        field,
        "invalid_value",
        Text::fixed("取值不正确，请按文档填写", "invalid value; see the API docs"),
    )
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
        _ => ApiError::request(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            Text::fixed(
                "请求体不是合法的 JSON，请检查引号、逗号和括号",
                "the body is not valid JSON; check quotes, commas and brackets",
            ),
        ),
    }
}

/// The query or path parameters as the JSON their schemas describe: `page=2` as the number 2,
/// `all=true` as a boolean, anything unreadable left as text for the schema to name.
fn typed_parameters(req: &HttpRequest, part: Part, raw: Vec<(String, String)>) -> Value {
    let schemas = req
        .app_data::<web::Data<Contract>>()
        .map(|contract| contract.parameter_schemas(req, part))
        .unwrap_or_default();
    let mut object = Map::new();
    for (name, text) in raw {
        let schema = schemas.iter().find(|(n, _)| *n == name).map(|(_, s)| s);
        let types: Vec<&str> = schema
            .map(|s| match &s["type"] {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default();
        let value = if types.contains(&"integer") {
            text.parse::<i64>().map(Value::from).unwrap_or(Value::String(text))
        } else if types.contains(&"number") {
            text.parse::<f64>()
                .ok()
                .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
                .unwrap_or(Value::String(text))
        } else if types.contains(&"boolean") {
            text.parse::<bool>().map(Value::Bool).unwrap_or(Value::String(text))
        } else {
            Value::String(text)
        };
        object.insert(name, value);
    }
    Value::Object(object)
}

fn query_error(req: &HttpRequest) -> ApiError {
    let raw: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let instance = typed_parameters(req, Part::Query, raw);
    let mut errors = contract_errors(req, Part::Query, &instance);
    if errors.is_empty() {
        errors.push(unreadable("query".to_owned()));
    }
    ApiError::invalid(errors)
}

fn path_error(req: &HttpRequest) -> ApiError {
    let raw = req.match_info().iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect();
    let instance = typed_parameters(req, Part::Path, raw);
    let mut errors = contract_errors(req, Part::Path, &instance);
    if errors.is_empty() {
        errors.push(unreadable("path".to_owned()));
    }
    ApiError::invalid(errors)
}
