use chrono::{DateTime, Duration, Utc};
use kernel::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json_of, spawn_seeded_app};

pub(crate) async fn event(
    app: &TestApp,
    token: &str,
    unit: &str,
    level: &str,
    starts_at: DateTime<Utc>,
) -> i64 {
    let org = app.org_unit_id(&app.token("admin").await, unit).await;
    let body = json!({"title": format!("{level} 级教研"), "form": "collective", "level": level, "org_unit_id": org,
        "starts_at": starts_at.to_rfc3339(), "ends_at": (starts_at + Duration::hours(3)).to_rfc3339(),
        "place": "报告厅", "hours": "3", "capacity": 100});
    let response = app.post(token, "/api/v1/research-events", body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    json_of(response).await["id"].as_i64().unwrap()
}

async fn present(app: &TestApp, token: &str, event: i64, teacher: i64) {
    let response = app
        .post(
            token,
            &format!("/api/v1/research-events/{event}/attendance"),
            json!({"teacher_id": teacher, "status": "present", "reason": "纸质签到表录入"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn demo_teacher(app: &TestApp) -> i64 {
    json_of(app.get(&app.token("teacher").await, "/api/v1/me").await).await["person"]["id"].as_i64().unwrap()
}

fn row_of(report: &Value, teacher: i64) -> Value {
    report["items"].as_array().unwrap().iter().find(|r| r["teacher_id"] == teacher).cloned().unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn three_county_events_comply_two_do_not_and_school_events_only_earn_hours() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let teacher = demo_teacher(&app).await;
    let mut ids = Vec::new();
    for (i, (unit, level)) in
        [("ES-ESS", "county"), ("ES", "prefecture"), ("ES-ESS-001", "school"), ("ES-ESS-001", "school")]
            .iter()
            .enumerate()
    {
        ids.push(
            event(&app, &admin, unit, level, at("2026-03-10T01:00:00Z") + Duration::days(i as i64)).await,
        );
    }
    for id in &ids {
        present(&app, &admin, *id, teacher).await;
    }
    let report = json_of(app.get(&admin, "/api/v1/reports/research?year=2026").await).await;
    let row = row_of(&report, teacher);
    assert_eq!(
        (row["attended"].as_u64(), row["attended_county_or_above"].as_u64(), row["compliant"].as_bool()),
        (Some(4), Some(2), Some(false))
    );
    assert!(!report["items"][0]["compliant"].as_bool().unwrap(), "behind pace first");

    let third = event(&app, &admin, "ES-ESS", "county", at("2026-05-10T01:00:00Z")).await;
    present(&app, &admin, third, teacher).await;
    let report = json_of(app.get(&admin, "/api/v1/reports/research?year=2026").await).await;
    assert_eq!(row_of(&report, teacher)["compliant"], true, "exactly three complies");
    let fulltime = report["items"].as_array().unwrap().len() as u64;
    let schools: u64 = report["schools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["fulltime_mh_teachers"].as_u64().unwrap())
        .sum();
    assert_eq!(schools, fulltime);
    assert_eq!(report["counties"].as_array().unwrap().len(), 8);
    let compliant = report["items"].as_array().unwrap().iter().filter(|r| r["compliant"] == true).count();
    assert_eq!(
        (report["summary"]["fulltime_mh_teachers"].as_u64(), report["summary"]["compliant"].as_u64()),
        (Some(fulltime), Some(compliant as u64)),
        "the summary counts the items: {}",
        report["summary"]
    );

    for id in ids.iter().chain([&third]) {
        app.post(&admin, &format!("/api/v1/research-events/{id}/close"), json!({})).await;
        app.post(&admin, &format!("/api/v1/research-events/{id}/close"), json!({})).await;
    }
    let credits =
        json_of(app.get(&app.token("teacher").await, "/api/v1/me/credits?category=research_event").await)
            .await;
    assert_eq!(credits["total"], 5, "every attended event earns hours once, school level included");
    assert_eq!(credits["totals"]["total_hours"], "15");

    let csv = app.get(&admin, "/api/v1/reports/research?year=2026&format=csv").await.text().await.unwrap();
    assert!(csv.contains("县级及以上") && csv.contains("是否达标"));
}

#[tokio::test]
async fn an_event_counts_in_the_china_time_year_it_happened() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let teacher = demo_teacher(&app).await;
    let eve = event(&app, &admin, "ES-ESS", "county", at("2026-12-31T20:00:00+08:00")).await;
    let new_year = event(&app, &admin, "ES-ESS", "county", at("2027-01-01T00:30:00+08:00")).await;
    present(&app, &admin, eve, teacher).await;
    present(&app, &admin, new_year, teacher).await;
    let y2026 = json_of(app.get(&admin, "/api/v1/reports/research?year=2026").await).await;
    let y2027 = json_of(app.get(&admin, "/api/v1/reports/research?year=2027").await).await;
    assert_eq!(row_of(&y2026, teacher)["attended_county_or_above"], 1);
    assert_eq!(row_of(&y2027, teacher)["attended_county_or_above"], 1);
}

#[tokio::test]
async fn events_run_by_sign_in_and_a_late_paper_mark_posts_at_once() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let start = app.clock.now() + Duration::minutes(10);
    let id = event(&app, &admin, "ES-ESS", "county", start).await;
    let teacher = app.token("teacher").await;
    assert_eq!(
        app.post(&teacher, &format!("/api/v1/research-events/{id}/registrations"), json!({})).await.status(),
        StatusCode::CREATED
    );
    let upcoming = json_of(app.get(&teacher, "/api/v1/me/research-events").await).await;
    assert!(upcoming["items"].as_array().unwrap().iter().any(|e| e["id"] == id));
    assert_eq!(upcoming["progress"]["required"], 3);

    let code =
        json_of(app.get(&admin, &format!("/api/v1/research-events/{id}/sign-in-code")).await).await["code"]
            .as_str()
            .unwrap()
            .to_owned();
    let signed =
        app.post(&teacher, &format!("/api/v1/research-events/{id}/check-in"), json!({"code": code})).await;
    assert_eq!(signed.status(), StatusCode::OK);
    assert_problem(
        app.post(&teacher, &format!("/api/v1/research-events/{id}/check-out"), json!({"code": "999999"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    app.clock.advance(Duration::days(2));
    let admin = app.token("admin").await;
    app.post(&admin, &format!("/api/v1/research-events/{id}/close"), json!({})).await;
    let teacher = app.token("teacher").await;
    assert_eq!(
        json_of(app.get(&teacher, "/api/v1/me/credits?category=research_event").await).await["total"],
        0,
        "signed in but never out"
    );
    present(&app, &admin, id, demo_teacher(&app).await).await;
    assert_eq!(
        json_of(app.get(&teacher, "/api/v1/me/credits?category=research_event").await).await["total"],
        1
    );
    let dashboard = json_of(app.get(&teacher, "/api/v1/me/dashboard").await).await;
    assert_eq!(dashboard["research"]["attended_county_or_above"], 1, "{dashboard}");

    // The event's sheet is a session's: names beside ids, minutes, the hours credited.
    let sheet = json_of(app.get(&admin, &format!("/api/v1/research-events/{id}/attendance")).await).await;
    assert_eq!(sheet["event"]["id"], id);
    let line =
        sheet["lines"].as_array().unwrap().iter().find(|l| l["employee_no"] == "ES00001").unwrap().clone();
    assert!(!line["name"].as_str().unwrap().is_empty() && !line["school_name"].as_str().unwrap().is_empty());
    assert_eq!((line["attended"].as_bool(), line["hours_credited"].as_str()), (Some(true), Some("3")));
}

#[tokio::test]
async fn the_event_list_filters_by_status_like_the_session_list() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let start = app.clock.now() + Duration::days(3);
    let kept = event(&app, &admin, "ES-ESS", "county", start).await;
    let dropped = event(&app, &admin, "ES-ESS", "county", start).await;
    let path = format!("/api/v1/research-events/{dropped}/cancel");
    let cancel = app.post(&admin, &path, json!({"reason": "场地冲突，改期"})).await;
    assert_eq!(cancel.status(), StatusCode::OK);
    let ids = |page: serde_json::Value| -> Vec<i64> {
        page["items"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
    };
    let cancelled = json_of(app.get(&admin, "/api/v1/research-events?status=cancelled").await).await;
    assert_eq!(ids(cancelled), [dropped]);
    let scheduled = ids(json_of(app.get(&admin, "/api/v1/research-events?status=scheduled").await).await);
    assert!(scheduled.contains(&kept) && !scheduled.contains(&dropped), "{scheduled:?}");
}

#[tokio::test]
async fn a_school_cannot_hold_a_county_level_event() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let org = app.org_unit_id(&admin, "ES-ESS-001").await;
    let body = json!({"title": "越级活动", "form": "exchange", "level": "county", "org_unit_id": org,
        "starts_at": "2026-06-01T01:00:00Z", "ends_at": "2026-06-01T03:00:00Z", "place": "教室", "hours": "2", "capacity": 30});
    let problem = assert_problem(
        app.post(&admin, "/api/v1/research-events", body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "level");
}

#[tokio::test]
async fn workload_notes_must_not_identify_students_and_confirmed_minutes_become_class_hours() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let today = kernel::china_date(app.clock.now());
    for note in ["学生电话 13812345678", "身份证 42280119990101123X"] {
        let body =
            json!({"date": today.to_string(), "kind": "individual_counseling", "minutes": 45, "note": note});
        let problem = assert_problem(
            app.post(&teacher, "/api/v1/me/workload", body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["code"], "identifies_student");
    }
    let mut ids = Vec::new();
    for minutes in [45, 45, 30] {
        let body = json!({"date": today.to_string(), "kind": "group_counseling", "minutes": minutes, "note": "初二团体辅导"});
        let response = app.post(&teacher, "/api/v1/me/workload", body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(json_of(response).await["id"].as_i64().unwrap());
    }
    let admin = app.token("county.admin").await;
    app.post(&admin, &format!("/api/v1/workload/{}/confirm", ids[0]), json!({})).await;
    app.post(&admin, &format!("/api/v1/workload/{}/confirm", ids[1]), json!({})).await;
    assert_problem(
        app.post(&admin, &format!("/api/v1/workload/{}/reject", ids[2]), json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    app.post(&admin, &format!("/api/v1/workload/{}/reject", ids[2]), json!({"reason": "与课表不符"})).await;
    assert_problem(
        app.post(&admin, &format!("/api/v1/workload/{}/confirm", ids[2]), json!({})).await,
        StatusCode::CONFLICT,
        "already_decided",
    )
    .await;

    let term = if today.format("%m").to_string().parse::<u32>().unwrap() >= 8
        || today.format("%m").to_string() == "01"
    {
        "2"
    } else {
        "1"
    };
    let year = if today.format("%m").to_string() == "01" {
        today.format("%Y").to_string().parse::<i32>().unwrap() - 1
    } else {
        today.format("%Y").to_string().parse().unwrap()
    };
    let report =
        json_of(app.get(&admin, &format!("/api/v1/reports/workload?term={year}-{term}")).await).await;
    let me = demo_teacher(&app).await;
    let row = report["items"].as_array().unwrap().iter().find(|r| r["teacher_id"] == me).unwrap();
    assert_eq!((row["confirmed_minutes"].as_u64(), row["class_hours"].as_str()), (Some(90), Some("2")));
    assert!(row["employee_no"].as_str().is_some_and(|no| !no.is_empty()), "工号 beside the id: {row}");
    let minutes: u64 =
        report["items"].as_array().unwrap().iter().map(|r| r["confirmed_minutes"].as_u64().unwrap()).sum();
    assert_eq!(report["summary"]["confirmed_minutes"].as_u64(), Some(minutes));
    assert_eq!(
        report["summary"]["teachers"].as_u64(),
        Some(report["items"].as_array().unwrap().len() as u64)
    );
    assert_problem(
        app.get(&admin, "/api/v1/reports/workload?term=2026-3").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let hr_teacher = app.token("trainer").await;
    assert_problem(
        app.post(
            &hr_teacher,
            "/api/v1/me/workload",
            json!({"date": today.to_string(), "kind": "activity", "minutes": 10, "note": "x"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn mentor_pairs_and_studios_show_on_a_teachers_record() {
    let app = spawn_seeded_app().await;
    let admin = app.token("county.admin").await;
    let county = app.org_unit_id(&app.token("admin").await, "ES-ESS").await;
    let people =
        json_of(app.get(&admin, &format!("/api/v1/teachers?org_unit={county}&per_page=3")).await).await;
    let ids: Vec<i64> =
        people["items"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    let pair = app.post(&admin, "/api/v1/mentorships", json!({"mentor_id": ids[0], "mentee_id": ids[1], "starts_on": "2026-09-01", "ends_on": "2027-07-01"})).await;
    assert_eq!(pair.status(), StatusCode::CREATED);
    let studio = app
        .post(
            &admin,
            "/api/v1/studios",
            json!({"name": "心理健康名师工作室", "host_id": ids[0], "member_ids": [ids[1], ids[2]]}),
        )
        .await;
    assert_eq!(studio.status(), StatusCode::CREATED);
    let teacher = app.token("teacher").await;
    let mine = json_of(app.get(&teacher, "/api/v1/mentorships").await).await;
    let studios = json_of(app.get(&teacher, "/api/v1/studios").await).await;
    let me = demo_teacher(&app).await;
    assert_eq!(mine["total"], u64::from(ids[..2].contains(&me)));
    assert_eq!(studios["total"], u64::from(ids.contains(&me)));
    let lichuan = app.org_unit_id(&app.token("admin").await, "ES-LCS").await;
    let outsider = json_of(
        app.get(&app.token("admin").await, &format!("/api/v1/teachers?org_unit={lichuan}&per_page=1")).await,
    )
    .await["items"][0]["id"]
        .clone();
    let bad = app.post(&admin, "/api/v1/mentorships", json!({"mentor_id": ids[0], "mentee_id": outsider, "starts_on": "2026-09-01", "ends_on": "2027-07-01"})).await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}
