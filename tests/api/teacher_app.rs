//! What the teachers' app reads besides the long-standing routes: lessons that carry what they
//! play, and the caller's own attempts, transcript and notifications.

use kernel::Clock;
use reqwest::StatusCode;
use serde_json::json;

use crate::certification::{certified_teacher, my_teacher_id};
use crate::exams::{answer_all_and_submit, objective_exam};
use crate::helpers::{assert_problem, error_fields, json_of, spawn_seeded_app};
use crate::learning::Player;

#[tokio::test]
async fn lessons_carry_their_media_or_text_and_a_bad_media_address_is_named() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let lessons = |media: &str| {
        json!({"title": "播放器试用", "summary": "试用", "track": "general", "hours": "0.5", "status": "published",
            "modules": [{"title": "一", "lessons": [
                {"kind": "video", "title": "短片", "duration_seconds": 45, "media_url": media},
                {"kind": "text", "title": "阅读", "duration_seconds": 60, "content": "第一段\n\n第二段"}]}]})
    };
    let org = app.org_unit_id(&admin, "ES").await;
    let mut body = lessons("/media/trial-1.webm");
    body["org_unit_id"] = json!(org);
    let created = app.post(&admin, "/api/v1/courses", body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let course = json_of(created).await;
    assert_eq!(course["modules"][0]["lessons"][0]["media_url"], "/media/trial-1.webm");
    assert_eq!(course["modules"][0]["lessons"][1]["content"], "第一段\n\n第二段");

    let mut bad = lessons("javascript:alert(1)");
    bad["org_unit_id"] = json!(org);
    let problem = assert_problem(
        app.post(&admin, "/api/v1/courses", bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["modules[0].lessons[0].media_url"]);
}

#[tokio::test]
async fn the_demo_trial_lessons_play_the_clips_the_app_ships() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let courses = json_of(app.get(&teacher, "/api/v1/courses?per_page=50").await).await;
    let trial =
        courses["items"].as_array().unwrap().iter().find(|c| c["title"] == "试用：两分钟体验课").unwrap();
    let course = json_of(app.get(&teacher, &format!("/api/v1/courses/{}", trial["id"])).await).await;
    let media: Vec<&str> = course["modules"][0]["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["media_url"].as_str().unwrap())
        .collect();
    assert_eq!(media, ["/media/trial-1.webm", "/media/trial-2.webm", "/media/trial-3.webm"]);
    let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/public");
    for path in media {
        assert!(web.join(path.trim_start_matches('/')).is_file(), "{path} is shipped under web/public");
    }
}

#[tokio::test]
async fn my_attempts_list_what_i_sat_with_the_released_result() {
    let app = spawn_seeded_app().await;
    let (exam_id, _) = objective_exam(&app).await;
    let teacher = app.token("teacher").await;
    let attempt =
        json_of(app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await).await;
    let before = json_of(app.get(&teacher, "/api/v1/me/attempts").await).await;
    assert_eq!(before["total"], 1);
    assert_eq!(before["items"][0]["status"], "in_progress");
    assert_eq!(before["items"][0]["exam_title"], "C 级资格考试");
    assert!(before["items"][0]["score"].is_null());
    answer_all_and_submit(&app, &teacher, &attempt, "A").await;
    let after = json_of(app.get(&teacher, "/api/v1/me/attempts").await).await;
    assert_eq!(
        (&after["items"][0]["status"], &after["items"][0]["score"]),
        (&json!("released"), &json!("50"))
    );
    assert_eq!(after["items"][0]["passed"], true);
    let other = app.token("ES00002").await;
    assert_eq!(json_of(app.get(&other, "/api/v1/me/attempts").await).await["total"], 0, "only my own");
}

#[tokio::test]
async fn my_notifications_are_the_mail_to_me_and_can_be_marked_read() {
    let app = spawn_seeded_app().await;
    let (teacher, _, _) = certified_teacher(&app).await;
    let list = json_of(app.get(&teacher, "/api/v1/me/notifications").await).await;
    let issued = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["template"] == "certificate_issued")
        .expect("the certificate mail is in my list")
        .clone();
    assert!(issued["read_at"].is_null());
    assert!(issued["path"].as_str().unwrap().starts_with("/verify/"));
    let id = issued["id"].as_i64().unwrap();

    let other = app.token("ES00002").await;
    let theirs = app.post(&other, &format!("/api/v1/me/notifications/{id}/read"), json!({})).await;
    assert_problem(theirs, StatusCode::NOT_FOUND, "not_found").await;
    let read =
        json_of(app.post(&teacher, &format!("/api/v1/me/notifications/{id}/read"), json!({})).await).await;
    assert!(read["read_at"].is_string());
    let again = json_of(app.get(&teacher, "/api/v1/me/notifications").await).await;
    let same = again["items"].as_array().unwrap().iter().find(|n| n["id"] == id).unwrap().clone();
    assert_eq!(same["read_at"], read["read_at"]);
}

#[tokio::test]
async fn my_transcript_is_the_one_staff_see_for_me() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let me = my_teacher_id(&app, &teacher).await;
    let mine = json_of(app.get(&teacher, "/api/v1/me/transcript").await).await;
    let via_id = json_of(app.get(&teacher, &format!("/api/v1/teachers/{me}/transcript")).await).await;
    assert!(mine["teacher"].is_object() && mine["totals"].is_object());
    assert_eq!(mine["teacher"], via_id["teacher"]);
    assert_eq!(mine["totals"], via_id["totals"]);
    let csv = app.get(&teacher, "/api/v1/me/transcript?format=csv").await;
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let hr = app.token("hr").await;
    assert_problem(app.get(&hr, "/api/v1/me/transcript").await, StatusCode::FORBIDDEN, "forbidden").await;
}

