use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, json_of, spawn_seeded_app};

async fn upload(app: &TestApp, token: &str, query: &str, csv: impl Into<reqwest::Body>) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/teachers/import{query}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
}

async fn teacher_total(app: &TestApp, token: &str) -> u64 {
    json_of(app.get(token, "/api/v1/teachers?per_page=1").await).await["total"].as_u64().unwrap()
}

#[tokio::test]
async fn import_with_one_bad_row_writes_nothing_and_lists_every_error() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let before = teacher_total(&app, &admin).await;
    let csv = "employee_no,name,phone,school_code,roles,initial_password\n\
        IM0001,赵一,13500000001,ES-ESS-001,head_teacher,Start-2026\n\
        IM0002,钱二,135000,ES-ESS-001,principal,Start-2026\n\
        IM0003,孙三,13500000003,NO-SUCH,mh_fulltime,Start-2026\n\
        IM0001,李四,13500000001,ES-ESS-002,,Start-2026\n";
    let problem = assert_problem(
        upload(&app, &admin, "", csv).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let errors: Vec<(u64, String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        (3, "phone", "invalid_phone"),
        (3, "roles", "unknown_role"),
        (4, "school_code", "unknown_school"),
        (5, "employee_no", "duplicate_in_file"),
        (5, "phone", "duplicate_in_file"),
    ];
    for (row, field, code) in expected {
        assert!(
            errors.contains(&(row, field.to_owned(), code.to_owned())),
            "missing {row} {field} {code} in {errors:?}"
        );
    }
    assert_eq!(errors.len(), expected.len(), "{errors:?}");
    assert_eq!(teacher_total(&app, &admin).await, before, "nothing written");
}

#[tokio::test]
async fn dry_run_validates_without_writing() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let before = teacher_total(&app, &admin).await;
    let csv = "employee_no,name,phone,school_code,roles\nIM0001,赵一,13500000001,ES-ESS-001,head_teacher|key_teacher\n";
    let summary = json_of(upload(&app, &admin, "?dry_run=true&default_password=Start-2026", csv).await).await;
    assert_eq!(summary["rows"], 1);
    assert_eq!(summary["created"], 0);
    assert_eq!(summary["dry_run"], true);
    assert_eq!(teacher_total(&app, &admin).await, before);
}

#[tokio::test]
async fn import_accepts_a_bom_and_optional_columns_and_creates_accounts() {
    let app = spawn_seeded_app().await;
    let admin = app.token("county.admin").await;
    let csv = "\u{feff}employee_no,name,phone,school_code,roles,email,gender,subject,initial_password\n\
        IM0101,周五,13500000101,ES-ESS-004,mh_fulltime|head_teacher,zhou@es.edu.cn,男,心理健康,Own-pass-1\n\
        IM0102,吴六,13500000102,ES-ESS-005,,,,,\n";
    let summary = json_of(upload(&app, &admin, "?default_password=Start-2026", csv).await).await;
    assert_eq!((summary["rows"].as_u64(), summary["created"].as_u64()), (Some(2), Some(2)));
    assert_eq!(app.login("IM0101", "Own-pass-1").await.status(), StatusCode::OK);
    assert_eq!(app.login("IM0102", "Start-2026").await.status(), StatusCode::OK);
    let found = json_of(app.get(&admin, "/api/v1/teachers?q=IM0101").await).await;
    let teacher: &Value = &found["items"][0];
    assert_eq!(teacher["gender"], "male");
    assert_eq!(teacher["roles"], serde_json::json!(["mh_fulltime", "head_teacher"]));
}

#[tokio::test]
async fn import_refuses_schools_outside_the_callers_scope() {
    let app = spawn_seeded_app().await;
    let county_admin = app.token("county.admin").await;
    let csv = "employee_no,name,phone,school_code,roles,initial_password\nIM0201,郑七,13500000201,ES-LCS-001,,Start-2026\n";
    let problem = assert_problem(
        upload(&app, &county_admin, "", csv).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "school_code");
    assert_eq!(problem["errors"][0]["row"], 2);
}

