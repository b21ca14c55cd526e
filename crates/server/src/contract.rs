//! The published contract as the server holds itself to it at run time, for what the router
//! cannot tell: which methods a path allows (a wrong method is 405 with `Allow`, not 404), and
//! which query parameters an operation takes (an unknown one is a 422 naming it, as an unknown
//! body field is). Built once from the same document `api-spec/openapi.json` is.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use kernel::{FieldError, Text};
use serde_json::{Value, json};
use utoipa::openapi::OpenApi as Document;

use crate::error::ApiError;
use crate::invalid;
use crate::web_app::WebApp;

/// Where an input comes from, for the schema it is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Body,
    Query,
    Path,
}

/// One operation's inputs as the document describes them.
#[derive(Debug, Default)]
struct Operation {
    /// The JSON request body's schema.
    body: Option<Value>,
    /// Query and path parameters: name and schema.
    query: Vec<(String, Value)>,
    path: Vec<(String, Value)>,
}

/// One path template of the document (`/api/v1/sessions/{id}`) and its operations.
#[derive(Debug)]
struct Route {
    template: String,
    /// `None` for a `{parameter}` segment.
    segments: Vec<Option<String>>,
    operations: HashMap<Method, Operation>,
}

impl Route {
    fn matches(&self, path: &[&str]) -> bool {
        self.segments.len() == path.len()
            && self.segments.iter().zip(path).all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
    }

    /// How many segments are literal: `/teachers/import` beats `/teachers/{id}`.
    fn literals(&self) -> usize {
        self.segments.iter().filter(|s| s.is_some()).count()
    }
}

type ValidatorKey = (Method, String, Part);

/// Every operation of the document, and the validators of its inputs, compiled the first time
/// an input fails (errors are rare; compiling all of them would slow every start).
#[derive(Debug)]
pub struct Contract {
    routes: Vec<Route>,
    components: Value,
    validators: Mutex<HashMap<ValidatorKey, Arc<jsonschema::Validator>>>,
}

impl Contract {
    pub fn new(document: &Document) -> Self {
        let document = serde_json::to_value(document).unwrap_or_default();
        let routes = document["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(template, item)| {
                let segments = split(template)
                    .into_iter()
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect();
                let operations = [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE]
                    .into_iter()
                    .filter_map(|method| {
                        let operation = item.get(method.as_str().to_ascii_lowercase())?;
                        Some((method, operation_of(operation)))
                    })
                    .collect();
                Route { template: template.clone(), segments, operations }
            })
            .collect();
        let components = json!({"schemas": document["components"]["schemas"].clone()});
        Self { routes, components, validators: Mutex::new(HashMap::new()) }
    }

    /// The methods the document gives a concrete path, over every template it matches.
    fn allowed(&self, path: &str) -> BTreeSet<&str> {
        let path = split(path);
        self.routes
            .iter()
            .filter(|route| route.matches(&path))
            .flat_map(|route| route.operations.keys().map(Method::as_str))
            .collect()
    }

    /// The route and operation a request is for, if the document has it.
    fn operation(&self, method: &Method, path: &str) -> Option<(&Route, &Operation)> {
        let path = split(path);
        self.routes
            .iter()
            .filter(|route| route.matches(&path))
            .filter_map(|route| Some((route, route.operations.get(method)?)))
            .max_by_key(|(route, _)| route.literals())
    }

    /// Every field of a refused input at fault, by the schema the document gives it; empty
    /// when the document does not describe the input or finds nothing wrong.
    pub fn field_errors(&self, req: &HttpRequest, part: Part, instance: &Value) -> Vec<FieldError> {
        let Some(validator) = self.validator(req.method(), req.path(), part) else { return Vec::new() };
        let prefix = match part {
            Part::Body => "",
            Part::Query => "query",
            Part::Path => "path",
        };
        invalid::field_errors(&validator, instance, prefix)
    }

    /// The schema of a request's query or path parameters, to type their raw text by.
    pub fn parameter_schemas(&self, req: &HttpRequest, part: Part) -> Vec<(String, Value)> {
        self.operation(req.method(), req.path())
            .map(
                |(_, operation)| {
                    if part == Part::Path { operation.path.clone() } else { operation.query.clone() }
                },
            )
            .unwrap_or_default()
    }

    fn validator(&self, method: &Method, path: &str, part: Part) -> Option<Arc<jsonschema::Validator>> {
        let (route, operation) = self.operation(method, path)?;
        let key = (method.clone(), route.template.clone(), part);
        let mut cache = self.validators.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = cache.get(&key) {
            return Some(found.clone());
        }
        let schema = match part {
            Part::Body => operation.body.clone()?,
            Part::Query => object_of(&operation.query),
            Part::Path => object_of(&operation.path),
        };
        let mut root = json!({"allOf": [schema]});
        root["components"] = self.components.clone();
        let validator = jsonschema::options().should_validate_formats(true).build(&root).ok()?;
        let validator = Arc::new(validator);
        cache.insert(key, validator.clone());
        Some(validator)
    }
}

