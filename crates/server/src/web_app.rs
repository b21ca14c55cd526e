//! The web app (`web/`, built by Vite into `web/dist`), served by the same binary as the API so
//! `make run` is one process: hashed assets precompressed and cached for good, the shell
//! (`index.html`) never cached, and every deep link (`/courses/12`, `/attempts/7`) answered with
//! the shell so the app's router can draw it.
//!
//! The built files are read once at start-up into memory (a few hundred kilobytes); a new build
//! takes effect at the next start, as any deployment does.

use std::collections::HashMap;
use std::path::Path;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};

/// Paths the app never claims: the API, its docs and the server-rendered public pages.
const NOT_OURS: [&str; 5] = ["/api/", "/api-docs/", "/docs", "/verify/", "/.well-known/"];

/// What the app may load: only itself (scripts, styles, the API), plus `blob:`/`data:` images
/// and media for QR codes and camera frames.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; worker-src 'self'; \
     manifest-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// One built file and its precompressed siblings (`.br`, `.gz`) when the build wrote them.
#[derive(Debug)]
struct File {
    body: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    content_type: String,
}

/// The built app, keyed by URL path (`/index.html`, `/assets/index-3f2a.js`).
#[derive(Debug, Default)]
pub struct WebApp {
    files: HashMap<String, File>,
}

impl WebApp {
    /// Loads every file under `dir`; a missing directory is an app with no files (the API
    /// still runs, and `/` says how to build the app).
    pub fn load(dir: &Path) -> std::io::Result<Self> {
        let mut app = Self::default();
        if dir.is_dir() {
            app.add_dir(dir, dir)?;
        }
        Ok(app)
    }

    fn add_dir(&mut self, root: &Path, dir: &Path) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                self.add_dir(root, &path)?;
                continue;
            }
            let is_sibling = path.extension().is_some_and(|ext| ext == "br" || ext == "gz");
            let Ok(relative) = path.strip_prefix(root) else { continue };
            if is_sibling {
                continue;
            }
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            let sibling =
                |ext: &str| std::fs::read(format!("{}.{ext}", path.display())).ok().map(Bytes::from);
            let content_type = mime_guess::from_path(&path).first_or_octet_stream();
            let content_type = match content_type.type_() {
                mime_guess::mime::TEXT => format!("{content_type}; charset=utf-8"),
                _ if content_type.subtype() == "javascript" => "text/javascript; charset=utf-8".to_owned(),
                _ => content_type.to_string(),
            };
            let content_type = if url.ends_with(".webmanifest") {
                "application/manifest+json".to_owned()
            } else {
                content_type
            };
            self.files.insert(
                url,
                File {
                    body: Bytes::from(std::fs::read(&path)?),
                    brotli: sibling("br"),
                    gzip: sibling("gz"),
                    content_type,
                },
            );
        }
        Ok(())
    }

    /// The response for a GET that no API route took, or `None` when the path is not the app's.
    pub fn respond(&self, req: &HttpRequest) -> Option<HttpResponse> {
        let path = req.path();
        if NOT_OURS.iter().any(|prefix| path.starts_with(prefix)) {
            return None;
        }
        if let Some(file) = self.files.get(path).filter(|_| path != "/index.html") {
            let immutable = path.starts_with("/assets/");
            return Some(serve(req, file, immutable));
        }
        let last = path.rsplit('/').next().unwrap_or_default();
        if last.contains('.') {
            return None;
        }
        Some(match self.files.get("/index.html") {
            Some(shell) => serve(req, shell, false),
            None => HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body(
                "网页端尚未构建：请运行 make run（或 make web）。The web app is not built: run make web.",
            ),
        })
    }
}

fn serve(req: &HttpRequest, file: &File, immutable: bool) -> HttpResponse {
    let accepts =
        req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let offers = |coding: &str| {
        accepts.split(',').any(|part| {
            let mut pieces = part.trim().split(';');
            pieces.next() == Some(coding) && pieces.all(|p| p.trim() != "q=0")
        })
    };
    let (body, encoding) = match (&file.brotli, &file.gzip) {
        (Some(br), _) if offers("br") => (br.clone(), Some("br")),
        (_, Some(gz)) if offers("gzip") => (gz.clone(), Some("gzip")),
        _ => (file.body.clone(), None),
    };
    // A player seeks (and resumes) by asking for a byte range of the media file.
    let range = req.headers().get(header::RANGE).and_then(|v| v.to_str().ok());
    let (mut response, body) = match (encoding, range.map(|r| byte_range(r, body.len()))) {
        (None, Some(Some((start, end)))) => {
            let mut partial = HttpResponse::PartialContent();
            partial.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{}", body.len())));
            (partial, body.slice(start..=end))
        }
        (None, Some(None)) => {
            return HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{}", body.len())))
                .finish();
        }
        _ => (HttpResponse::Ok(), body),
    };
    if encoding.is_none() {
        response.insert_header((header::ACCEPT_RANGES, "bytes"));
    }
    response
        .insert_header((header::CONTENT_TYPE, file.content_type.as_str()))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((
            header::CACHE_CONTROL,
            if immutable { "public, max-age=31536000, immutable" } else { "no-cache" },
        ));
    if let Some(encoding) = encoding {
        response.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static(encoding)));
    }
    response.body(body)
}

