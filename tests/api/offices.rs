//! Plan item 6 in the staffing report: the prefecture's and every county's teaching-research
//! office must have an MH research officer, and full-time MH teachers should not also teach
//! another subject; the report names which office lacks one and who does.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::exports::{csv_rows, download};
use crate::helpers::{TestApp, assert_problem, error_fields, json_of, spawn_seeded_app};

async fn teacher(app: &TestApp, token: &str, employee_no: &str) -> Value {
    let page = json_of(app.get(token, &format!("/api/v1/teachers?q={employee_no}")).await).await;
    page["items"].as_array().unwrap().iter().find(|t| t["employee_no"] == employee_no).cloned().unwrap()
}

async fn staffing(app: &TestApp, token: &str) -> Value {
    json_of(app.get(token, "/api/v1/reports/staffing").await).await
}

fn office<'r>(report: &'r Value, name: &str) -> &'r Value {
    report["offices"].as_array().unwrap().iter().find(|o| o["org_unit_name"] == name).unwrap()
}

fn today(app: &TestApp) -> String {
    kernel::china_date(kernel::Clock::now(&app.clock)).to_string()
}

#[tokio::test]
async fn the_report_names_every_office_without_an_mh_research_officer() {
    let app = spawn_seeded_app().await;
    let (admin, county) = (app.token("admin").await, app.token("county.admin").await);
    let before = staffing(&app, &admin).await;
    assert_eq!(before["offices"].as_array().unwrap().len(), 9, "the prefecture's office and eight counties'");
    assert_eq!(before["offices"][0]["kind"], "prefecture");
    assert_eq!(
        (
            before["summary"]["offices_lacking_officer"].as_u64(),
            before["summary"]["research_officers"].as_u64()
        ),
        (Some(9), Some(0))
    );

    let ess = app.org_unit_id(&admin, "ES-ESS").await;
    let near = teacher(&app, &admin, "ES00002").await;
    let path = format!("/api/v1/org-units/{ess}/research-officers");
    let appoint = |id: &Value| json!({"teacher_id": id, "appointed_on": today(&app)});
    let appointed = app.post(&county, &path, appoint(&near["id"])).await;
    assert_eq!(appointed.status(), StatusCode::CREATED);
    let appointed = json_of(appointed).await;
    assert_eq!(
        (appointed["org_unit_name"].as_str(), appointed["employee_no"].as_str()),
        (Some("恩施市"), Some("ES00002"))
    );
    assert_problem(
        app.post(&county, &path, appoint(&near["id"])).await,
        StatusCode::CONFLICT,
        "already_appointed",
    )
    .await;

    let after = staffing(&app, &admin).await;
    assert_eq!(office(&after, "恩施市")["officers"], json!([near["name"]]));
    assert_eq!(office(&after, "利川市")["officers"], json!([]));
    assert_eq!(after["summary"]["offices_lacking_officer"], 8);
    let row = after["counties"].as_array().unwrap().iter().find(|c| c["org_unit_id"] == ess).unwrap().clone();
    assert_eq!(
        (row["research_officers"].as_u64(), row["offices_lacking_officer"].as_u64()),
        (Some(1), Some(0))
    );
    let own = staffing(&app, &county).await;
    assert_eq!(
        (own["offices"].as_array().unwrap().len(), own["summary"]["offices_lacking_officer"].as_u64()),
        (1, Some(0))
    );

    let listed = json_of(app.get(&app.token("hr").await, "/api/v1/research-officers").await).await;
    assert_eq!(listed["total"], 1);
    let csv =
        csv_rows(&download(&app, &admin, "/api/v1/reports/staffing?format=csv", "专职心理教师配备").await);
    assert_eq!(csv[0][8..], ["专职心理教师兼任其他学科", "心理健康教育教研员", "未配教研员的教研机构"]);
    assert_eq!(csv.last().unwrap()[10], "8", "the total row counts the offices lacking one");

    let removed = app
        .client
        .delete(app.url(&format!("{path}/{}", near["id"])))
        .bearer_auth(&county)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(staffing(&app, &admin).await["summary"]["offices_lacking_officer"], 9);
    let audit = json_of(app.get(&admin, "/api/v1/audit?per_page=200").await).await;
    for action in ["research_officer_appointed", "research_officer_removed"] {
        assert!(
            audit["items"].as_array().unwrap().iter().any(|a| a["action"] == action),
            "{action} is audited"
        );
    }
}

