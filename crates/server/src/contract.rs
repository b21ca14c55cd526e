//! The published contract as the server holds itself to it at run time, for what the router
//! cannot tell: which methods a path allows (a wrong method is 405 with `Allow`, not 404), and
//! which query parameters an operation takes (an unknown one is a 422 naming it, as an unknown
//! body field is). Built once from the same document `api-spec/openapi.json` is.

use std::collections::{BTreeSet, HashMap};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use kernel::{FieldError, Text};
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::{OpenApi as Document, RefOr};

use crate::error::ApiError;
use crate::web_app::WebApp;

/// One path template of the document (`/api/v1/sessions/{id}`) and its operations.
#[derive(Debug)]
struct Route {
    /// `None` for a `{parameter}` segment.
    segments: Vec<Option<String>>,
    /// Query parameter names, per method.
    operations: HashMap<Method, BTreeSet<String>>,
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

/// Every operation of the document.
#[derive(Debug)]
pub struct Contract {
    routes: Vec<Route>,
}

impl Contract {
    pub fn new(document: &Document) -> Self {
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = split(template)
                    .into_iter()
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect();
                let operations = [
                    (Method::GET, &item.get),
                    (Method::POST, &item.post),
                    (Method::PUT, &item.put),
                    (Method::PATCH, &item.patch),
                    (Method::DELETE, &item.delete),
                ]
                .into_iter()
                .filter_map(|(method, operation)| {
                    let operation = operation.as_ref()?;
                    let query = operation
                        .parameters
                        .iter()
                        .flatten()
                        .filter_map(|p| match p {
                            RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Query) => {
                                Some(p.name.clone())
                            }
                            _ => None,
                        })
                        .collect();
                    Some((method, query))
                })
                .collect();
                Route { segments, operations }
            })
            .collect();
        Self { routes }
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

    /// The query parameters of the operation a request is for, if the document has it.
    fn query_of(&self, method: &Method, path: &str) -> Option<&BTreeSet<String>> {
        let path = split(path);
        self.routes
            .iter()
            .filter(|route| route.matches(&path))
            .filter_map(|route| Some((route.literals(), route.operations.get(method)?)))
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, query)| query)
    }
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
            match contract.query_of(req.method(), req.path()) {
                Some(known) => form_keys(query).into_iter().filter(|key| !known.contains(key)).collect(),
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
    fn the_literal_template_decides_the_query_parameters() {
        let contract = contract();
        let certificates = contract.query_of(&Method::GET, "/api/v1/certificates").unwrap();
        assert!(certificates.contains("level") && certificates.contains("page"));
        assert!(contract.query_of(&Method::DELETE, "/api/v1/certificates").is_none());
    }

    #[test]
    fn query_keys_are_decoded_and_distinct() {
        assert_eq!(
            form_keys("a=1&b=2&a=3&%E5%8E%BF=x"),
            BTreeSet::from(["a".into(), "b".into(), "县".into()])
        );
    }
}