/// The one byte range of a `Range: bytes=…` header, inclusive, within `len` bytes; `None` for
/// a range outside the file. Several ranges are not offered (players ask for one).
fn byte_range(header: &str, len: usize) -> Option<(usize, usize)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || len == 0 {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => (len.saturating_sub(suffix.parse::<usize>().ok()?), len - 1),
        (start, "") => (start.parse().ok()?, len - 1),
        (start, end) => (start.parse().ok()?, end.parse::<usize>().ok()?.min(len - 1)),
    };
    (start <= end && start < len).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn built() -> (tempdir::Dir, WebApp) {
        let dir = tempdir::Dir::new();
        std::fs::create_dir_all(dir.0.join("assets")).unwrap();
        std::fs::write(dir.0.join("index.html"), "<!doctype html><title>心育</title>").unwrap();
        std::fs::write(dir.0.join("assets/index-3f2a.js"), "console.log(1)").unwrap();
        std::fs::write(dir.0.join("assets/index-3f2a.js.br"), "BR").unwrap();
        std::fs::write(dir.0.join("assets/index-3f2a.js.gz"), "GZ").unwrap();
        let app = WebApp::load(&dir.0).unwrap();
        (dir, app)
    }

    mod tempdir {
        /// A directory removed when dropped.
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                let path = std::env::temp_dir().join(format!("qualify-web-{}", uuid::Uuid::new_v4()));
                std::fs::create_dir_all(&path).unwrap();
                Self(path)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn header(response: &HttpResponse, name: header::HeaderName) -> String {
        response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    }

    #[test]
    fn assets_are_precompressed_and_cached_for_good() {
        let (_dir, app) = built();
        let req = TestRequest::get()
            .uri("/assets/index-3f2a.js")
            .insert_header((header::ACCEPT_ENCODING, "gzip, deflate, br"))
            .to_http_request();
        let response = app.respond(&req).unwrap();
        assert_eq!(header(&response, header::CONTENT_ENCODING), "br");
        assert_eq!(header(&response, header::CONTENT_TYPE), "text/javascript; charset=utf-8");
        assert!(header(&response, header::CACHE_CONTROL).contains("immutable"));
        let gzip_only = TestRequest::get()
            .uri("/assets/index-3f2a.js")
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
            .to_http_request();
        assert_eq!(header(&app.respond(&gzip_only).unwrap(), header::CONTENT_ENCODING), "gzip");
        let plain = TestRequest::get().uri("/assets/index-3f2a.js").to_http_request();
        assert_eq!(header(&app.respond(&plain).unwrap(), header::CONTENT_ENCODING), "");
    }

    #[test]
    fn byte_ranges_are_read_as_players_send_them() {
        assert_eq!(byte_range("bytes=0-", 100), Some((0, 99)));
        assert_eq!(byte_range("bytes=10-19", 100), Some((10, 19)));
        assert_eq!(byte_range("bytes=90-200", 100), Some((90, 99)));
        assert_eq!(byte_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(byte_range("bytes=100-", 100), None);
        assert_eq!(byte_range("bytes=0-1,5-6", 100), None);
    }

    #[test]
    fn media_is_served_in_ranges() {
        let (dir, _) = built();
        std::fs::create_dir_all(dir.0.join("media")).unwrap();
        std::fs::write(dir.0.join("media/clip.webm"), b"0123456789").unwrap();
        let app = WebApp::load(&dir.0).unwrap();
        let req = TestRequest::get()
            .uri("/media/clip.webm")
            .insert_header((header::RANGE, "bytes=2-5"))
            .to_http_request();
        let response = app.respond(&req).unwrap();
        assert_eq!(response.status(), actix_web::http::StatusCode::PARTIAL_CONTENT);
        assert_eq!(header(&response, header::CONTENT_RANGE), "bytes 2-5/10");
        assert_eq!(header(&response, header::CONTENT_TYPE), "video/webm");
        let whole = app.respond(&TestRequest::get().uri("/media/clip.webm").to_http_request()).unwrap();
        assert_eq!(header(&whole, header::ACCEPT_RANGES), "bytes");
    }

    #[test]
    fn deep_links_get_the_uncached_shell_and_the_api_is_left_alone() {
        let (_dir, app) = built();
        for path in ["/", "/courses/12", "/attempts/7"] {
            let response = app.respond(&TestRequest::get().uri(path).to_http_request()).unwrap();
            assert_eq!(header(&response, header::CACHE_CONTROL), "no-cache", "{path}");
            assert!(header(&response, header::CONTENT_TYPE).starts_with("text/html"), "{path}");
        }
        for path in ["/api/v1/nothing", "/verify/ABC", "/docs/", "/assets/missing.js"] {
            assert!(app.respond(&TestRequest::get().uri(path).to_http_request()).is_none(), "{path}");
        }
    }
}
