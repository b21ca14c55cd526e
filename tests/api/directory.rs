use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, error_fields, json_of, spawn_seeded_app};

/// The first teacher of a county, as the prefecture admin sees it.
async fn a_teacher_of(app: &TestApp, admin: &str, county_code: &str) -> i64 {
    let county = app.org_unit_id(admin, county_code).await;
    let page = json_of(app.get(admin, &format!("/api/v1/teachers?org_unit={county}&per_page=1")).await).await;
    page["items"][0]["id"].as_i64().expect("a teacher")
}

#[tokio::test]
async fn county_admin_cannot_see_a_teacher_of_another_county() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let lichuan_teacher = a_teacher_of(&app, &admin, "ES-LCS").await;
    let enshi_teacher = a_teacher_of(&app, &admin, "ES-ESS").await;

    let county_admin = app.token("county.admin").await;
    let path = format!("/api/v1/teachers/{lichuan_teacher}");
    assert_problem(app.get(&county_admin, &path).await, StatusCode::NOT_FOUND, "not_found").await;
    let patched = app.patch(&county_admin, &path, json!({"name": "改名"})).await;
    assert_problem(patched, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(
        app.get(&county_admin, &format!("/api/v1/teachers/{enshi_teacher}")).await.status(),
        StatusCode::OK
    );

    let lichuan = app.org_unit_id(&admin, "ES-LCS").await;
    let filtered = app.get(&county_admin, &format!("/api/v1/teachers?org_unit={lichuan}")).await;
    assert_problem(filtered, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn county_admin_lists_only_its_own_subtree() {
    let app = spawn_seeded_app().await;
    let county_admin = app.token("county.admin").await;
    let units = json_of(app.get(&county_admin, "/api/v1/org-units?per_page=200").await).await;
    assert_eq!(units["total"], 7, "恩施市 and its six schools");
    assert!(
        units["items"].as_array().unwrap().iter().all(|u| u["code"].as_str().unwrap().starts_with("ES-ESS"))
    );

    let all = json_of(app.get(&app.token("admin").await, "/api/v1/teachers?per_page=1").await).await;
    let own = json_of(app.get(&county_admin, "/api/v1/teachers?per_page=200").await).await;
    let own_total = own["total"].as_u64().unwrap();
    assert!(own_total > 0 && own_total < all["total"].as_u64().unwrap());
    let schools: Vec<i64> =
        units["items"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert!(
        own["items"].as_array().unwrap().iter().all(|t| schools.contains(&t["school_id"].as_i64().unwrap()))
    );
}

#[tokio::test]
async fn teacher_lists_are_paginated_in_a_stable_order_and_filtered() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let first = json_of(app.get(&admin, "/api/v1/teachers?page=1&per_page=50").await).await;
    let second = json_of(app.get(&admin, "/api/v1/teachers?page=2&per_page=50").await).await;
    assert_eq!(first["per_page"], 50);
    assert_eq!(second["page"], 2);
    let ids: Vec<i64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 100);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ordered by id across pages");

    let fulltime = json_of(app.get(&admin, "/api/v1/teachers?role=mh_fulltime&per_page=200").await).await;
    assert!(fulltime["total"].as_u64().unwrap() > 0);
    assert!(
        fulltime["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["roles"].as_array().unwrap().contains(&json!("mh_fulltime")))
    );

    let too_many = app.get(&admin, "/api/v1/teachers?per_page=201").await;
    let problem = assert_problem(too_many, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["per_page"]);
}

fn new_teacher(school_id: i64) -> serde_json::Value {
    json!({
        "employee_no": "ES90001", "name": "王芳", "phone": "13700137000", "email": "wang.fang@es.edu.cn",
        "gender": "female", "subject": "心理健康", "school_id": school_id,
        "roles": ["mh_fulltime", "head_teacher"], "initial_password": "Start-2026"
    })
}

#[tokio::test]
async fn admin_creates_a_teacher_who_can_then_log_in() {
    let app = spawn_seeded_app().await;
    let admin = app.token("county.admin").await;
    let school = app.org_unit_id(&app.token("admin").await, "ES-ESS-002").await;
    let response = app.post(&admin, "/api/v1/teachers", new_teacher(school)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let teacher = json_of(response).await;
    assert_eq!(teacher["employee_no"], "ES90001");
    assert_eq!(teacher["school_id"], school);
    assert_eq!(teacher["roles"], json!(["mh_fulltime", "head_teacher"]));

    assert_eq!(app.login("ES90001", "Start-2026").await.status(), StatusCode::OK);
    assert_eq!(app.login("13700137000", "Start-2026").await.status(), StatusCode::OK);

    let again = app.post(&admin, "/api/v1/teachers", new_teacher(school)).await;
    let problem = assert_problem(again, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["employee_no", "phone"]);
}

#[tokio::test]
async fn creating_a_teacher_reports_every_invalid_field_and_writes_nothing() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let body = json!({
        "employee_no": "ES 9", "name": " ", "phone": "12345", "email": "not-an-email",
        "school_id": 999999, "roles": [], "initial_password": "short"
    });
    let problem = assert_problem(
        app.post(&admin, "/api/v1/teachers", body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["email", "employee_no", "initial_password", "name", "phone", "school_id"]);
    let found = json_of(app.get(&admin, "/api/v1/teachers?q=ES%209").await).await;
    assert_eq!(found["total"], 0);
}

#[tokio::test]
async fn patch_changes_only_given_fields_and_replaces_roles() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let id = a_teacher_of(&app, &admin, "ES-HFX").await;
    let before = json_of(app.get(&admin, &format!("/api/v1/teachers/{id}")).await).await;
    let after = json_of(
        app.patch(
            &admin,
            &format!("/api/v1/teachers/{id}"),
            json!({"subject": "心理健康", "roles": ["key_teacher"]}),
        )
        .await,
    )
    .await;
    assert_eq!(after["subject"], "心理健康");
    assert_eq!(after["roles"], json!(["key_teacher"]));
    assert_eq!(after["name"], before["name"]);
    assert_eq!(after["phone"], before["phone"]);

    let unknown = app.patch(&admin, &format!("/api/v1/teachers/{id}"), json!({"employee_no": "X1"})).await;
    let problem = assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["employee_no"]);
}

#[tokio::test]
async fn teacher_sees_only_their_own_record() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let me = json_of(app.get(&teacher, "/api/v1/me").await).await;
    let own_id = me["person"]["id"].as_i64().unwrap();
    assert_eq!(app.get(&teacher, &format!("/api/v1/teachers/{own_id}")).await.status(), StatusCode::OK);
    assert_problem(
        app.get(&teacher, &format!("/api/v1/teachers/{}", own_id + 1)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(app.get(&teacher, "/api/v1/teachers").await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(app.get(&teacher, "/api/v1/org-units").await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn hr_reads_the_directory_but_cannot_write_it() {
    let app = spawn_seeded_app().await;
    let hr = app.token("hr").await;
    assert_eq!(app.get(&hr, "/api/v1/teachers").await.status(), StatusCode::OK);
    let school = app.org_unit_id(&hr, "ES-ESS-002").await;
    assert_problem(
        app.post(&hr, "/api/v1/teachers", new_teacher(school)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let unit = json!({"kind": "school", "code": "X-1", "name": "新学校", "parent_id": school, "stage": "primary", "student_count": 10});
    assert_problem(app.post(&hr, "/api/v1/org-units", unit).await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn org_units_are_created_under_the_right_parent_kind() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let county = app.org_unit_id(&admin, "ES-ESS").await;
    let school = json!({"kind": "school", "code": "ES-ESS-100", "name": "恩施市新城小学", "parent_id": county, "stage": "小学", "student_count": 640});
    let created = app.post(&admin, "/api/v1/org-units", school).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created = json_of(created).await;
    assert_eq!(created["stage"], "primary");
    assert_eq!(created["parent_id"], county);

    let under_school = json!({"kind": "school", "code": "ES-ESS-101", "name": "错层学校", "parent_id": created["id"], "stage": "primary", "student_count": 10});
    let problem = assert_problem(
        app.post(&admin, "/api/v1/org-units", under_school).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["parent_id"]);

    let no_stage = json!({"kind": "school", "code": "ES-ESS-102", "name": "缺学段", "parent_id": county});
    let problem = assert_problem(
        app.post(&admin, "/api/v1/org-units", no_stage).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["stage", "student_count"]);

    let duplicate = json!({"kind": "school", "code": "ES-ESS-100", "name": "重复", "parent_id": county, "stage": "primary", "student_count": 1});
    assert_problem(
        app.post(&admin, "/api/v1/org-units", duplicate).await,
        StatusCode::CONFLICT,
        "org_unit_code_taken",
    )
    .await;

    let renamed = app
        .patch(
            &admin,
            &format!("/api/v1/org-units/{}", created["id"]),
            json!({"name": "恩施市新城实验小学", "student_count": 1200}),
        )
        .await;
    let renamed = json_of(renamed).await;
    assert_eq!(renamed["name"], "恩施市新城实验小学");
    assert_eq!(renamed["student_count"], 1200);
}

#[tokio::test]
async fn county_admin_creates_staff_accounts_only_in_scope() {
    let app = spawn_seeded_app().await;
    let county_admin = app.token("county.admin").await;
    let admin = app.token("admin").await;
    let enshi_school = app.org_unit_id(&admin, "ES-ESS-003").await;
    let lichuan = app.org_unit_id(&admin, "ES-LCS").await;

    let body = json!({"username": "school3.trainer", "password": "Train-2026", "role": "trainer", "org_unit_id": enshi_school});
    let created = app.post(&county_admin, "/api/v1/accounts", body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(json_of(created).await["role"], "trainer");
    assert_eq!(app.login("school3.trainer", "Train-2026").await.status(), StatusCode::OK);

    let outside =
        json!({"username": "lc.hr", "password": "Train-2026", "role": "hr", "org_unit_id": lichuan});
    let problem = assert_problem(
        app.post(&county_admin, "/api/v1/accounts", outside).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["org_unit_id"]);

    let teacher_role = json!({"username": "x.teacher", "password": "Train-2026", "role": "teacher", "org_unit_id": enshi_school});
    let problem = assert_problem(
        app.post(&county_admin, "/api/v1/accounts", teacher_role).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["role"]);
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let units_before = json_of(app.get(&admin, "/api/v1/org-units?per_page=1").await).await["total"].clone();
    let teachers_before =
        json_of(app.get(&admin, "/api/v1/teachers?per_page=1").await).await["total"].clone();

    let report = seed::load_demo(&app.db).await.unwrap();
    assert_eq!(report, seed::SeedReport::default());
    assert_eq!(json_of(app.get(&admin, "/api/v1/org-units?per_page=1").await).await["total"], units_before);
    assert_eq!(json_of(app.get(&admin, "/api/v1/teachers?per_page=1").await).await["total"], teachers_before);
    assert_eq!(units_before, 57);
    assert!(teachers_before.as_u64().unwrap() >= 400);
}
