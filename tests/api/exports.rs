//! Every download an office files: a Chinese file name, 是/否, percentages, statuses in Chinese,
//! China time said so, numbers as numbers in XLSX, names and 工号 beside ids — read back with a
//! CSV and an XLSX reader, as the office's own tools would.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::Duration;
use kernel::Clock;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_seeded_app};
use crate::sessions::{code, scan, session};

/// The download's bytes, after checking it is an attachment with a Chinese (RFC 6266) name.
pub(crate) async fn download(app: &TestApp, token: &str, path: &str, name_starts: &str) -> Vec<u8> {
    let response = app.get(token, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment"), "{path}: {disposition}");
    let encoded: String = name_starts
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect();
    assert!(disposition.contains(&format!("filename*=UTF-8''{encoded}")), "{path}: {disposition}");
    response.bytes().await.unwrap().to_vec()
}

pub(crate) fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM for Excel")).unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

pub(crate) fn xlsx_rows(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    book.worksheet_range(&sheet).unwrap().rows().map(<[Data]>::to_vec).collect()
}

#[tokio::test]
async fn the_staffing_report_exports_with_yes_no_and_numbers_as_numbers() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let csv =
        csv_rows(&download(&app, &admin, "/api/v1/reports/staffing?format=csv", "专职心理教师配备").await);
    assert_eq!(csv[0][..4], ["层级", "机构ID", "机构", "学生数"]);
    assert!(csv[1..].iter().all(|r| r[7] == "是" || r[7] == "否"), "{:?}", &csv[1]);
    assert_eq!(csv.last().unwrap()[0], "合计");
    let xlsx =
        xlsx_rows(download(&app, &admin, "/api/v1/reports/staffing?format=xlsx", "专职心理教师配备").await);
    assert!(matches!(xlsx[1][3], Data::Float(_)), "students are a number: {:?}", xlsx[1][3]);
    assert!(matches!(xlsx[1][2], Data::String(_)));
}

#[tokio::test]
async fn the_qualification_report_shows_shares_as_percentages() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let csv =
        csv_rows(&download(&app, &admin, "/api/v1/reports/qualification?format=csv", "资格达标统计").await);
    assert_eq!(csv[0][4], "C级占比");
    assert!(csv[1][4].ends_with('%'), "{:?}", csv[1]);
    assert!(csv[1][9] == "是" || csv[1][9] == "否");
    let xlsx =
        xlsx_rows(download(&app, &admin, "/api/v1/reports/qualification?format=xlsx", "资格达标统计").await);
    assert!(matches!(xlsx[1][4], Data::Float(f) if (0.0..=1.0).contains(&f)), "{:?}", xlsx[1][4]);
}

#[tokio::test]
async fn the_credits_export_is_named_for_the_office() {
    let app = spawn_seeded_app().await;
    let hr = app.token("hr").await;
    let csv = csv_rows(&download(&app, &hr, "/api/v1/credits/export", "继续教育学时").await);
    assert_eq!(csv[0][..3], ["工号", "姓名", "学校"]);
    let xlsx = xlsx_rows(download(&app, &hr, "/api/v1/credits/export?format=xlsx", "继续教育学时").await);
    assert_eq!(xlsx[0][0], Data::String("工号".into()));
}

#[tokio::test]
async fn the_attendance_sheet_speaks_chinese_in_china_time() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let teacher = app.token("teacher").await;
    app.post(&teacher, &format!("/api/v1/sessions/{id}/registrations"), json!({})).await;
    app.clock.advance(Duration::minutes(10));
    let shown = code(&app, &trainer, id).await;
    assert_eq!(scan(&app, &teacher, id, "check-in", &shown).await.status(), StatusCode::OK);
    let checked_in = app.clock.now();

    let rows = csv_rows(
        &download(&app, &trainer, &format!("/api/v1/sessions/{id}/attendance?format=csv"), "签到表").await,
    );
    assert_eq!(rows[0][3], "出勤情况");
    assert_eq!(rows[0][5], "签到时间（北京时间）");
    let line = rows.iter().find(|r| r[0] == "ES00001").expect("the teacher's line, by 工号");
    assert_eq!(line[3], "已签到未签退");
    let china = checked_in.with_timezone(&kernel::china_offset()).format("%Y-%m-%d %H:%M").to_string();
    assert!(line[5].starts_with(&china), "{} is China time ({china})", line[5]);
}