#[tokio::test]
async fn import_reports_missing_and_unknown_columns() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let problem = assert_problem(
        upload(&app, &admin, "", "employee_no,name,school_code,roles,nickname\n").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let codes: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"missing_column") && codes.contains(&"unknown_column"), "{codes:?}");
}

#[tokio::test]
async fn reimport_with_skip_existing_adds_only_new_teachers() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let first = "employee_no,name,phone,school_code,roles\nIM0301,王八,13500000301,ES-BDX-001,\n";
    assert_eq!(upload(&app, &admin, "?default_password=Start-2026", first).await.status(), StatusCode::OK);
    let again = upload(&app, &admin, "?default_password=Start-2026", first).await;
    assert_problem(again, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let second = format!("{first}IM0302,冯九,13500000302,ES-BDX-001,\n");
    let summary =
        json_of(upload(&app, &admin, "?default_password=Start-2026&skip_existing=true", second).await).await;
    assert_eq!((summary["created"].as_u64(), summary["skipped"].as_u64()), (Some(1), Some(1)));
}

#[tokio::test]
async fn ten_thousand_rows_import_in_one_request() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let before = teacher_total(&app, &admin).await;
    let mut csv = String::from("employee_no,name,phone,school_code,roles\n");
    for i in 0..10_000 {
        let school = format!("ES-LFX-{:03}", i % 6 + 1);
        let role = if i % 7 == 0 { "head_teacher" } else { "" };
        csv.push_str(&format!("BULK{i:05},教师{i},137{i:08},{school},{role}\n"));
    }
    let response = upload(&app, &admin, "?default_password=Start-2026", csv).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["created"], 10_000);
    assert_eq!(teacher_total(&app, &admin).await, before + 10_000);
    assert_eq!(app.login("BULK09999", "Start-2026").await.status(), StatusCode::OK);
}

/// What Excel on Chinese Windows saves: GBK, Chinese headers, Chinese role names.
#[tokio::test]
async fn a_gbk_roster_with_chinese_headers_and_role_names_imports() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let before = teacher_total(&app, &admin).await;
    let roster = "工号,姓名,手机号,学校代码,角色,性别,初始密码\r\n\
        GB0001,周五,13600000001,ES-ESS-001,班主任、骨干教师,女,Start-2026\r\n\
        GB0002,吴六,13600000002,ES-ESS-001,专职心理教师,男,Start-2026\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(roster);
    assert!(!unmappable && std::str::from_utf8(&gbk).is_err(), "really GBK bytes");
    let response = upload(&app, &admin, "", gbk.into_owned()).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    assert_eq!(teacher_total(&app, &admin).await, before + 2);
    let found = json_of(app.get(&admin, "/api/v1/teachers?q=周五").await).await;
    let zhou = &found["items"][0];
    assert_eq!(zhou["name"], "周五", "decoded, not mojibake");
    let roles: Vec<&str> = zhou["roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert_eq!(roles, ["head_teacher", "key_teacher"]);
}

#[tokio::test]
async fn a_row_with_several_problems_reports_every_one() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let csv = "工号,姓名,手机号,学校代码,角色,性别,初始密码\n\
        ES00002,郑七,135000,ES-ESS-001,校长,未知,Start-2026\n";
    let problem = assert_problem(
        upload(&app, &admin, "", csv).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["employee_no", "gender", "phone", "roles"], "{problem}");
    let roles = problem["errors"].as_array().unwrap().iter().find(|e| e["field"] == "roles").unwrap();
    assert!(roles["message"].as_str().unwrap().contains("班主任"), "says what to write instead");
}

#[tokio::test]
async fn a_file_in_neither_utf8_nor_gbk_is_refused_with_a_way_out() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let problem = assert_problem(
        upload(&app, &admin, "", vec![0x81_u8, 0x20, 0xFF, 0xFE, 0x0A]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "unreadable_encoding");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("CSV UTF-8"));
}