#[tokio::test]
async fn officers_are_appointed_to_offices_of_the_admins_subtree_from_teachers_under_them() {
    let app = spawn_seeded_app().await;
    let (admin, county) = (app.token("admin").await, app.token("county.admin").await);
    let prefecture = app.org_unit_id(&admin, "ES").await;
    let (ess, school) =
        (app.org_unit_id(&admin, "ES-ESS").await, app.org_unit_id(&admin, "ES-ESS-001").await);
    let (near, far) = (teacher(&app, &admin, "ES00002").await, teacher(&app, &admin, "ES00065").await);
    let body = |id: &Value| json!({"teacher_id": id, "appointed_on": today(&app)});
    let at = |unit: i64| format!("/api/v1/org-units/{unit}/research-officers");

    assert_problem(
        app.post(&county, &at(prefecture), body(&near["id"])).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let outside = assert_problem(
        app.post(&county, &at(ess), body(&far["id"])).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&outside), ["teacher_id"]);
    assert_problem(
        app.post(&admin, &at(school), body(&near["id"])).await,
        StatusCode::CONFLICT,
        "not_a_research_office",
    )
    .await;
    assert_problem(
        app.post(&app.token("trainer").await, &at(ess), body(&near["id"])).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // The prefecture's office takes a teacher from anywhere in the prefecture.
    assert_eq!(app.post(&admin, &at(prefecture), body(&far["id"])).await.status(), StatusCode::CREATED);
    let report = staffing(&app, &admin).await;
    assert_eq!(report["offices"][0]["officers"], json!([far["name"]]));
}

#[tokio::test]
async fn full_time_mh_teachers_who_teach_another_subject_are_listed() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let fulltime = teacher(&app, &admin, "ES00002").await;
    let parttime = teacher(&app, &admin, "ES00003").await;
    for t in [&fulltime, &parttime] {
        let changed = app
            .patch(&admin, &format!("/api/v1/teachers/{}", t["id"]), json!({"other_subject": " 语文 "}))
            .await;
        assert_eq!(changed.status(), StatusCode::OK);
        assert_eq!(json_of(changed).await["other_subject"], "语文");
    }
    let report = staffing(&app, &admin).await;
    let listed = report["teaching_other_subject"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "only full-time MH teachers: {listed:?}");
    assert_eq!(
        (listed[0]["employee_no"].as_str(), listed[0]["other_subject"].as_str()),
        (Some("ES00002"), Some("语文"))
    );
    assert_eq!(listed[0]["school_id"], fulltime["school_id"]);
    let school = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["school_id"] == fulltime["school_id"])
        .unwrap()
        .clone();
    assert_eq!(school["fulltime_teaching_other_subject"], 1);
    assert_eq!(report["summary"]["fulltime_teaching_other_subject"], 1);

    let cleared = app
        .patch(&admin, &format!("/api/v1/teachers/{}", fulltime["id"]), json!({"other_subject": ""}))
        .await;
    assert_eq!(json_of(cleared).await["other_subject"], Value::Null, "an empty string clears it");
    assert_eq!(staffing(&app, &admin).await["teaching_other_subject"], json!([]));

    let too_long = app
        .patch(
            &admin,
            &format!("/api/v1/teachers/{}", fulltime["id"]),
            json!({"other_subject": "学".repeat(51)}),
        )
        .await;
    let too_long = assert_problem(too_long, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&too_long), ["other_subject"]);
}

#[tokio::test]
async fn an_import_takes_the_other_subject_under_its_chinese_header() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let csv = "工号,姓名,手机号,学校代码,角色,初始密码,兼任学科\nES09001,向阳,13700009001,ES-ESS-001,mh_fulltime,Start-2026,美术\n";
    let imported = app
        .client
        .post(app.url("/api/v1/teachers/import"))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), StatusCode::OK, "{}", imported.text().await.unwrap_or_default());
    assert_eq!(teacher(&app, &admin, "ES09001").await["other_subject"], "美术");
    let listed = staffing(&app, &admin).await["teaching_other_subject"].clone();
    assert_eq!(listed[0]["employee_no"], "ES09001");
}
