//! Browser-facing protections: which origins may call the API from a page (CORS), and the
//! response headers that keep pages from being framed, sniffed, cached or given more rights than
//! they need.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// CORS limited to the configured origins (the public URL's own always included): credentials
/// travel as bearer tokens, never cookies, so no origin needs `Allow-Credentials`.
pub fn cors(origins: &[String]) -> actix_cors::Cors {
    origins
        .iter()
        .fold(actix_cors::Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
        ])
        .allowed_header("idempotency-key")
        .expose_headers([header::RETRY_AFTER, header::CONTENT_DISPOSITION])
        .max_age(3600)
}

/// Content type, framing, referrer and caching rules on every response. API answers carry
/// people's records, so no cache keeps them; our own pages (certificates, verification) may
/// load nothing from elsewhere. The API docs UI keeps its own script policy, and the web app
/// sets its own (`web_app`).
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path().starts_with("/docs");
    let api = req.path().starts_with("/api/");
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !docs && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
            ),
        );
    }
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}
