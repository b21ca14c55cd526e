use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, error_fields, json_of, spawn_app, spawn_seeded_app};

#[tokio::test]
async fn health_reports_database_ok() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await, json!({"status": "ok", "database": "ok"}));
}

#[tokio::test]
async fn health_returns_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.clone().close().await.unwrap();
    let response = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json_of(response).await["database"], "unreachable");
}

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_seeded_app().await;
    let token = app.token("admin").await;
    let response = app
        .client
        .post(app.url("/api/v1/teachers"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "malformed_json").await;
}

#[tokio::test]
async fn wrong_content_type_is_a_415_problem() {
    let app = spawn_seeded_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("username=admin")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
}

#[tokio::test]
async fn body_over_one_mebibyte_is_a_413_problem() {
    let app = spawn_seeded_app().await;
    let token = app.token("admin").await;
    let huge = json!({"name": "x".repeat(1024 * 1024 + 10)});
    let response = app.patch(&token, "/api/v1/org-units/1", huge).await;
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn unknown_field_is_a_422_naming_it() {
    let app = spawn_seeded_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": "demo1234", "role": "admin"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["role"]);
}

#[tokio::test]
async fn missing_and_empty_fields_are_422s_naming_them() {
    let app = spawn_seeded_app().await;
    let missing = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(missing, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["password"]);

    let empty = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "", "password": ""}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["password", "username"]);
}

