use chrono::{Datelike, Duration, NaiveDate};
use kernel::Clock;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, json_of, spawn_seeded_app};

/// The id of the demo teacher (`teacher`) and of a teacher in another county (利川市).
async fn teachers(app: &TestApp) -> (i64, i64) {
    let me = json_of(app.get(&app.token("teacher").await, "/api/v1/me").await).await;
    let admin = app.token("admin").await;
    let lichuan = app.org_unit_id(&admin, "ES-LCS").await;
    let page =
        json_of(app.get(&admin, &format!("/api/v1/teachers?org_unit={lichuan}&per_page=1")).await).await;
    (me["person"]["id"].as_i64().unwrap(), page["items"][0]["id"].as_i64().unwrap())
}

async fn adjust(app: &TestApp, token: &str, teacher: i64, body: Value) -> reqwest::Response {
    app.post(token, &format!("/api/v1/teachers/{teacher}/credits/adjustments"), body).await
}

fn external(hours: &str, reason: &str) -> Value {
    json!({"category": "external", "hours": hours, "occurred_on": "2026-05-18", "reason": reason})
}

async fn totals(app: &TestApp, token: &str, teacher: i64) -> Value {
    json_of(app.get(token, &format!("/api/v1/teachers/{teacher}/credits")).await).await["totals"].clone()
}

#[tokio::test]
async fn adjustments_add_up_exactly_by_category_year_and_cycle() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (teacher, _) = teachers(&app).await;
    for hours in ["0.1", "0.2", "12.5"] {
        assert_eq!(
            adjust(&app, &admin, teacher, external(hours, "省级网络研修")).await.status(),
            StatusCode::CREATED
        );
    }
    let older = json!({"category": "adjustment", "hours": 6, "occurred_on": "2024-09-01", "reason": "补录 2024 年线下培训"});
    assert_eq!(adjust(&app, &admin, teacher, older).await.status(), StatusCode::CREATED);

    let totals = totals(&app, &admin, teacher).await;
    assert_eq!(totals["total_hours"], "18.8");
    assert_eq!(totals["by_category"], json!({"adjustment": "6", "external": "12.8"}));
    assert_eq!(totals["by_year"], json!({"2024": "6", "2026": "12.8"}));
    assert_eq!(totals["cycle_start_year"], 2026);
    assert_eq!(totals["cycle_hours"], "12.8", "2024 lies in the previous cycle");
    assert_eq!(totals["cycle_required_hours"], "360");
    assert_eq!(totals["total_credits"], "3.1", "18.8 h at 6 h per credit");

    let mine = json_of(app.get(&app.token("teacher").await, "/api/v1/me/credits?year=2024").await).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["hours"], "6");
    assert_eq!(mine["totals"]["total_hours"], "18.8");
}

#[tokio::test]
async fn concurrent_retries_with_one_idempotency_key_post_once() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (teacher, _) = teachers(&app).await;
    let url = app.url(&format!("/api/v1/teachers/{teacher}/credits/adjustments"));
    let requests = (0..8).map(|_| {
        app.client
            .post(&url)
            .bearer_auth(&admin)
            .header("Idempotency-Key", "retry-1")
            .json(&external("8", "国培计划"))
            .send()
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut ids = Vec::new();
    for response in responses {
        let response = response.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(json_of(response).await["id"].as_i64().unwrap());
    }
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "every retry answers the one entry: {ids:?}");
    assert_eq!(totals(&app, &admin, teacher).await["total_hours"], "8");

    let (_, other) = teachers(&app).await;
    for (target, body) in [(teacher, external("9", "国培计划")), (other, external("8", "国培计划"))] {
        let path = format!("/api/v1/teachers/{target}/credits/adjustments");
        let reused = app.client.post(app.url(&path)).bearer_auth(&admin).header("Idempotency-Key", "retry-1");
        let response = reused.json(&body).send().await.unwrap();
        assert_problem(response, StatusCode::CONFLICT, "idempotency_key_reused").await;
    }
    assert_eq!(totals(&app, &admin, teacher).await["total_hours"], "8", "nothing posted on a reused key");
}

#[tokio::test]
async fn concurrent_posts_of_one_source_from_many_tasks_post_exactly_once() {
    let app = spawn_seeded_app().await;
    let (teacher, _) = teachers(&app).await;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let db = app.db.clone();
            tokio::spawn(async move {
                let txn = kernel::begin_write(&db).await.unwrap();
                let entry = credit::NewEntry {
                    teacher_id: teacher,
                    source: credit::Source::OfflineSession { session_id: 42, teacher_id: teacher },
                    hours: Decimal::new(35, 1),
                    occurred_on: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
                    description: format!("线下培训（第 {i} 次重试）"),
                    recorded_by: None,
                };
                let posted = server::pipeline::ledger().post(&txn, chrono::Utc::now(), entry).await.unwrap();
                txn.commit().await.unwrap();
                posted
            })
        })
        .collect();
    let mut created = 0;
    let mut ids = Vec::new();
    for task in tasks {
        let posted = task.await.unwrap();
        created += usize::from(posted.created);
        ids.push(posted.entry.id);
    }
    assert_eq!(created, 1, "exactly one task created the entry");
    assert!(ids.windows(2).all(|w| w[0] == w[1]));
    let check = credit::verify_chain(&app.db, teacher).await.unwrap();
    assert!(check.ok && check.checked_entries == 1, "{check:?}");
}

