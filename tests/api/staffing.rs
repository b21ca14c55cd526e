use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, json_of, spawn_seeded_app};

#[tokio::test]
async fn staffing_requires_one_fulltime_teacher_per_thousand_students_at_least_one() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let county = app.org_unit_id(&admin, "ES-HFX").await;
    for (code, students) in [("HFX-T999", 999), ("HFX-T1000", 1000), ("HFX-T1001", 1001), ("HFX-T2500", 2500)]
    {
        let body = json!({"kind": "school", "code": code, "name": format!("测试学校{students}"), "parent_id": county, "stage": "junior", "student_count": students});
        assert_eq!(app.post(&admin, "/api/v1/org-units", body).await.status(), StatusCode::CREATED);
    }
    let report = json_of(app.get(&admin, &format!("/api/v1/reports/staffing?org_unit={county}")).await).await;
    let row = |students: u64| -> Value {
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["school_name"] == format!("测试学校{students}"))
            .cloned()
            .unwrap()
    };
    for (students, required) in [(999, 1), (1000, 1), (1001, 2), (2500, 3)] {
        let row = row(students);
        assert_eq!(row["required_fulltime"], required, "{students} students");
        assert_eq!(row["actual_fulltime"], 0);
        assert_eq!(row["gap"], required);
    }
    let totals = &report["summary"];
    let rows = report["items"].as_array().unwrap();
    let sum = |field: &str| rows.iter().map(|r| r[field].as_u64().unwrap()).sum::<u64>();
    assert_eq!(totals["required_fulltime"].as_u64().unwrap(), sum("required_fulltime"));
    assert_eq!(totals["actual_fulltime"].as_u64().unwrap(), sum("actual_fulltime"));
    assert_eq!(totals["gap"].as_u64().unwrap(), sum("gap"));
    assert_eq!(report["counties"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn staffing_counts_fulltime_teachers_and_closes_the_gap() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let county = app.org_unit_id(&admin, "ES-HFX").await;
    let school = json_of(app.post(&admin, "/api/v1/org-units", json!({"kind": "school", "code": "HFX-T2500", "name": "两千五百人学校", "parent_id": county, "stage": "senior", "student_count": 2500})).await).await;
    for (n, phone) in ["13611110001", "13611110002"].iter().enumerate() {
        let teacher = json!({"employee_no": format!("HFX-MH{n}"), "name": "专职教师", "phone": phone, "school_id": school["id"], "roles": ["mh_fulltime"], "initial_password": "Start-2026"});
        assert_eq!(app.post(&admin, "/api/v1/teachers", teacher).await.status(), StatusCode::CREATED);
    }
    let report =
        json_of(app.get(&admin, &format!("/api/v1/reports/staffing?org_unit={}", school["id"])).await).await;
    assert_eq!(report["items"][0]["required_fulltime"], 3);
    assert_eq!(report["items"][0]["actual_fulltime"], 2);
    assert_eq!(report["items"][0]["gap"], 1);
}

#[tokio::test]
async fn whole_prefecture_report_has_a_total_per_county() {
    let app = spawn_seeded_app().await;
    let report = json_of(app.get(&app.token("hr").await, "/api/v1/reports/staffing").await).await;
    assert_eq!(report["counties"].as_array().unwrap().len(), 8);
    assert_eq!(report["items"].as_array().unwrap().len(), 48);
    let county_sum: u64 =
        report["counties"].as_array().unwrap().iter().map(|c| c["gap"].as_u64().unwrap()).sum();
    assert_eq!(report["summary"]["gap"].as_u64().unwrap(), county_sum);
}

#[tokio::test]
async fn county_admin_cannot_report_on_another_county() {
    let app = spawn_seeded_app().await;
    let lichuan = app.org_unit_id(&app.token("admin").await, "ES-LCS").await;
    let response = app
        .get(&app.token("county.admin").await, &format!("/api/v1/reports/staffing?org_unit={lichuan}"))
        .await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
}