#[tokio::test]
async fn wrong_type_in_query_or_path_is_a_problem() {
    let app = spawn_seeded_app().await;
    let token = app.token("admin").await;
    let query = app.get(&token, "/api/v1/teachers?page=abc").await;
    assert_problem(query, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let path = app.get(&token, "/api/v1/teachers/abc").await;
    let problem = assert_problem(path, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["path.id"]);
    assert_eq!(problem["errors"][0]["message"], "须为整数");
}

/// No parser text reaches a person: each message is from the catalogue, in Chinese.
fn assert_no_parser_text(problem: &serde_json::Value) {
    let text = problem.to_string();
    for english in ["invalid type", "expected", "unknown variant", "missing field", "deserialize", "line 1"] {
        assert!(!text.contains(english), "parser text {english:?} in {text}");
    }
}

#[tokio::test]
async fn every_bad_body_field_is_named_at_once_with_its_path() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let body = json!({"title": "大教研", "form": "nonsense", "capacity": 0, "starts_at": 1796154326472_i64});
    let problem = assert_problem(
        app.post(&admin, "/api/v1/research-events", body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_no_parser_text(&problem);
    let fields = error_fields(&problem);
    for field in ["capacity", "ends_at", "form", "hours", "level", "place", "starts_at"] {
        assert!(fields.contains(&field.to_owned()), "{field} missing from {fields:?}");
    }
    let message = |field: &str| {
        problem["errors"].as_array().unwrap().iter().find(|e| e["field"] == field).unwrap()["message"].clone()
    };
    assert_eq!(message("place"), "必须填写");
    assert_eq!(message("capacity"), "不能小于 1");
    assert!(message("starts_at").as_str().unwrap().starts_with("须为文本"), "{problem}");

    let teacher = app.token("teacher").await;
    let beats = json!({"heartbeats": [
        {"seq": 1, "position_seconds": 1, "playing": true, "client_time": "2026-12-01T09:00:00+08:00"},
        {"seq": 2, "position_seconds": 2, "playing": true, "client_time": 1796154326472_i64}]});
    let problem = assert_problem(
        app.post(&teacher, "/api/v1/lessons/1/progress", beats).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_no_parser_text(&problem);
    assert_eq!(error_fields(&problem), ["heartbeats[1].client_time"]);
}

#[tokio::test]
async fn a_bad_query_value_names_the_parameter_and_its_allowed_values() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let problem = assert_problem(
        app.get(&teacher, "/api/v1/me/credits?category=online").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_no_parser_text(&problem);
    assert_eq!(error_fields(&problem), ["query.category"]);
    assert!(
        problem["errors"][0]["message"].as_str().unwrap().starts_with("须为以下之一：online_course、"),
        "{problem}"
    );
    let en = app
        .client
        .get(app.url("/api/v1/me/credits?category=online"))
        .bearer_auth(&teacher)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let en = assert_problem(en, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(
        en["errors"][0]["message"].as_str().unwrap().starts_with("must be one of: online_course, "),
        "{en}"
    );
}

#[tokio::test]
async fn unknown_route_is_a_404_problem() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/api/v1/nothing-here")).send().await.unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn error_detail_is_chinese_by_default_and_english_on_request() {
    let app = spawn_seeded_app().await;
    let zh = assert_problem(
        app.login("admin", "wrong-password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(zh["detail"], "用户名或密码错误");

    let en = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("accept-language", "en-US,en;q=0.9")
        .json(&json!({"username": "admin", "password": "wrong-password"}))
        .send()
        .await
        .unwrap();
    let en = assert_problem(en, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(en["detail"], "wrong username or password");
}

#[tokio::test]
async fn a_wrong_method_on_a_known_path_is_405_with_allow() {
    let app = spawn_seeded_app().await;
    let token = app.token("admin").await;
    let response = app.client.delete(app.url("/api/v1/teachers/1")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET, PATCH");
    let problem = assert_problem(response, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    assert!(problem["detail"].as_str().unwrap().contains("GET, PATCH"), "{problem}");
}

#[tokio::test]
async fn an_unknown_query_parameter_is_a_422_naming_it() {
    let app = spawn_seeded_app().await;
    let token = app.token("admin").await;
    let response = app.get(&token, "/api/v1/certificates?numbr=ES-2026&level=C&colour=red").await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["query.colour", "query.numbr"]);
    assert_eq!(problem["errors"][0]["code"], "unknown_parameter");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("不支持查询参数 colour"));
    let documented = app.get(&token, "/api/v1/certificates?level=C&page=1&per_page=5").await;
    assert_eq!(documented.status(), StatusCode::OK);
}

/// What the contract does not name is not asked for: the owner is the caller's unit, the
/// trainer the caller, and `C` means `c`.
#[tokio::test]
async fn creates_default_to_the_callers_unit_and_name_and_take_levels_in_any_case() {
    let app = spawn_seeded_app().await;
    let admin = app.token("county.admin").await;
    let me = json_of(app.get(&admin, "/api/v1/me").await).await;
    let unit = me["account"]["org_unit_id"].as_i64().unwrap();
    let course = app
        .post(&admin, "/api/v1/courses", json!({"title": "班主任工作坊", "summary": "线上", "track": "C", "hours": "2", "status": "draft", "modules": []}))
        .await;
    assert_eq!(course.status(), StatusCode::CREATED);
    let course = json_of(course).await;
    assert_eq!((course["org_unit_id"].as_i64(), course["track"].as_str()), (Some(unit), Some("c")));
    let bank = json_of(app.post(&admin, "/api/v1/question-banks", json!({"name": "县题库"})).await).await;
    assert_eq!(bank["org_unit_id"].as_i64(), Some(unit));
    let now = chrono::Utc::now();
    let session = app
        .post(
            &admin,
            "/api/v1/sessions",
            json!({"title": "心理辅导面授", "place": "恩施市教育局", "hours": "3", "capacity": 40,
                "starts_at": now + chrono::Duration::days(1), "ends_at": now + chrono::Duration::days(1) + chrono::Duration::hours(3)}),
        )
        .await;
    assert_eq!(session.status(), StatusCode::CREATED);
    let session = json_of(session).await;
    assert_eq!(session["org_unit_id"].as_i64(), Some(unit));
    assert_eq!(session["trainer"], "county.admin", "the calling account names the trainer");
}
