//! Plan item 8: recognised titles granted and revoked by admins (dated, with reasons,
//! audited), counted against the plan's targets, and the commendation list drawn up from them
//! and exported.

use calamine::Data;
use chrono::Duration;
use kernel::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::exports::{csv_rows, download, xlsx_rows};
use crate::helpers::{TestApp, assert_problem, error_fields, json_of, spawn_seeded_app};

/// The id of the teacher with `employee_no`.
async fn teacher(app: &TestApp, employee_no: &str) -> i64 {
    let admin = app.token("admin").await;
    let page = json_of(app.get(&admin, &format!("/api/v1/teachers?q={employee_no}")).await).await;
    page["items"].as_array().unwrap().iter().find(|t| t["employee_no"] == employee_no).unwrap()["id"]
        .as_i64()
        .unwrap()
}

fn today(app: &TestApp) -> String {
    kernel::china_date(app.clock.now()).to_string()
}

async fn grant(app: &TestApp, token: &str, teacher: i64, kind: &str, on: &str) -> reqwest::Response {
    let body = json!({"kind": kind, "granted_on": on, "reason": "主持名师工作室，州级优质课一等奖"});
    app.post(token, &format!("/api/v1/teachers/{teacher}/titles"), body).await
}

fn target<'r>(report: &'r Value, kind: &str) -> &'r Value {
    report["summary"]["targets"].as_array().unwrap().iter().find(|t| t["kind"] == kind).unwrap()
}