#[tokio::test]
async fn concurrent_posts_of_different_sources_keep_one_unbroken_chain() {
    let app = spawn_seeded_app().await;
    let (teacher, _) = teachers(&app).await;
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let db = app.db.clone();
            tokio::spawn(async move {
                let txn = kernel::begin_write(&db).await.unwrap();
                let entry = credit::NewEntry {
                    teacher_id: teacher,
                    source: credit::Source::Course { course_id: i, teacher_id: teacher },
                    hours: Decimal::ONE,
                    occurred_on: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
                    description: "网络课程".to_owned(),
                    recorded_by: None,
                };
                server::pipeline::ledger().post(&txn, chrono::Utc::now(), entry).await.unwrap();
                txn.commit().await.unwrap();
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let check = credit::verify_chain(&app.db, teacher).await.unwrap();
    assert_eq!((check.ok, check.checked_entries), (true, 10), "{check:?}");
}

#[tokio::test]
async fn reversal_cancels_an_entry_once_and_only_for_its_teacher() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (teacher, other) = teachers(&app).await;
    let entry = json_of(adjust(&app, &admin, teacher, external("10", "误录的培训")).await).await;
    let keep = json_of(adjust(&app, &admin, teacher, external("4", "正确的培训")).await).await;
    let id = entry["id"].as_i64().unwrap();

    let reversal = json!({"occurred_on": "2026-05-20", "reason": "重复录入，冲销", "reverses_entry_id": id});
    let reversed = adjust(&app, &admin, teacher, reversal.clone()).await;
    assert_eq!(reversed.status(), StatusCode::CREATED);
    let reversed = json_of(reversed).await;
    assert_eq!(reversed["hours"], "-10");
    assert_eq!(reversed["category"], "external");
    assert_eq!(reversed["reverses_entry_id"], id);
    assert_eq!(totals(&app, &admin, teacher).await["total_hours"], "4");

    assert_problem(adjust(&app, &admin, teacher, reversal).await, StatusCode::CONFLICT, "already_reversed")
        .await;
    let of_reversal =
        json!({"occurred_on": "2026-05-20", "reason": "冲销冲销", "reverses_entry_id": reversed["id"]});
    let problem = assert_problem(
        adjust(&app, &admin, teacher, of_reversal).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "is_reversal");
    let foreign = json!({"occurred_on": "2026-05-20", "reason": "冲销别人", "reverses_entry_id": keep["id"]});
    let problem = assert_problem(
        adjust(&app, &admin, other, foreign).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "unknown_entry");
    assert_eq!(totals(&app, &admin, teacher).await["total_hours"], "4");

    let transcript = json_of(app.get(&admin, &format!("/api/v1/teachers/{teacher}/transcript")).await).await;
    let counted: Vec<&Value> = transcript["entries"].as_array().unwrap().iter().collect();
    assert_eq!(counted.len(), 1, "the reversed entry and its reversal cancel out");
    assert_eq!(counted[0]["id"], keep["id"]);
}

#[tokio::test]
async fn bad_adjustments_are_refused_and_write_nothing() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (teacher, _) = teachers(&app).await;
    let tomorrow = (chrono::Utc::now() + Duration::days(2)).date_naive().to_string();
    let cases = [
        (
            json!({"category": "external", "hours": "-3", "occurred_on": "2026-05-01", "reason": "负数"}),
            "hours",
        ),
        (
            json!({"category": "external", "hours": "5000", "occurred_on": "2026-05-01", "reason": "离谱"}),
            "hours",
        ),
        (
            json!({"category": "external", "hours": "1.25", "occurred_on": "2026-05-01", "reason": "两位小数"}),
            "hours",
        ),
        (
            json!({"category": "external", "hours": "3", "occurred_on": tomorrow, "reason": "未来"}),
            "occurred_on",
        ),
        (json!({"category": "external", "hours": "3", "occurred_on": "2026-05-01", "reason": " "}), "reason"),
        (
            json!({"category": "exam", "hours": "3", "occurred_on": "2026-05-01", "reason": "伪造考试学时"}),
            "category",
        ),
    ];
    for (body, field) in cases {
        let problem = assert_problem(
            adjust(&app, &admin, teacher, body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), [field], "{body}");
    }
    let missing_reason = json!({"category": "external", "hours": "3", "occurred_on": "2026-05-01"});
    assert_problem(
        adjust(&app, &admin, teacher, missing_reason).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(totals(&app, &admin, teacher).await["total_hours"], "0");
}

#[tokio::test]
async fn only_admins_in_scope_post_adjustments() {
    let app = spawn_seeded_app().await;
    let (teacher, other) = teachers(&app).await;
    let hr = app.token("hr").await;
    assert_problem(
        adjust(&app, &hr, teacher, external("2", "HR 不可写")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let own = app.token("teacher").await;
    assert_problem(
        adjust(&app, &own, teacher, external("2", "自己加学时")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let county_admin = app.token("county.admin").await;
    assert_problem(
        adjust(&app, &county_admin, other, external("2", "别的县")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        adjust(&app, &county_admin, teacher, external("2", "本县教师")).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn chain_check_finds_an_entry_edited_behind_the_systems_back() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (teacher, _) = teachers(&app).await;
    let mut ids = Vec::new();
    for hours in ["2", "3", "4"] {
        ids.push(
            json_of(adjust(&app, &admin, teacher, external(hours, "研修")).await).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let path = format!("/api/v1/teachers/{teacher}/credits/verify");
    assert_eq!(
        json_of(app.get(&admin, &path).await).await,
        json!({"ok": true, "checked_entries": 3, "first_broken_entry_id": null})
    );

    app.db
        .execute_unprepared(&format!("UPDATE credit_entry SET hours_tenths = 300 WHERE id = {}", ids[1]))
        .await
        .unwrap();
    let check = json_of(app.get(&admin, &path).await).await;
    assert_eq!(check["ok"], false);
    assert_eq!(check["first_broken_entry_id"], ids[1]);
}

#[tokio::test]
async fn chain_check_finds_a_deleted_last_entry() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (teacher, _) = teachers(&app).await;
    let mut last = 0;
    for hours in ["2", "3"] {
        last = json_of(adjust(&app, &admin, teacher, external(hours, "研修")).await).await["id"]
            .as_i64()
            .unwrap();
    }
    app.db.execute_unprepared(&format!("DELETE FROM credit_entry WHERE id = {last}")).await.unwrap();
    let check = json_of(app.get(&admin, &format!("/api/v1/teachers/{teacher}/credits/verify")).await).await;
    assert_eq!(check["ok"], false);
}

#[tokio::test]
async fn imported_history_chains_and_later_posts_continue_it() {
    let app = spawn_seeded_app().await;
    let (teacher, _) = teachers(&app).await;
    let entry = |i: i64| credit::NewEntry {
        teacher_id: teacher,
        source: credit::Source::History { category: credit::Category::External, key: format!("import-{i}") },
        hours: Decimal::new(25, 1),
        occurred_on: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        description: "旧系统迁入".to_owned(),
        recorded_by: None,
    };
    let txn = kernel::begin_write(&app.db).await.unwrap();
    assert_eq!(
        credit::import_history(&txn, chrono::Utc::now(), (0..5).map(entry).collect()).await.unwrap(),
        5
    );
    txn.commit().await.unwrap();
    let admin = app.token("admin").await;
    assert_eq!(
        adjust(&app, &admin, teacher, external("1", "迁入后新增")).await.status(),
        StatusCode::CREATED
    );
    let check = credit::verify_chain(&app.db, teacher).await.unwrap();
    assert_eq!((check.ok, check.checked_entries), (true, 6), "{check:?}");
    assert_eq!(totals(&app, &admin, teacher).await["total_hours"], "13.5");
}

/// Days are the prefecture's (China time, UTC+8): at 04:00 on 1 January in Enshi, while it is
/// still 31 December in UTC, an entry dated 1 January is today (not "in the future") and the
/// teacher's home screen already counts the new year.
#[tokio::test]
async fn the_day_and_year_are_china_time_while_utc_is_still_yesterday() {
    let app = spawn_seeded_app().await;
    let now = app.clock.now();
    let year = if now < new_years_eve_20_utc(now.year()) { now.year() } else { now.year() + 1 };
    app.clock.advance(new_years_eve_20_utc(year) - now);
    let (admin, teacher) = (app.token("admin").await, app.token("teacher").await);
    let me = json_of(app.get(&teacher, "/api/v1/me").await).await["person"]["id"].as_i64().unwrap();

    let new_year_day = format!("{}-01-01", year + 1);
    let body =
        json!({"category": "external", "hours": "2", "occurred_on": new_year_day, "reason": "元旦培训"});
    let posted = app.post(&admin, &format!("/api/v1/teachers/{me}/credits/adjustments"), body).await;
    assert_eq!(posted.status(), StatusCode::CREATED, "1 January is today in China");
    let dashboard = json_of(app.get(&teacher, "/api/v1/me/dashboard").await).await;
    assert_eq!(dashboard["year"], year + 1);
}

fn new_years_eve_20_utc(year: i32) -> chrono::DateTime<chrono::Utc> {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap().and_hms_opt(20, 0, 0).unwrap().and_utc()
}
