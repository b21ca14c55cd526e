//! Changing an offline session after it was announced, and cancelling sessions and research
//! events: one attendance flow, so both refuse the same things once cancelled.

use chrono::Duration;
use kernel::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, json_of, spawn_seeded_app};
use crate::research::event;
use crate::sessions::{code, scan, session};

async fn register(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.post(token, &format!("{path}/registrations"), json!({})).await
}

async fn notifications(app: &TestApp, token: &str) -> Vec<Value> {
    json_of(app.get(token, "/api/v1/me/notifications").await).await["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_edit_changes_only_what_is_sent_and_is_checked_like_a_new_session() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let path = format!("/api/v1/sessions/{id}");
    let before = json_of(app.get(&trainer, &path).await).await;

    let changed = app
        .patch(&trainer, &path, json!({"title": "  班主任心理辅导技能面授（二）", "place": "五楼会议室", "capacity": 80, "trainer": "李老师"}))
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed = json_of(changed).await;
    assert_eq!(changed["title"], "班主任心理辅导技能面授（二）", "trimmed like on creation");
    assert_eq!((changed["place"].as_str(), changed["capacity"].as_u64()), (Some("五楼会议室"), Some(80)));
    assert_eq!(changed["trainer"], "李老师");
    assert_eq!(changed["starts_at"], before["starts_at"], "what was not sent stays");
    assert_eq!(changed["hours"], before["hours"]);
    assert_eq!(json_of(app.get(&trainer, &path).await).await["title"], changed["title"]);

    let starts_at = before["starts_at"].as_str().unwrap();
    let bad = json!({"title": " ", "ends_at": starts_at, "hours": "0", "capacity": 0,
        "sign_in_grace_minutes": 500, "min_presence_percent": 0, "course_id": 999999});
    let refused = assert_problem(
        app.patch(&trainer, &path, bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut fields = error_fields(&refused);
    fields.sort();
    assert_eq!(
        fields,
        [
            "capacity",
            "course_id",
            "ends_at",
            "hours",
            "min_presence_percent",
            "sign_in_grace_minutes",
            "title"
        ],
        "every field at fault at once: {refused}"
    );
    assert_eq!(json_of(app.get(&trainer, &path).await).await["title"], changed["title"], "nothing changed");

    let teacher = app.token("teacher").await;
    assert_problem(
        app.patch(&teacher, &path, json!({"title": "改名"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let other_county = app.token("county.admin").await;
    let admin = app.token("admin").await;
    let lichuan = app.org_unit_id(&admin, "ES-LCS").await;
    let start = app.clock.now() + Duration::days(1);
    let elsewhere = app
        .post(&admin, "/api/v1/sessions", json!({"title": "利川面授", "place": "利川市教育局", "org_unit_id": lichuan,
            "starts_at": start.to_rfc3339(), "ends_at": (start + Duration::hours(2)).to_rfc3339(), "hours": "2", "capacity": 30}))
        .await;
    let elsewhere = json_of(elsewhere).await["id"].as_i64().unwrap();
    assert_problem(
        app.patch(&other_county, &format!("/api/v1/sessions/{elsewhere}"), json!({"title": "改名"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn capacity_cannot_drop_below_the_roster() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let path = format!("/api/v1/sessions/{id}");
    for login in ["teacher", "ES00002"] {
        assert_eq!(register(&app, &app.token(login).await, &path).await.status(), StatusCode::CREATED);
    }
    let refused = assert_problem(
        app.patch(&trainer, &path, json!({"capacity": 1})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["field"], "capacity");
    assert_eq!(refused["errors"][0]["code"], "below_registered");
    assert_eq!(app.patch(&trainer, &path, json!({"capacity": 2})).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_closed_session_takes_no_edit_and_once_reopened_keeps_its_posted_hours() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let path = format!("/api/v1/sessions/{id}");
    let closing = json!({"force": true, "reason": "场地临时停电"});
    assert_eq!(app.post(&trainer, &format!("{path}/close"), closing).await.status(), StatusCode::OK);
    assert_problem(
        app.patch(&trainer, &path, json!({"place": "新场地"})).await,
        StatusCode::CONFLICT,
        "session_closed",
    )
    .await;

    assert_eq!(app.post(&trainer, &format!("{path}/reopen"), json!({})).await.status(), StatusCode::OK);
    let refused = assert_problem(
        app.patch(&trainer, &path, json!({"hours": "6"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        (refused["errors"][0]["field"].as_str(), refused["errors"][0]["code"].as_str()),
        (Some("hours"), Some("hours_posted"))
    );
    assert_eq!(
        app.patch(&trainer, &path, json!({"place": "新场地", "hours": "3"})).await.status(),
        StatusCode::OK
    );
}

/// The subjects of the "moved" notices a teacher was sent.
async fn moved_notices(app: &TestApp, token: &str) -> Vec<String> {
    notifications(app, token)
        .await
        .into_iter()
        .filter(|n| n["template"] == "occasion_moved")
        .map(|n| n["subject"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn moving_a_session_or_event_tells_each_registrant_once_per_move() {
    let app = spawn_seeded_app().await;
    let (trainer, admin) = (app.token("trainer").await, app.token("admin").await);
    let teacher = app.token("teacher").await;
    let session_path = format!("/api/v1/sessions/{}", session(&app, &trainer).await);
    let start = app.clock.now() + Duration::days(3);
    let event_path =
        format!("/api/v1/research-events/{}", event(&app, &admin, "ES-ESS", "county", start).await);
    for (token, path) in [(&trainer, &session_path), (&admin, &event_path)] {
        assert_eq!(register(&app, &teacher, path).await.status(), StatusCode::CREATED);
        let before = moved_notices(&app, &teacher).await.len();

        let renamed = app.patch(token, path, json!({"title": "改名后的活动", "capacity": 90})).await;
        assert_eq!(renamed.status(), StatusCode::OK);
        assert_eq!(moved_notices(&app, &teacher).await.len(), before, "neither time nor place moved");

        let moved = app.patch(token, path, json!({"place": "三楼多功能厅"})).await;
        assert_eq!(moved.status(), StatusCode::OK);
        let later = (app.clock.now() + Duration::days(5)).to_rfc3339();
        let ends = (app.clock.now() + Duration::days(5) + Duration::hours(3)).to_rfc3339();
        let body = json!({"starts_at": later, "ends_at": ends});
        assert_eq!(app.patch(token, path, body.clone()).await.status(), StatusCode::OK);
        assert_eq!(app.patch(token, path, body).await.status(), StatusCode::OK, "the same move again");

        let told = moved_notices(&app, &teacher).await;
        assert_eq!(told.len(), before + 2, "one notice per move, none for a repeat: {told:?}");
        assert!(told.iter().all(|s| s.starts_with("时间地点变更：改名后的活动")), "{told:?}");
    }
}

#[tokio::test]
async fn cancelling_tells_every_registrant_and_refuses_everything_after() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let path = format!("/api/v1/sessions/{id}");
    let (teacher, other) = (app.token("teacher").await, app.token("ES00002").await);
    for token in [&teacher, &other] {
        assert_eq!(register(&app, token, &path).await.status(), StatusCode::CREATED);
    }

    let no_reason = assert_problem(
        app.post(&trainer, &format!("{path}/cancel"), json!({"reason": " x "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&no_reason), ["reason"]);
    assert_problem(
        app.post(&teacher, &format!("{path}/cancel"), json!({"reason": "我不想去了"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let cancelled =
        app.post(&trainer, &format!("{path}/cancel"), json!({"reason": "暴雨红色预警，培训取消"})).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let cancelled = json_of(cancelled).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancellation"]["reason"], "暴雨红色预警，培训取消");
    assert!(cancelled["cancellation"]["cancelled_at"].is_string());
    assert_eq!(json_of(app.get(&teacher, &path).await).await["status"], "cancelled", "teachers see it too");

    for token in [&teacher, &other] {
        let told: Vec<Value> = notifications(&app, token)
            .await
            .into_iter()
            .filter(|n| n["template"] == "occasion_cancelled")
            .collect();
        assert_eq!(told.len(), 1, "each registrant is told once");
        assert_eq!(told[0]["path"], format!("/sessions/{id}"), "linking the app's page of the session");
        assert!(told[0]["subject"].as_str().unwrap().starts_with("已取消：班主任心理辅导技能面授"));
    }
    let home = json_of(app.get(&teacher, "/api/v1/me/dashboard").await).await;
    assert!(
        home["upcoming_sessions"].as_array().unwrap().iter().all(|s| s["id"] != id),
        "a cancelled session is no longer upcoming"
    );

    // From now on the session refuses everything, with one clear code.
    let third = app.token("ES00003").await;
    assert_problem(register(&app, &third, &path).await, StatusCode::CONFLICT, "session_cancelled").await;
    assert_problem(
        app.get(&trainer, &format!("{path}/sign-in-code")).await,
        StatusCode::CONFLICT,
        "session_cancelled",
    )
    .await;
    app.clock.advance(Duration::minutes(10));
    let (trainer, teacher) = (app.token("trainer").await, app.token("teacher").await);
    assert_problem(
        scan(&app, &teacher, id, "check-in", "123456").await,
        StatusCode::CONFLICT,
        "session_cancelled",
    )
    .await;
    let teacher_id = json_of(app.get(&teacher, "/api/v1/me").await).await["person"]["id"].as_i64().unwrap();
    let mark = json!({"teacher_id": teacher_id, "status": "present", "reason": "纸质签到表"});
    assert_problem(
        app.post(&trainer, &format!("{path}/attendance"), mark).await,
        StatusCode::CONFLICT,
        "session_cancelled",
    )
    .await;
    let force = json!({"force": true, "reason": "提前结束"});
    for (way, body) in [("close", force), ("reopen", json!({})), ("cancel", json!({"reason": "再取消一次"}))]
    {
        assert_problem(
            app.post(&trainer, &format!("{path}/{way}"), body).await,
            StatusCode::CONFLICT,
            "session_cancelled",
        )
        .await;
    }
    assert_problem(
        app.patch(&trainer, &path, json!({"title": "恢复"})).await,
        StatusCode::CONFLICT,
        "session_cancelled",
    )
    .await;

    let admin = app.token("admin").await;
    let audit = json_of(app.get(&admin, "/api/v1/audit?per_page=200").await).await;
    let line =
        audit["items"].as_array().unwrap().iter().find(|a| a["action"] == "session_cancelled").cloned();
    let line = line.expect("the cancellation is audited");
    assert!(line["detail"].as_str().unwrap().contains("暴雨红色预警"), "{line}");
    assert!(line["detail"].as_str().unwrap().contains("已通知 2 人"), "{line}");
}

#[tokio::test]
async fn a_closed_session_cannot_be_cancelled() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let path = format!("/api/v1/sessions/{id}");
    let teacher = app.token("teacher").await;
    register(&app, &teacher, &path).await;
    app.clock.advance(Duration::minutes(10));
    let shown = code(&app, &trainer, id).await;
    assert_eq!(scan(&app, &teacher, id, "check-in", &shown).await.status(), StatusCode::OK);
    let closing = json!({"force": true, "reason": "场地临时停电"});
    assert_eq!(app.post(&trainer, &format!("{path}/close"), closing).await.status(), StatusCode::OK);
    assert_problem(
        app.post(&trainer, &format!("{path}/cancel"), json!({"reason": "取消"})).await,
        StatusCode::CONFLICT,
        "session_closed",
    )
    .await;
}

#[tokio::test]
async fn a_research_event_is_cancelled_and_edited_through_the_same_flow() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let id = event(&app, &admin, "ES-ESS", "county", app.clock.now() + Duration::days(2)).await;
    let path = format!("/api/v1/research-events/{id}");
    let teacher = app.token("teacher").await;
    assert_eq!(register(&app, &teacher, &path).await.status(), StatusCode::CREATED);
    let refused = assert_problem(
        app.patch(&admin, &path, json!({"capacity": 0})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&refused), ["capacity"]);

    // Sessions and events share one check of their details: same fields, same codes.
    let session_path = format!("/api/v1/sessions/{}", session(&app, &app.token("trainer").await).await);
    let bad = json!({"title": " ", "hours": "0", "capacity": 0, "min_presence_percent": 0, "closing_window_minutes": 500});
    let mut refusals = Vec::new();
    for (token, at) in [(&admin, &path), (&app.token("trainer").await, &session_path)] {
        let refused = assert_problem(
            app.patch(token, at, bad.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let mut codes: Vec<(String, String)> = refused["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
            .collect();
        codes.sort();
        refusals.push(codes);
    }
    assert_eq!(refusals[0].len(), 5, "{:?}", refusals[0]);
    assert_eq!(refusals[0], refusals[1]);
    let stricter =
        app.patch(&admin, &path, json!({"min_presence_percent": 90, "closing_window_minutes": 20})).await;
    assert_eq!(stricter.status(), StatusCode::OK);
    let stricter = json_of(stricter).await;
    assert_eq!(
        (stricter["min_presence_percent"].as_u64(), stricter["closing_window_minutes"].as_u64()),
        (Some(90), Some(20)),
        "an event's presence rules are edited like a session's"
    );

    let cancelled =
        app.post(&admin, &format!("{path}/cancel"), json!({"reason": "与州级活动时间冲突"})).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let cancelled = json_of(cancelled).await;
    assert_eq!(
        (cancelled["status"].as_str(), cancelled["cancellation"]["reason"].as_str()),
        (Some("cancelled"), Some("与州级活动时间冲突"))
    );
    let told: Vec<Value> = notifications(&app, &teacher)
        .await
        .into_iter()
        .filter(|n| n["template"] == "occasion_cancelled")
        .collect();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["path"], "/research-events");

    let other = app.token("ES00002").await;
    assert_problem(register(&app, &other, &path).await, StatusCode::CONFLICT, "event_cancelled").await;
    assert_problem(
        app.get(&admin, &format!("{path}/sign-in-code")).await,
        StatusCode::CONFLICT,
        "event_cancelled",
    )
    .await;
    assert_problem(
        app.patch(&admin, &path, json!({"place": "新场地"})).await,
        StatusCode::CONFLICT,
        "event_cancelled",
    )
    .await;
    let teacher_id = json_of(app.get(&teacher, "/api/v1/me").await).await["person"]["id"].as_i64().unwrap();
    let late_paper = json!({"teacher_id": teacher_id, "status": "present", "reason": "纸质签到表"});
    assert_problem(
        app.post(&admin, &format!("{path}/attendance"), late_paper).await,
        StatusCode::CONFLICT,
        "event_cancelled",
    )
    .await;
    let audit = json_of(app.get(&admin, "/api/v1/audit?per_page=200").await).await;
    assert!(audit["items"].as_array().unwrap().iter().any(|a| a["action"] == "event_cancelled"));
}