#[tokio::test]
async fn a_research_events_sheet_exports_like_a_sessions_without_a_trainer() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let id =
        crate::research::event(&app, &admin, "ES-ESS", "county", app.clock.now() + Duration::days(1)).await;
    let teacher = app.token("teacher").await;
    app.post(&teacher, &format!("/api/v1/research-events/{id}/registrations"), json!({})).await;

    let rows: Vec<Vec<String>> = xlsx_rows(
        download(&app, &admin, &format!("/api/v1/research-events/{id}/attendance?format=xlsx"), "签到表")
            .await,
    )
    .iter()
    .map(|row| row.iter().map(ToString::to_string).collect())
    .collect();
    assert_eq!(rows[0].len(), 10, "a session's columns but the trainer's: {:?}", rows[0]);
    assert_eq!((rows[0][0].as_str(), rows[0][9].as_str()), ("工号", "地点"));
    let line = rows.iter().find(|r| r[0] == "ES00001").expect("the teacher's line, by 工号");
    assert_eq!((line[3].as_str(), line[9].as_str()), ("缺勤", "报告厅"));
}

#[tokio::test]
async fn the_research_report_has_employee_numbers_and_numbers_in_xlsx() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let year = kernel::china_year(app.clock.now());
    let name = format!("{year}年教研活动达标");
    let xlsx = xlsx_rows(download(&app, &admin, "/api/v1/reports/research?format=xlsx", &name).await);
    assert_eq!(xlsx[0][1], Data::String("工号".into()));
    if xlsx.len() > 1 {
        assert!(matches!(xlsx[1][4], Data::Float(_)), "attended is a number: {:?}", xlsx[1][4]);
        assert!(matches!(&xlsx[1][6], Data::String(s) if s == "是" || s == "否"));
    }
}

#[tokio::test]
async fn the_workload_report_exports_its_items_and_the_summary_as_the_last_row() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let report = app.get(&admin, "/api/v1/reports/workload?term=2026-2").await;
    let report: serde_json::Value = report.json().await.unwrap();
    let items = report["items"].as_array().unwrap();
    let csv = csv_rows(
        &download(
            &app,
            &admin,
            "/api/v1/reports/workload?term=2026-2&format=csv",
            "2026-2学期心理健康教育工作量",
        )
        .await,
    );
    assert_eq!(csv[0], ["教师ID", "工号", "姓名", "学校", "已确认分钟数", "折合课时"]);
    assert_eq!(csv.len(), items.len() + 2, "a header, one line per item and the total");
    for (line, item) in csv[1..].iter().zip(items) {
        assert_eq!(
            (line[0].as_str(), line[1].as_str()),
            (item["teacher_id"].to_string().as_str(), item["employee_no"].as_str().unwrap())
        );
    }
    let total = csv.last().unwrap();
    assert_eq!(
        (total[2].as_str(), total[4].clone()),
        ("合计", report["summary"]["confirmed_minutes"].to_string())
    );
    let xlsx = xlsx_rows(
        download(
            &app,
            &admin,
            "/api/v1/reports/workload?term=2026-2&format=xlsx",
            "2026-2学期心理健康教育工作量",
        )
        .await,
    );
    assert!(
        matches!(xlsx.last().unwrap()[4], Data::Float(_)),
        "minutes are a number: {:?}",
        xlsx.last().unwrap()[4]
    );
}
