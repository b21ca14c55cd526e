//! Integrity of every hour (issue 15): no hour or level without the work behind it, and every
//! earned hour counting the same everywhere. Each finding of the issue is a regression test here
//! or beside the feature it concerns.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::certification::{external, level, my_teacher_id, put_in_force, rule_set};
use crate::exams::objective_exam;
use crate::helpers::{assert_problem, json_of, spawn_seeded_app};

#[tokio::test]
async fn a_c_holder_is_refused_the_a_exam_naming_what_is_missing() {
    let app = spawn_seeded_app().await;
    let (exam_id, _) = objective_exam(&app).await;
    put_in_force(
        &app,
        rule_set(vec![
            level("C", "1", 5, "automatic", json!({})),
            level("B", "2", 5, "review", json!({})),
            level(
                "A",
                "3",
                5,
                "review",
                json!({"exam_id": exam_id, "eligible_roles": ["mh_fulltime", "key_teacher"]}),
            ),
        ]),
    )
    .await;
    let (admin, teacher) = (app.token("admin").await, app.token("teacher").await);
    external(&app, &admin, my_teacher_id(&app, &teacher).await, "1").await;
    let held = json_of(app.get(&teacher, "/api/v1/me/qualification").await).await;
    assert_eq!(held["levels"][0]["held"], true, "the teacher holds C: {held}");

    let path = format!("/api/v1/exams/{exam_id}/attempts");
    let refused =
        assert_problem(app.post(&teacher, &path, json!({})).await, StatusCode::FORBIDDEN, "not_eligible")
            .await;
    assert!(refused["detail"].as_str().unwrap().contains("B 级证书"), "names the missing level: {refused}");
    assert_eq!(refused["errors"][0]["field"], "prerequisite");
    let english = app
        .client
        .post(app.url(&path))
        .bearer_auth(&teacher)
        .header("Accept-Language", "en")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let english = assert_problem(english, StatusCode::FORBIDDEN, "not_eligible").await;
    assert!(english["detail"].as_str().unwrap().contains("level B"), "{english}");

    let list = json_of(app.get(&teacher, "/api/v1/me/exams?per_page=200").await).await;
    let listed: &Value =
        list["items"].as_array().unwrap().iter().find(|e| e["id"] == exam_id).expect("the exam is listed");
    assert_eq!(listed["may_sit"], false);
    assert_eq!(listed["missing"][0]["kind"], "prerequisite");
    assert_eq!(listed["missing"][0]["required"], "B");
    let credits = json_of(app.get(&teacher, "/api/v1/me/credits?category=exam").await).await;
    assert_eq!(credits["total"], 0, "no attempt, no hours");
}
