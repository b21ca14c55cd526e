//! The language of user-facing text for the current request: zh-CN unless the client asks for
//! English first in `Accept-Language`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::middleware::Next;

tokio::task_local! {
    static ENGLISH: bool;
}

/// Whether the request being served asked for English.
pub fn english() -> bool {
    ENGLISH.try_with(|english| *english).unwrap_or(false)
}

/// Whether the most preferred language in an `Accept-Language` value is English.
pub fn prefers_english(header: &str) -> bool {
    let mut best: Option<(f32, &str)> = None;
    for part in header.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim();
        let quality = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        if best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, tag));
        }
    }
    best.is_some_and(|(_, tag)| tag.to_ascii_lowercase().starts_with("en"))
}

/// Middleware that makes the request's language available to error rendering and handlers.
pub async fn detect(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let english =
        req.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).is_some_and(prefers_english);
    ENGLISH.scope(english, next.call(req)).await
}

#[cfg(test)]
mod tests {
    use super::prefers_english;

    #[test]
    fn picks_the_most_preferred_language() {
        assert!(prefers_english("en"));
        assert!(prefers_english("en-US,zh;q=0.5"));
        assert!(prefers_english("zh;q=0.4, en;q=0.8"));
        assert!(!prefers_english("zh-CN,en;q=0.9"));
        assert!(!prefers_english(""));
    }
}
