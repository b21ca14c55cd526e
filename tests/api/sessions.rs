use chrono::{Duration, SecondsFormat};
use kernel::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json_of, spawn_seeded_app};

/// A 3-hour session starting ten minutes from now, owned by 恩施市, worth 3 hours.
pub async fn session(app: &TestApp, token: &str) -> i64 {
    let admin = app.token("admin").await;
    let county = app.org_unit_id(&admin, "ES-ESS").await;
    let start = app.clock.now() + Duration::minutes(10);
    let body = json!({
        "title": "班主任心理辅导技能面授", "place": "恩施市教育局报告厅", "trainer": "张老师",
        "starts_at": start.to_rfc3339_opts(SecondsFormat::Secs, true),
        "ends_at": (start + Duration::hours(3)).to_rfc3339_opts(SecondsFormat::Secs, true),
        "hours": "3", "capacity": 50, "org_unit_id": county, "sign_in_grace_minutes": 5
    });
    let response = app.post(token, "/api/v1/sessions", body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    json_of(response).await["id"].as_i64().unwrap()
}

pub async fn code(app: &TestApp, trainer: &str, id: i64) -> String {
    let shown = json_of(app.get(trainer, &format!("/api/v1/sessions/{id}/sign-in-code")).await).await;
    let sign_in_page =
        format!("http://qualify.test/sessions/{id}/sign-in?code={}", shown["code"].as_str().unwrap());
    assert_eq!(shown["qr_payload"], sign_in_page, "the QR opens the app's sign-in page");
    shown["code"].as_str().unwrap().to_owned()
}

pub async fn scan(app: &TestApp, teacher: &str, id: i64, way: &str, code: &str) -> reqwest::Response {
    app.post(teacher, &format!("/api/v1/sessions/{id}/{way}"), json!({"code": code})).await
}

async fn offline_hours(app: &TestApp, teacher: &str) -> Value {
    json_of(app.get(teacher, "/api/v1/me/credits?category=offline_training").await).await
}

#[tokio::test]
async fn a_session_runs_from_sign_in_to_hours_posted_once() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let teacher = app.token("teacher").await;
    assert_eq!(
        app.post(&teacher, &format!("/api/v1/sessions/{id}/registrations"), json!({})).await.status(),
        StatusCode::CREATED
    );

    let too_early = code(&app, &trainer, id).await;
    let refused = assert_problem(
        scan(&app, &teacher, id, "check-in", &too_early).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "outside_window");

    app.clock.advance(Duration::minutes(5));
    let wrong = assert_problem(
        scan(&app, &teacher, id, "check-in", "000000").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(wrong["errors"][0]["code"], "invalid_code");
    let shown = code(&app, &trainer, id).await;
    let signed_in = json_of(scan(&app, &teacher, id, "check-in", &shown).await).await;
    assert!(signed_in["checked_in_at"].is_string());

    app.clock.advance(Duration::hours(3));
    // Access tokens live 15 minutes: log in again after moving time.
    let (trainer, teacher) = (app.token("trainer").await, app.token("teacher").await);
    let stale = shown.clone();
    let refused = assert_problem(
        scan(&app, &teacher, id, "check-out", &stale).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "invalid_code", "a code three hours old is stale");
    let fresh = code(&app, &trainer, id).await;
    let signed_out = json_of(scan(&app, &teacher, id, "check-out", &fresh).await).await;
    assert_eq!(signed_out["attended"], true);

    // Closing before the scheduled end takes force and a reason: wait for the end.
    app.clock.advance(Duration::minutes(10));
    assert_eq!(
        app.post(&trainer, &format!("/api/v1/sessions/{id}/close"), json!({})).await.status(),
        StatusCode::OK
    );
    let credits = offline_hours(&app, &teacher).await;
    assert_eq!(credits["total"], 1);
    assert_eq!(credits["items"][0]["hours"], "3");

    assert_eq!(
        app.post(&trainer, &format!("/api/v1/sessions/{id}/reopen"), json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.post(&trainer, &format!("/api/v1/sessions/{id}/close"), json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        offline_hours(&app, &teacher).await["total"],
        1,
        "reopening and closing again posts nothing twice"
    );
}

#[tokio::test]
async fn a_code_of_another_session_is_refused() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let first = session(&app, &trainer).await;
    let second = session(&app, &trainer).await;
    let teacher = app.token("teacher").await;
    app.post(&teacher, &format!("/api/v1/sessions/{first}/registrations"), json!({})).await;
    app.clock.advance(Duration::minutes(10));
    let other = code(&app, &trainer, second).await;
    let refused = assert_problem(
        scan(&app, &teacher, first, "check-in", &other).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "invalid_code");
    let unregistered = code(&app, &trainer, second).await;
    assert_problem(
        scan(&app, &teacher, second, "check-in", &unregistered).await,
        StatusCode::CONFLICT,
        "not_registered",
    )
    .await;
}

#[tokio::test]
async fn paper_records_entered_after_the_session_earn_hours_and_are_audited_in_the_sheet() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let me = json_of(app.get(&app.token("teacher").await, "/api/v1/me").await).await;
    let teacher_id = me["person"]["id"].as_i64().unwrap();
    app.clock.advance(Duration::hours(5));
    let trainer = app.token("trainer").await;

    let no_reason = app
        .post(
            &trainer,
            &format!("/api/v1/sessions/{id}/attendance"),
            json!({"teacher_id": teacher_id, "status": "present", "reason": ""}),
        )
        .await;
    assert_problem(no_reason, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let marked = app
        .post(
            &trainer,
            &format!("/api/v1/sessions/{id}/attendance"),
            json!({"teacher_id": teacher_id, "status": "present", "reason": "纸质签到表补录"}),
        )
        .await;
    assert_eq!(marked.status(), StatusCode::OK);
    assert_eq!(json_of(marked).await["attended"], true);
    app.post(&trainer, &format!("/api/v1/sessions/{id}/close"), json!({})).await;
    assert_eq!(offline_hours(&app, &app.token("teacher").await).await["totals"]["total_hours"], "3");

    let late = app
        .post(
            &trainer,
            &format!("/api/v1/sessions/{id}/attendance"),
            json!({"teacher_id": teacher_id, "status": "absent", "reason": "改判"}),
        )
        .await;
    assert_problem(late, StatusCode::CONFLICT, "session_closed").await;

    let sheet = json_of(app.get(&trainer, &format!("/api/v1/sessions/{id}/attendance")).await).await;
    let line = &sheet["lines"][0];
    assert_eq!(
        (line["teacher_id"].as_i64(), line["status"].as_str(), line["hours_credited"].as_str()),
        (Some(teacher_id), Some("present"), Some("3"))
    );
    assert_eq!(line["reason"], "纸质签到表补录");
    let csv = app
        .get(&trainer, &format!("/api/v1/sessions/{id}/attendance?format=csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains(
        "工号,姓名,学校,出勤情况,人工标记,签到时间（北京时间）,签退时间（北京时间）,在场分钟,学时,地点,培训师"
    ));
    assert!(csv.contains("恩施市教育局报告厅"));
    assert!(csv.contains(",出勤,出勤,"), "the presence and the trainer's mark, in Chinese: {csv}");
    let xlsx = app
        .get(&trainer, &format!("/api/v1/sessions/{id}/attendance?format=xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"));
}

#[tokio::test]
async fn sessions_are_run_only_in_scope_and_fill_up_at_capacity() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let hr = app.token("hr").await;
    assert_problem(
        app.get(&hr, &format!("/api/v1/sessions/{id}/sign-in-code")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let teacher = app.token("teacher").await;
    assert_problem(
        app.get(&teacher, &format!("/api/v1/sessions/{id}/sign-in-code")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let admin = app.token("admin").await;
    let county = app.org_unit_id(&admin, "ES-ESS").await;
    let start = app.clock.now() + Duration::hours(1);
    let tiny = json!({"title": "小班研讨", "place": "会议室", "trainer": "李老师", "starts_at": start.to_rfc3339(),
        "ends_at": (start + Duration::hours(1)).to_rfc3339(), "hours": "1", "capacity": 1, "org_unit_id": county});
    let tiny = json_of(app.post(&admin, "/api/v1/sessions", tiny).await).await["id"].as_i64().unwrap();
    assert_eq!(
        app.post(&teacher, &format!("/api/v1/sessions/{tiny}/registrations"), json!({})).await.status(),
        StatusCode::CREATED
    );
    let others =
        json_of(app.get(&admin, &format!("/api/v1/teachers?org_unit={county}&per_page=5")).await).await;
    let other = others["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .find(|id| *id != 1)
        .unwrap();
    let full = app
        .post(&admin, &format!("/api/v1/sessions/{tiny}/registrations"), json!({"teacher_id": other}))
        .await;
    assert_problem(full, StatusCode::CONFLICT, "full").await;

    let bad = json!({"title": "倒序", "place": "会议室", "trainer": "李老师", "starts_at": start.to_rfc3339(),
        "ends_at": (start - Duration::hours(1)).to_rfc3339(), "hours": "-1", "capacity": 0, "org_unit_id": county});
    let problem = assert_problem(
        app.post(&admin, "/api/v1/sessions", bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_dashboard_shows_hours_courses_and_upcoming_sessions() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (course, _) = crate::learning::published_course(&app, &admin, None).await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let teacher = app.token("teacher").await;
    app.post(&teacher, &format!("/api/v1/courses/{course}/enrollments"), json!({})).await;
    app.post(&teacher, &format!("/api/v1/sessions/{id}/registrations"), json!({})).await;
    let me = json_of(app.get(&teacher, "/api/v1/me").await).await;
    let body = json!({"category": "external", "hours": "4", "occurred_on": kernel::china_date(app.clock.now()).to_string(), "reason": "外部培训"});
    app.post(&admin, &format!("/api/v1/teachers/{}/credits/adjustments", me["person"]["id"]), body).await;

    let dashboard = json_of(app.get(&teacher, "/api/v1/me/dashboard").await).await;
    assert_eq!(dashboard["online_hours"], "0");
    assert_eq!(dashboard["courses_in_progress"][0]["course_id"], course);
    assert_eq!(dashboard["upcoming_sessions"][0]["id"], id);
    assert_problem(app.get(&admin, "/api/v1/me/dashboard").await, StatusCode::FORBIDDEN, "forbidden").await;
}