/// The demo adds up: the trial course's clips, watched for real, and the demo's C exam make a
/// teacher C, with nothing granted by hand.
#[tokio::test]
async fn the_demo_lets_a_teacher_reach_c_by_doing_the_work() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let me = my_teacher_id(&app, &teacher).await;
    let courses = json_of(app.get(&teacher, "/api/v1/courses?per_page=50").await).await;
    let trial =
        courses["items"].as_array().unwrap().iter().find(|c| c["title"] == "试用：两分钟体验课").unwrap();
    let course = json_of(app.get(&teacher, &format!("/api/v1/courses/{}", trial["id"])).await).await;
    app.post(&teacher, &format!("/api/v1/courses/{}/enrollments", trial["id"]), json!({})).await;
    for lesson in course["modules"][0]["lessons"].as_array().unwrap() {
        let mut player =
            Player { app: &app, token: teacher.clone(), lesson: lesson["id"].as_i64().unwrap(), seq: 0 };
        player.play(0, lesson["duration_seconds"].as_i64().unwrap()).await;
    }
    let exams = json_of(app.get(&teacher, "/api/v1/exams?per_page=50").await).await;
    let c_exam = exams["items"].as_array().unwrap().iter().find(|e| e["level"] == "C").unwrap();
    let attempt =
        json_of(app.post(&teacher, &format!("/api/v1/exams/{}/attempts", c_exam["id"]), json!({})).await)
            .await;
    let result = answer_all_and_submit(&app, &teacher, &attempt, "A").await;
    assert_eq!(result["passed"], true, "{result}");
    let certificates =
        json_of(app.get(&teacher, &format!("/api/v1/certificates?teacher_id={me}")).await).await;
    let levels: Vec<&str> =
        certificates["items"].as_array().unwrap().iter().map(|c| c["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["C"], "{certificates}");
}

#[tokio::test]
async fn the_catalogue_shows_my_enrolment_and_progress() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let courses = json_of(app.get(&teacher, "/api/v1/courses?per_page=50").await).await;
    let trial = courses["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "试用：两分钟体验课")
        .unwrap()
        .clone();
    assert!(trial["enrollment"].is_null(), "not enrolled yet");
    app.post(&teacher, &format!("/api/v1/courses/{}/enrollments", trial["id"]), json!({})).await;
    let lesson = json_of(app.get(&teacher, &format!("/api/v1/courses/{}", trial["id"])).await).await["modules"][0]
        ["lessons"][0]
        .clone();
    let mut player =
        Player { app: &app, token: teacher.clone(), lesson: lesson["id"].as_i64().unwrap(), seq: 0 };
    player.play(0, lesson["duration_seconds"].as_i64().unwrap()).await;
    let listed = json_of(app.get(&teacher, "/api/v1/courses?per_page=50").await).await;
    let mine = listed["items"].as_array().unwrap().iter().find(|c| c["id"] == trial["id"]).unwrap().clone();
    assert_eq!(mine["enrollment"]["lessons_completed"], 1);
    assert!(mine["enrollment"]["percent"].as_u64().unwrap() > 0);
    let one = json_of(app.get(&teacher, &format!("/api/v1/courses/{}", trial["id"])).await).await;
    assert_eq!(one["enrollment"], mine["enrollment"]);
    let admin = app.token("admin").await;
    let staff = json_of(app.get(&admin, &format!("/api/v1/courses/{}", trial["id"])).await).await;
    assert!(staff["enrollment"].is_null(), "staff have no enrolment");
}

#[tokio::test]
async fn sessions_and_events_show_seats_left_and_whether_i_am_registered() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let teacher = app.token("teacher").await;
    let session = crate::sessions::session(&app, &trainer).await;
    let before = json_of(app.get(&teacher, &format!("/api/v1/sessions/{session}")).await).await;
    assert_eq!(before["seats"], json!({"registered": 0, "seats_left": 50, "me_registered": false}));
    app.post(&teacher, &format!("/api/v1/sessions/{session}/registrations"), json!({})).await;
    let listed = json_of(app.get(&teacher, "/api/v1/sessions?per_page=50").await).await;
    let mine = listed["items"].as_array().unwrap().iter().find(|s| s["id"] == session).unwrap().clone();
    assert_eq!(mine["seats"], json!({"registered": 1, "seats_left": 49, "me_registered": true}));
    let staff = json_of(app.get(&trainer, &format!("/api/v1/sessions/{session}")).await).await;
    assert_eq!(staff["seats"], json!({"registered": 1, "seats_left": 49, "me_registered": null}));

    let admin = app.token("admin").await;
    let starts = app.clock.now() + chrono::Duration::days(2);
    let event = crate::research::event(&app, &admin, "ES-ESS", "county", starts).await;
    app.post(&teacher, &format!("/api/v1/research-events/{event}/registrations"), json!({})).await;
    let shown = json_of(app.get(&teacher, &format!("/api/v1/research-events/{event}")).await).await;
    assert_eq!(shown["seats"], json!({"registered": 1, "seats_left": 99, "me_registered": true}));
}
