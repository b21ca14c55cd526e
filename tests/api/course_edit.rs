//! Editing a course's outline, modules and lessons from the staff desk: the whole outline while
//! no teacher has enrolled, then a lesson's title, media and text in place.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, json_of, spawn_seeded_app};
use crate::learning::published_course;

fn lesson_ids(course: &Value) -> Vec<i64> {
    course["modules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["lessons"].as_array().unwrap().iter().map(|l| l["id"].as_i64().unwrap()))
        .collect()
}

async fn course_of(app: &TestApp, token: &str, id: i64) -> Value {
    json_of(app.get(token, &format!("/api/v1/courses/{id}")).await).await
}

#[tokio::test]
async fn an_outline_changes_whole_until_a_teacher_enrols_then_only_lessons_change_in_place() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (course, _) = published_course(&app, &admin, None).await;
    assert_eq!(course_of(&app, &admin, course).await["outline_locked"], false);

    let outline = json!([
        {"title": "第一单元 认识情绪", "lessons": [
            {"kind": "video", "title": "认识情绪", "duration_seconds": 60, "media_url": "/media/trial-1.webm"}
        ]},
        {"title": "第二单元 阅读", "lessons": [
            {"kind": "document", "title": "指导纲要选读", "duration_seconds": 300, "hours": "0.5", "content": "一、总体要求……"},
            {"kind": "video", "title": "倾听与回应", "duration_seconds": 60}
        ]}
    ]);
    let changed =
        json_of(app.patch(&admin, &format!("/api/v1/courses/{course}"), json!({"modules": outline})).await)
            .await;
    let titles: Vec<&str> =
        changed["modules"].as_array().unwrap().iter().map(|m| m["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["第一单元 认识情绪", "第二单元 阅读"]);
    assert_eq!(changed["modules"][1]["lessons"][0]["content"], "一、总体要求……");
    assert_eq!(changed["modules"][0]["lessons"][0]["media_url"], "/media/trial-1.webm");
    // What an editor needs to keep a lesson's own hours apart from a share of the course's.
    let own = |m: usize, l: usize| changed["modules"][m]["lessons"][l]["own_hours"].clone();
    assert_eq!((own(1, 0), own(0, 0)), (json!("0.5"), Value::Null));

    let teacher = app.token("teacher").await;
    let enrolled = app.post(&teacher, &format!("/api/v1/courses/{course}/enrollments"), json!({})).await;
    assert_eq!(enrolled.status(), StatusCode::CREATED);
    let locked = course_of(&app, &admin, course).await;
    assert_eq!(locked["outline_locked"], true);
    let listed = json_of(app.get(&admin, "/api/v1/courses?q=心理健康教育入门").await).await;
    assert_eq!(listed["items"][0]["outline_locked"], true, "the list says so too");
    assert_problem(
        app.patch(&admin, &format!("/api/v1/courses/{course}"), json!({"modules": outline})).await,
        StatusCode::CONFLICT,
        "course_in_use",
    )
    .await;

    let video = locked["modules"][0]["lessons"][0]["id"].as_i64().unwrap();
    let patched = app
        .patch(
            &admin,
            &format!("/api/v1/lessons/{video}"),
            json!({"title": "认识情绪（修订）", "media_url": "https://media.example.cn/c1-1.webm"}),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let patched = json_of(patched).await;
    let lesson = &patched["modules"][0]["lessons"][0];
    assert_eq!((lesson["id"].as_i64(), lesson["title"].as_str()), (Some(video), Some("认识情绪（修订）")));
    assert_eq!(lesson["media_url"], "https://media.example.cn/c1-1.webm");
    assert_eq!(lesson["duration_seconds"], 60, "the length credited time rests on stays");
    assert_eq!(lesson_ids(&patched), lesson_ids(&locked), "lessons keep their ids (and progress)");
    assert_eq!(patched["outline_locked"], true);

    let document = locked["modules"][1]["lessons"][0]["id"].as_i64().unwrap();
    let cleared = json_of(
        app.patch(
            &admin,
            &format!("/api/v1/lessons/{document}"),
            json!({"content": "二、主要任务……", "media_url": ""}),
        )
        .await,
    )
    .await;
    assert_eq!(cleared["modules"][1]["lessons"][0]["content"], "二、主要任务……");
    assert!(cleared["modules"][1]["lessons"][0]["media_url"].is_null());
    let seen = course_of(&app, &teacher, course).await;
    assert_eq!(seen["modules"][0]["lessons"][0]["title"], "认识情绪（修订）", "teachers see the change");
}

#[tokio::test]
async fn a_bad_lesson_change_names_every_field_and_changes_nothing() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (course, lessons) = published_course(&app, &admin, None).await;
    let before = course_of(&app, &admin, course).await;
    let problem = assert_problem(
        app.patch(
            &admin,
            &format!("/api/v1/lessons/{}", lessons[0]),
            json!({"title": "  ", "media_url": "ftp://media.example.cn/a.webm", "content": "长".repeat(50_001)}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["content", "media_url", "title"]);
    assert_eq!(course_of(&app, &admin, course).await, before);
    assert_problem(
        app.patch(&admin, &format!("/api/v1/lessons/{}", lessons[0]), json!({"duration_seconds": 30})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn lessons_are_changed_only_by_staff_of_the_course_subtree() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (_, lessons) = published_course(&app, &admin, None).await;
    let path = format!("/api/v1/lessons/{}", lessons[0]);
    let change = json!({"title": "不该改动"});
    for who in ["hr", "teacher"] {
        let token = app.token(who).await;
        assert_problem(app.patch(&token, &path, change.clone()).await, StatusCode::FORBIDDEN, "forbidden")
            .await;
    }
    // A county admin manages training in 恩施市 only; the course belongs to the prefecture,
    // outside that subtree: a 404, like any record out of scope.
    let county = app.token("county.admin").await;
    assert_problem(app.patch(&county, &path, change.clone()).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(
        app.patch(&admin, "/api/v1/lessons/999999", change.clone()).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let trainer = app.token("trainer").await;
    assert_eq!(app.patch(&trainer, &path, change).await.status(), StatusCode::OK);
}
