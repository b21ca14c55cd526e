//! The built web app, served by the same server as the API (skipped with a note when `web/dist`
//! has not been built: `make test` builds it first).

use reqwest::StatusCode;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn deep_links_get_the_app_shell_and_assets_come_precompressed_and_immutable() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist");
    assert!(dist.join("index.html").exists(), "web/dist is not built: run `make web` (make test does)");
    let app = spawn_app().await;
    let shell = app.client.get(app.url("/courses/12")).send().await.unwrap();
    assert_eq!(shell.status(), StatusCode::OK);
    assert_eq!(shell.headers()["cache-control"], "no-cache");
    assert!(shell.headers()["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
    let html = shell.text().await.unwrap();
    let script = html
        .split("src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|src| src.starts_with("/assets/") && src.ends_with(".js"))
        .expect("the shell loads a hashed script")
        .to_owned();
    let asset = app.client.get(app.url(&script)).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(asset.headers()["content-encoding"], "br");
    assert!(asset.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(asset.headers()["cache-control"].to_str().unwrap().contains("immutable"));

    let api = app.client.get(app.url("/api/v1/no-such-thing")).send().await.unwrap();
    assert_problem(api, StatusCode::NOT_FOUND, "not_found").await;
}