#[tokio::test]
async fn admins_grant_titles_of_their_level_once_with_a_date_and_a_reason() {
    let app = spawn_seeded_app().await;
    let (admin, county) = (app.token("admin").await, app.token("county.admin").await);
    let (near, far) = (teacher(&app, "ES00002").await, teacher(&app, "ES00065").await);
    let day = today(&app);

    let granted = grant(&app, &admin, near, "prefecture_mh_master", &day).await;
    assert_eq!(granted.status(), StatusCode::CREATED);
    let granted = json_of(granted).await;
    assert_eq!(
        (granted["kind"].as_str(), granted["active"].as_bool()),
        (Some("prefecture_mh_master"), Some(true))
    );
    assert_eq!(granted["employee_no"], "ES00002");
    assert!(!granted["school_name"].as_str().unwrap().is_empty());
    assert_problem(
        grant(&app, &admin, near, "prefecture_mh_master", &day).await,
        StatusCode::CONFLICT,
        "title_held",
    )
    .await;

    // A county names its key teachers; only the prefecture names master teachers.
    assert_eq!(grant(&app, &county, near, "county_key_teacher", &day).await.status(), StatusCode::CREATED);
    let other = teacher(&app, "ES00003").await;
    assert_problem(
        grant(&app, &county, other, "prefecture_mh_master", &day).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        grant(&app, &county, far, "county_key_teacher", &day).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        grant(&app, &app.token("trainer").await, other, "county_key_teacher", &day).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let tomorrow = (kernel::china_date(app.clock.now()) + Duration::days(1)).to_string();
    let body = json!({"kind": "county_key_teacher", "granted_on": tomorrow, "reason": " "});
    let refused = assert_problem(
        app.post(&county, &format!("/api/v1/teachers/{other}/titles"), body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut fields = error_fields(&refused);
    fields.sort();
    assert_eq!(fields, ["granted_on", "reason"], "every field at once");

    // HR (the title-evaluation office) reads the list; teachers do not.
    let hr = app.token("hr").await;
    let list = json_of(app.get(&hr, "/api/v1/titles?kind=county_key_teacher").await).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["teacher_id"], near);
    assert_problem(
        app.get(&app.token("teacher").await, "/api/v1/titles").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let audit = json_of(app.get(&admin, "/api/v1/audit?per_page=200").await).await;
    let grants: Vec<&Value> =
        audit["items"].as_array().unwrap().iter().filter(|a| a["action"] == "title_granted").collect();
    assert_eq!(grants.len(), 2, "each grant is audited");
    assert!(grants.iter().all(|a| a["teacher_id"] == near));
}

#[tokio::test]
async fn a_revoked_title_counts_until_its_day_and_stays_on_record() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let near = teacher(&app, "ES00002").await;
    let granted_on = (kernel::china_date(app.clock.now()) - Duration::days(30)).to_string();
    let id = json_of(grant(&app, &admin, near, "county_key_teacher", &granted_on).await).await["id"]
        .as_i64()
        .unwrap();

    let too_early = (kernel::china_date(app.clock.now()) - Duration::days(31)).to_string();
    let refused = assert_problem(
        app.post(
            &admin,
            &format!("/api/v1/titles/{id}/revoke"),
            json!({"revoked_on": too_early, "reason": "调离岗位"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "before_grant");
    let revoked_on = (kernel::china_date(app.clock.now()) - Duration::days(10)).to_string();
    let revoked = app
        .post(
            &admin,
            &format!("/api/v1/titles/{id}/revoke"),
            json!({"revoked_on": revoked_on, "reason": "调离心理健康教育岗位"}),
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let revoked = json_of(revoked).await;
    assert_eq!(
        (revoked["active"].as_bool(), revoked["revoke_reason"].as_str()),
        (Some(false), Some("调离心理健康教育岗位"))
    );
    assert_problem(
        app.post(
            &admin,
            &format!("/api/v1/titles/{id}/revoke"),
            json!({"revoked_on": revoked_on, "reason": "再次撤销"}),
        )
        .await,
        StatusCode::CONFLICT,
        "title_revoked",
    )
    .await;

    let before = (kernel::china_date(app.clock.now()) - Duration::days(20)).to_string();
    let then = json_of(app.get(&admin, &format!("/api/v1/reports/titles?as_of={before}")).await).await;
    assert_eq!(target(&then, "county_key_teacher")["held"], 1, "held between grant and revocation");
    let now = json_of(app.get(&admin, "/api/v1/reports/titles").await).await;
    assert_eq!(target(&now, "county_key_teacher")["held"], 0);
    let revoked_list = json_of(app.get(&admin, "/api/v1/titles?active=false").await).await;
    assert_eq!(revoked_list["total"], 1, "a revoked title stays on record");
    assert_eq!(json_of(app.get(&admin, "/api/v1/titles?active=true").await).await["total"], 0);
    // Granted again after the revocation: a new title, held anew.
    assert_eq!(
        grant(&app, &admin, near, "county_key_teacher", &today(&app)).await.status(),
        StatusCode::CREATED
    );

    let audit = json_of(app.get(&admin, "/api/v1/audit?per_page=200").await).await;
    assert!(audit["items"].as_array().unwrap().iter().any(|a| a["action"] == "title_revoked"));
}

#[tokio::test]
async fn the_report_counts_holders_against_the_plans_targets_per_county() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let day = today(&app);
    for no in ["ES00001", "ES00002", "ES00003", "ES00004", "ES00005", "ES00065"] {
        let id = teacher(&app, no).await;
        assert_eq!(grant(&app, &admin, id, "prefecture_mh_master", &day).await.status(), StatusCode::CREATED);
    }
    let id = teacher(&app, "ES00066").await;
    assert_eq!(grant(&app, &admin, id, "county_key_teacher", &day).await.status(), StatusCode::CREATED);

    let report = json_of(app.get(&admin, "/api/v1/reports/titles").await).await;
    let master = target(&report, "prefecture_mh_master");
    assert_eq!(
        (master["held"].as_u64(), master["target_min"].as_u64(), master["target_max"].as_u64()),
        (Some(6), Some(5), Some(10))
    );
    assert_eq!(master["standing"], "within");
    assert_eq!(master["label"], "州级心理健康教育名师");
    let key = target(&report, "county_key_teacher");
    assert_eq!((key["held"].as_u64(), key["standing"].as_str()), (Some(1), Some("short")));
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 8, "every county, holders or not");
    let row = |name: &str| items.iter().find(|r| r["org_unit_name"] == name).unwrap().clone();
    assert_eq!(
        (row("恩施市")["prefecture_mh_master"].as_u64(), row("利川市")["prefecture_mh_master"].as_u64()),
        (Some(5), Some(1))
    );
    assert_eq!(row("利川市")["county_key_teacher"], 1);

    let county = json_of(app.get(&app.token("county.admin").await, "/api/v1/reports/titles").await).await;
    assert_eq!(target(&county, "prefecture_mh_master")["held"], 5, "a county sees its own holders");
    assert_eq!(county["items"].as_array().unwrap().len(), 1);

    let csv =
        csv_rows(&download(&app, &admin, "/api/v1/reports/titles?format=csv", "名师骨干称号统计").await);
    assert_eq!(csv[0], ["单位", "统计日期", "州级心理健康教育名师", "县级骨干教师/名师", "目标"]);
    assert_eq!((csv[1][0].as_str(), csv[1][2].as_str()), ("合计", "6"));
}

#[tokio::test]
async fn a_commendation_list_is_drawn_up_from_the_periods_titles_and_exported() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let day = today(&app);
    let (first, second, named) =
        (teacher(&app, "ES00002").await, teacher(&app, "ES00065").await, teacher(&app, "ES00003").await);
    grant(&app, &admin, first, "county_key_teacher", &day).await;
    grant(&app, &admin, first, "prefecture_mh_master", &day).await;
    grant(&app, &admin, second, "county_key_teacher", &day).await;
    let from = (kernel::china_date(app.clock.now()) - Duration::days(180)).to_string();

    let empty = json!({"title": "2026年上半年心理健康教育先进个人", "period_from": from, "period_to": from});
    let refused = assert_problem(
        app.post(&admin, "/api/v1/commendations", empty).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&refused), ["entries"]);
    let county = app.token("county.admin").await;
    let outside = json!({"title": "恩施市先进个人", "period_from": from, "period_to": day,
        "entries": [{"teacher_id": second, "citation": "越界"}, {"teacher_id": named, "citation": "优秀"}, {"teacher_id": named, "citation": "重复"}]});
    let refused = assert_problem(
        app.post(&county, "/api/v1/commendations", outside).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&refused), ["entries[0].teacher_id", "entries[2].teacher_id"]);

    let body = json!({"title": "2026年上半年心理健康教育先进个人", "period_from": from, "period_to": day,
        "entries": [{"teacher_id": named, "citation": "承担州级心理健康教育公开课"}], "from_titles": true});
    let issued = app.post(&admin, "/api/v1/commendations", body).await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    let issued = json_of(issued).await;
    let entries = issued["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "the named teacher, then each titled teacher once");
    assert_eq!(entries[0]["teacher_id"], named);
    assert_eq!(entries[1]["teacher_id"], first);
    let citation = entries[1]["citation"].as_str().unwrap();
    assert!(
        citation.contains("县级骨干教师/名师") && citation.contains("州级心理健康教育名师"),
        "{citation}"
    );
    assert_eq!(entries[2]["county_name"], "利川市");
    let id = issued["id"].as_i64().unwrap();

    let lists = json_of(app.get(&admin, "/api/v1/commendations").await).await;
    assert_eq!((lists["total"].as_u64(), lists["items"][0]["entries"].as_u64()), (Some(1), Some(3)));
    assert_eq!(
        json_of(app.get(&county, "/api/v1/commendations").await).await["total"],
        0,
        "issued above the county"
    );
    assert_problem(
        app.get(&county, &format!("/api/v1/commendations/{id}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let name = "通报表扬先进个人-2026年上半年心理健康教育先进个人";
    let csv =
        csv_rows(&download(&app, &admin, &format!("/api/v1/commendations/{id}?format=csv"), name).await);
    assert_eq!(csv[0], ["序号", "姓名", "工号", "学校", "县市", "表扬事由"]);
    assert_eq!(csv.len(), 4);
    assert_eq!(
        (csv[1][0].as_str(), csv[1][2].as_str(), csv[1][5].as_str()),
        ("1", "ES00003", "承担州级心理健康教育公开课")
    );
    assert_eq!(csv[3][4], "利川市");
    let xlsx =
        xlsx_rows(download(&app, &admin, &format!("/api/v1/commendations/{id}?format=xlsx"), name).await);
    assert_eq!(xlsx[0][0], Data::String("序号".to_owned()));
    assert!(matches!(xlsx[1][0], Data::Float(n) if n == 1.0), "the number is a number: {:?}", xlsx[1][0]);
    assert_eq!(xlsx[2][2], Data::String("ES00002".to_owned()));

    let audit = json_of(app.get(&admin, "/api/v1/audit?per_page=200").await).await;
    assert!(audit["items"].as_array().unwrap().iter().any(|a| a["action"] == "commendation_issued"));
}