fn operation_of(operation: &Value) -> Operation {
    let parameters = |place: &str| {
        operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == place)
            .filter_map(|p| Some((p["name"].as_str()?.to_owned(), p["schema"].clone())))
            .collect()
    };
    let body = operation["requestBody"]["content"]["application/json"]["schema"].clone();
    Operation {
        body: (!body.is_null()).then_some(body),
        query: parameters("query"),
        path: parameters("path"),
    }
}

/// An object schema of named parameters (their presence is the router's and serde's business).
fn object_of(parameters: &[(String, Value)]) -> Value {
    let properties: serde_json::Map<String, Value> = parameters.iter().cloned().collect();
    json!({"type": "object", "properties": properties})
}

fn split(path: &str) -> Vec<&str> {
    path.trim_matches('/').split('/').collect()
}

/// Refuses query parameters the operation does not document, naming each (`query.number`):
/// otherwise `/certificates?numbr=…` silently answers every certificate.
pub async fn strict_query(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let unknown: Vec<String> = match (req.app_data::<web::Data<Contract>>(), req.query_string()) {
        (Some(contract), query) if !query.is_empty() && req.path().starts_with("/api/") => {
            match contract.operation(req.method(), req.path()) {
                Some((_, operation)) => form_keys(query)
                    .into_iter()
                    .filter(|key| !operation.query.iter().any(|(name, _)| name == key))
                    .collect(),
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    if unknown.is_empty() {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let errors = unknown
        .into_iter()
        .map(|key| {
            FieldError::new(
                format!("query.{key}"),
                "unknown_parameter",
                Text::owned(
                    format!("不支持查询参数 {key}，请删除或改用文档列出的参数"),
                    format!("unknown query parameter {key}; remove it or use one the API documents"),
                ),
            )
        })
        .collect();
    let response = ApiError::invalid(errors).error_response();
    Ok(req.into_response(response).map_into_right_body())
}

/// The distinct keys of a query string, percent-decoded (none when it does not decode: the
/// extractor then reports it).
fn form_keys(query: &str) -> BTreeSet<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .map(|pairs| pairs.into_iter().map(|(key, _)| key).collect())
        .unwrap_or_default()
}

/// What answers a request no route took: the web app for its pages and assets, 405 with
/// `Allow` for a known path asked with another method, else 404.
pub async fn unrouted(
    req: HttpRequest,
    contract: web::Data<Contract>,
    app: web::Data<WebApp>,
) -> HttpResponse {
    if matches!(*req.method(), Method::GET | Method::HEAD)
        && let Some(response) = app.respond(&req)
    {
        return response;
    }
    let allowed = contract.allowed(req.path());
    if allowed.is_empty() {
        return ApiError::request(StatusCode::NOT_FOUND, "not_found", Text::fixed("资源不存在", "not found"))
            .error_response();
    }
    let allow = allowed.into_iter().collect::<Vec<_>>().join(", ");
    let mut response = ApiError::request(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        Text::owned(
            format!("该地址不支持 {} 请求，可用：{allow}", req.method()),
            format!("{} is not allowed here; allowed: {allow}", req.method()),
        ),
    )
    .error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract() -> Contract {
        Contract::new(&crate::openapi::document())
    }

    #[test]
    fn a_path_allows_the_methods_of_every_template_it_matches() {
        let contract = contract();
        assert_eq!(contract.allowed("/api/v1/teachers/12"), BTreeSet::from(["GET", "PATCH"]));
        assert_eq!(contract.allowed("/api/v1/teachers/import"), BTreeSet::from(["GET", "PATCH", "POST"]));
        assert!(contract.allowed("/api/v1/nothing").is_empty());
    }

    #[test]
    fn the_literal_template_decides_the_operation() {
        let contract = contract();
        let (_, certificates) = contract.operation(&Method::GET, "/api/v1/certificates").unwrap();
        let names: Vec<&str> = certificates.query.iter().map(|(name, _)| name.as_str()).collect();
        assert!(names.contains(&"level") && names.contains(&"page"));
        assert!(contract.operation(&Method::DELETE, "/api/v1/certificates").is_none());
        let (route, import) = contract.operation(&Method::POST, "/api/v1/teachers/import").unwrap();
        assert_eq!(route.template, "/api/v1/teachers/import");
        assert!(import.path.is_empty());
    }

    #[test]
    fn query_keys_are_decoded_and_distinct() {
        assert_eq!(
            form_keys("a=1&b=2&a=3&%E5%8E%BF=x"),
            BTreeSet::from(["a".into(), "b".into(), "县".into()])
        );
    }
}
