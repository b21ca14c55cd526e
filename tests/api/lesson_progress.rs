//! The course page's per-lesson progress: each lesson of `GET /courses/{id}` carries the calling
//! teacher's credited and watched seconds and whether it is done; nobody else's, and none for
//! staff.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{json_of, spawn_seeded_app};
use crate::learning::{Player, published_course};

fn lessons(course: &Value) -> Vec<Value> {
    course["modules"][0]["lessons"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_course_page_shows_each_lesson_credited_and_done_for_the_caller_only() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (course, ids) = published_course(&app, &admin, None).await;
    let teacher = app.token("teacher").await;
    let enrolled = app.post(&teacher, &format!("/api/v1/courses/{course}/enrollments"), json!({})).await;
    assert_eq!(enrolled.status(), StatusCode::CREATED);
    let path = format!("/api/v1/courses/{course}");

    let fresh = json_of(app.get(&teacher, &path).await).await;
    assert!(lessons(&fresh).iter().all(|l| l["progress"].is_null()), "nothing started yet");

    let mut player = Player { app: &app, token: teacher.clone(), lesson: ids[0], seq: 0 };
    player.play(0, 60).await;
    player = Player { lesson: ids[1], seq: 0, ..player };
    player.play(0, 30).await;

    let seen = json_of(app.get(&teacher, &path).await).await;
    let [first, second] = [&lessons(&seen)[0], &lessons(&seen)[1]].map(|l| l["progress"].clone());
    assert_eq!(first, json!({"credited_seconds": 60, "watched_seconds": 60, "completed": true}));
    assert_eq!(second, json!({"credited_seconds": 30, "watched_seconds": 30, "completed": false}));
    assert_eq!(seen["enrollment"]["lessons_completed"], 1);

    // The catalogue carries the same figures for the courses on its page.
    let catalogue = json_of(app.get(&teacher, "/api/v1/courses?per_page=100").await).await;
    let listed = catalogue["items"].as_array().unwrap().iter().find(|c| c["id"] == course).unwrap();
    assert_eq!(lessons(listed)[1]["progress"]["credited_seconds"], 30);

    // Another teacher and staff see the outline without anyone's progress.
    let other = app.token("ES00002").await;
    let theirs = json_of(app.get(&other, &path).await).await;
    assert!(lessons(&theirs).iter().all(|l| l["progress"].is_null()), "not another teacher's");
    let staff = json_of(app.get(&admin, &path).await).await;
    assert!(lessons(&staff).iter().all(|l| l["progress"].is_null()), "staff have no progress");
}
