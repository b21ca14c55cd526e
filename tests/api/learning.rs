use chrono::{DateTime, Duration, Utc};
use kernel::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json_of, spawn_seeded_app};

/// A published prefecture course of two 60-second video lessons worth 2 hours in all.
pub async fn published_course(
    app: &TestApp,
    admin: &str,
    presence_check_minutes: Option<u32>,
) -> (i64, Vec<i64>) {
    let org = app.org_unit_id(admin, "ES").await;
    let body = json!({
        "title": "心理健康教育入门", "summary": "两节短视频", "track": "c", "hours": "2", "status": "published",
        "org_unit_id": org, "presence_check_minutes": presence_check_minutes,
        "modules": [{"title": "第一单元", "lessons": [
            {"kind": "video", "title": "认识情绪", "duration_seconds": 60},
            {"kind": "video", "title": "倾听与回应", "duration_seconds": 60}
        ]}]
    });
    let response = app.post(admin, "/api/v1/courses", body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let course = json_of(response).await;
    let lessons = course["modules"][0]["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    (course["id"].as_i64().unwrap(), lessons)
}

/// A teacher's player: sends heartbeats and keeps its own seq.
pub struct Player<'a> {
    pub app: &'a TestApp,
    pub token: String,
    pub lesson: i64,
    pub seq: i64,
}

impl Player<'_> {
    pub fn beat(&mut self, at: DateTime<Utc>, position: i64, playing: bool) -> Value {
        self.seq += 1;
        json!({"seq": self.seq, "position_seconds": position, "playing": playing, "client_time": at.to_rfc3339()})
    }

    pub async fn send(&self, beats: Vec<Value>) -> reqwest::Response {
        self.app
            .post(
                &self.token,
                &format!("/api/v1/lessons/{}/progress", self.lesson),
                json!({"heartbeats": beats}),
            )
            .await
    }

    /// Plays live: one heartbeat every 15 s of server time, from `from` to `to` seconds.
    pub async fn play(&mut self, from: i64, to: i64) -> Value {
        let mut position = from;
        loop {
            let beat = self.beat(self.app.clock.now(), position, true);
            let response = self.send(vec![beat]).await;
            assert_eq!(response.status(), StatusCode::OK);
            let report = json_of(response).await;
            if position >= to {
                return report;
            }
            self.app.clock.advance(Duration::seconds(15));
            position = (position + 15).min(to);
        }
    }
}

async fn enrolled_player(app: &TestApp) -> (Player<'_>, Vec<i64>, i64) {
    let admin = app.token("admin").await;
    let (course, lessons) = published_course(app, &admin, None).await;
    let token = app.token("teacher").await;
    assert_eq!(
        app.post(&token, &format!("/api/v1/courses/{course}/enrollments"), json!({})).await.status(),
        StatusCode::CREATED
    );
    (Player { app, token, lesson: lessons[0], seq: 0 }, lessons, course)
}

#[tokio::test]
async fn normal_viewing_completes_the_course_and_posts_its_hours_once() {
    let app = spawn_seeded_app().await;
    let (mut player, lessons, _) = enrolled_player(&app).await;
    let first = player.play(0, 60).await;
    assert_eq!(first["credited_seconds"], 60);
    assert_eq!(first["watched_seconds"], 60);
    assert_eq!(first["completed"], true);
    assert_eq!(first["course_completed"], false);

    player.lesson = lessons[1];
    player.seq = 0;
    app.clock.advance(Duration::seconds(15));
    let second = player.play(0, 60).await;
    assert_eq!(second["course_completed"], true);

    let last = player.beat(app.clock.now(), 60, false);
    assert_eq!(player.send(vec![last]).await.status(), StatusCode::OK);
    let credits = json_of(app.get(&player.token, "/api/v1/me/credits").await).await;
    assert_eq!(credits["total"], 1, "course hours posted exactly once");
    assert_eq!(credits["items"][0]["category"], "online_course");
    assert_eq!(credits["totals"]["total_hours"], "2");

    let enrollments = json_of(app.get(&player.token, "/api/v1/me/enrollments").await).await;
    assert_eq!(enrollments["items"][0]["percent"], 100);
    assert!(enrollments["items"][0]["completed_at"].is_string());
}

#[tokio::test]
async fn fast_forwarding_does_not_complete_a_lesson() {
    let app = spawn_seeded_app().await;
    let (mut player, _, _) = enrolled_player(&app).await;
    player.play(0, 15).await;
    app.clock.advance(Duration::seconds(15));
    let jump = player.beat(app.clock.now(), 58, true);
    let report = json_of(player.send(vec![jump]).await).await;
    app.clock.advance(Duration::seconds(2));
    let end = player.beat(app.clock.now(), 60, true);
    let report_end = json_of(player.send(vec![end]).await).await;
    assert_eq!(report["credited_seconds"], 15);
    assert_eq!(report_end["completed"], false);
    assert_eq!(report_end["watched_seconds"], 17);
    assert_eq!(report_end["resume_position"], 60);
}

#[tokio::test]
async fn a_phone_left_idle_earns_nothing_after_the_gap_limit() {
    let app = spawn_seeded_app().await;
    let (mut player, _, _) = enrolled_player(&app).await;
    player.play(0, 15).await;
    app.clock.advance(Duration::minutes(10));
    let late = player.beat(app.clock.now(), 30, true);
    let report = json_of(player.send(vec![late]).await).await;
    assert_eq!(report["credited_seconds"], 15);
}

#[tokio::test]
async fn two_lessons_played_at_once_earn_the_time_once() {
    let app = spawn_seeded_app().await;
    let (mut first, lessons, _) = enrolled_player(&app).await;
    let mut second = Player { app: &app, token: first.token.clone(), lesson: lessons[1], seq: 0 };
    let mut credited = 0;
    for step in 0..=4 {
        let now = app.clock.now();
        let a = first.beat(now, step * 15, true);
        let b = second.beat(now, step * 15, true);
        credited = json_of(first.send(vec![a]).await).await["credited_seconds"].as_i64().unwrap()
            + json_of(second.send(vec![b]).await).await["credited_seconds"].as_i64().unwrap();
        app.clock.advance(Duration::seconds(15));
    }
    assert_eq!(credited, 60, "one minute of real time credits one minute");
}

#[tokio::test]
async fn a_retried_batch_earns_once() {
    let app = spawn_seeded_app().await;
    let (mut player, _, _) = enrolled_player(&app).await;
    let start = player.beat(app.clock.now(), 0, true);
    player.send(vec![start]).await;
    let t0 = app.clock.now();
    let batch: Vec<Value> =
        (1..=2).map(|i| player.beat(t0 + Duration::seconds(15 * i), 15 * i, true)).collect();
    app.clock.advance(Duration::seconds(30));
    let first = json_of(player.send(batch.clone()).await).await;
    let retry = json_of(player.send(batch).await).await;
    assert_eq!(first["credited_seconds"], 30);
    assert_eq!(retry["credited_seconds"], 30);
}

#[tokio::test]
async fn an_offline_queue_earns_what_it_really_watched() {
    let app = spawn_seeded_app().await;
    let (mut player, _, _) = enrolled_player(&app).await;
    let t0 = app.clock.now();
    let start = player.beat(t0, 0, true);
    player.send(vec![start]).await;
    let queue: Vec<Value> =
        (1..=3).map(|i| player.beat(t0 + Duration::seconds(15 * i), 15 * i, true)).collect();
    app.clock.advance(Duration::minutes(5));
    let report = json_of(player.send(queue).await).await;
    assert_eq!(report["credited_seconds"], 45);
}

#[tokio::test]
async fn a_batch_claiming_more_time_than_passed_earns_only_real_time() {
    let app = spawn_seeded_app().await;
    let (mut player, _, _) = enrolled_player(&app).await;
    let t0 = app.clock.now();
    let start = player.beat(t0, 0, true);
    player.send(vec![start]).await;
    let claimed: Vec<Value> =
        (1..=4).map(|i| player.beat(t0 + Duration::seconds(15 * i), 15 * i, true)).collect();
    app.clock.advance(Duration::seconds(20));
    let report = json_of(player.send(claimed).await).await;
    assert!(report["credited_seconds"].as_i64().unwrap() <= 20, "{report}");
}

#[tokio::test]
async fn bad_progress_reports_are_refused_and_change_nothing() {
    let app = spawn_seeded_app().await;
    let (mut player, _, _) = enrolled_player(&app).await;
    player.play(0, 15).await;
    let now = app.clock.now();

    let backwards = vec![
        player.beat(now, 20, true),
        json!({"seq": 1, "position_seconds": 25, "playing": true, "client_time": now.to_rfc3339()}),
    ];
    let problem =
        assert_problem(player.send(backwards).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            .await;
    assert_eq!(problem["errors"][0]["code"], "seq_not_increasing");
    let beyond = vec![player.beat(now, 500, true)];
    assert_problem(player.send(beyond).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let huge: Vec<Value> = (0..501).map(|i| json!({"seq": 1000 + i, "position_seconds": 1, "playing": true, "client_time": now.to_rfc3339()})).collect();
    let problem =
        assert_problem(player.send(huge).await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "batch_too_large");

    let unknown = app.post(&player.token, "/api/v1/lessons/999999/progress", json!({"heartbeats": []})).await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;

    let admin = app.token("admin").await;
    let (_, other_lessons) = published_course(&app, &admin, None).await;
    let not_enrolled = app
        .post(
            &player.token,
            &format!("/api/v1/lessons/{}/progress", other_lessons[0]),
            json!({"heartbeats": []}),
        )
        .await;
    assert_problem(not_enrolled, StatusCode::CONFLICT, "not_enrolled").await;

    let state = json_of(player.send(vec![]).await).await;
    assert_eq!(state["credited_seconds"], 15, "no refused batch changed credited time");
}

#[tokio::test]
async fn an_unanswered_presence_check_pauses_crediting_until_answered() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let org = app.org_unit_id(&admin, "ES").await;
    let body = json!({
        "title": "长课", "track": "b", "hours": "1", "status": "published", "org_unit_id": org, "presence_check_minutes": 1,
        "modules": [{"title": "一", "lessons": [{"kind": "video", "title": "长视频", "duration_seconds": 600}]}]
    });
    let course = json_of(app.post(&admin, "/api/v1/courses", body).await).await;
    let token = app.token("teacher").await;
    app.post(&token, &format!("/api/v1/courses/{}/enrollments", course["id"]), json!({})).await;
    let lesson = course["modules"][0]["lessons"][0]["id"].as_i64().unwrap();
    let mut player = Player { app: &app, token, lesson, seq: 0 };

    let report = player.play(0, 60).await;
    let challenge = report["challenge"].clone();
    assert!(challenge["id"].is_i64(), "a check after a minute of credit: {report}");
    assert_eq!(report["credited_seconds"], 60);

    app.clock.advance(Duration::seconds(15));
    let after = player.play(75, 165).await;
    let paused_at = after["credited_seconds"].as_i64().unwrap();
    assert!(paused_at < 165 - 15, "crediting paused after the minute's grace: {after}");

    let question = challenge["question"].as_str().unwrap();
    let (a, b) = question.trim_end_matches(" = ?").split_once(" + ").unwrap();
    let answer = (a.parse::<i64>().unwrap() + b.parse::<i64>().unwrap()).to_string();
    let wrong = app
        .post(
            &player.token,
            &format!("/api/v1/presence-challenges/{}/answer", challenge["id"]),
            json!({"answer": "x"}),
        )
        .await;
    assert_problem(wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let right = app
        .post(
            &player.token,
            &format!("/api/v1/presence-challenges/{}/answer", challenge["id"]),
            json!({"answer": answer}),
        )
        .await;
    assert_eq!(right.status(), StatusCode::NO_CONTENT);
    app.clock.advance(Duration::seconds(15));
    let resumed = player.play(180, 195).await;
    assert!(resumed["credited_seconds"].as_i64().unwrap() > paused_at, "crediting resumed: {resumed}");
}

#[tokio::test]
async fn teachers_see_only_published_courses_open_to_their_school() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let lichuan = app.org_unit_id(&admin, "ES-LCS").await;
    let local = json!({"title": "利川市本地课程", "track": "general", "hours": "1", "status": "published", "org_unit_id": lichuan,
        "modules": [{"title": "一", "lessons": [{"kind": "text", "title": "阅读", "duration_seconds": 30}]}]});
    let local = json_of(app.post(&admin, "/api/v1/courses", local).await).await;
    let org = app.org_unit_id(&admin, "ES").await;
    let draft =
        json!({"title": "草稿课程", "track": "general", "hours": "1", "org_unit_id": org, "modules": []});
    let draft = json_of(app.post(&admin, "/api/v1/courses", draft).await).await;
    assert_eq!(draft["status"], "draft");

    let teacher = app.token("teacher").await;
    assert_problem(
        app.get(&teacher, &format!("/api/v1/courses/{}", local["id"])).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&teacher, &format!("/api/v1/courses/{}", draft["id"])).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let listed = json_of(app.get(&teacher, "/api/v1/courses?per_page=200").await).await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "published" && c["id"] != local["id"])
    );

    let publish_empty =
        app.patch(&admin, &format!("/api/v1/courses/{}", draft["id"]), json!({"status": "published"})).await;
    assert_problem(publish_empty, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let hr = app.token("hr").await;
    let body =
        json!({"title": "HR 课程", "track": "general", "hours": "1", "org_unit_id": org, "modules": []});
    assert_problem(app.post(&hr, "/api/v1/courses", body).await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn a_lesson_with_a_quiz_completes_only_once_the_quiz_is_passed() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let org = app.org_unit_id(&app.token("admin").await, "ES").await;
    let bank = json_of(
        app.post(&trainer, "/api/v1/question-banks", json!({"name": "随堂测验", "org_unit_id": org})).await,
    )
    .await["id"]
        .clone();
    app.post(
        &trainer,
        &format!("/api/v1/question-banks/{bank}/questions"),
        json!({"type": "true_false", "stem": "情绪没有对错。", "answer": true, "points": "10"}),
    )
    .await;
    let now = app.clock.now();
    let quiz = json!({"title": "随堂测验", "level": "c", "org_unit_id": org, "duration_minutes": 5, "pass_score": "10", "max_attempts": 3,
        "opens_at": (now - Duration::hours(1)).to_rfc3339(), "closes_at": (now + Duration::days(30)).to_rfc3339(),
        "sections": [{"title": "判断", "bank_ids": [bank], "count": 1, "points": "10"}]});
    let quiz = json_of(app.post(&trainer, "/api/v1/exams", quiz).await).await["id"].as_i64().unwrap();
    let course = json!({"title": "带测验的课", "track": "c", "hours": "1", "status": "published", "org_unit_id": org,
        "modules": [{"title": "一", "lessons": [{"kind": "video", "title": "情绪", "duration_seconds": 30, "quiz_exam_id": quiz}]}]});
    let bad = json!({"title": "坏测验", "track": "c", "hours": "1", "org_unit_id": org,
        "modules": [{"title": "一", "lessons": [{"kind": "video", "title": "情绪", "duration_seconds": 30, "quiz_exam_id": 999999}]}]});
    assert_problem(
        app.post(&trainer, "/api/v1/courses", bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let course = json_of(app.post(&trainer, "/api/v1/courses", course).await).await;
    let token = app.token("teacher").await;
    app.post(&token, &format!("/api/v1/courses/{}/enrollments", course["id"]), json!({})).await;
    let lesson = course["modules"][0]["lessons"][0]["id"].as_i64().unwrap();
    let mut player = Player { app: &app, token: token.clone(), lesson, seq: 0 };
    let watched = player.play(0, 30).await;
    assert_eq!((watched["completed"].as_bool(), watched["quiz_pending"].as_i64()), (Some(false), Some(quiz)));

    let attempt = json_of(app.post(&token, &format!("/api/v1/exams/{quiz}/attempts"), json!({})).await).await;
    let id = attempt["id"].as_i64().unwrap();
    app.put(
        &token,
        &format!("/api/v1/attempts/{id}/answers/{}", attempt["questions"][0]["id"]),
        json!({"answer": true}),
    )
    .await;
    app.post(&token, &format!("/api/v1/attempts/{id}/submit"), json!({})).await;
    let done = json_of(player.send(vec![]).await).await;
    assert_eq!((done["completed"].as_bool(), done["course_completed"].as_bool()), (Some(true), Some(true)));
    assert!(done["quiz_pending"].is_null());
}

/// Heartbeats of many teachers arriving together share transactions (group commit); each
/// teacher still gets exactly their own verified time, acknowledged only once it is stored.
#[tokio::test]
async fn batches_of_many_teachers_sent_at_once_are_each_credited_exactly() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let (course, lessons) = published_course(&app, &admin, None).await;
    let mut players = Vec::new();
    for n in 1..=12 {
        let token = app.token(&format!("ES{n:05}")).await;
        let enrolled = app.post(&token, &format!("/api/v1/courses/{course}/enrollments"), json!({})).await;
        assert_eq!(enrolled.status(), StatusCode::CREATED);
        players.push(Player { app: &app, token, lesson: lessons[0], seq: 0 });
    }
    for (round, position) in [0, 15, 30].into_iter().enumerate() {
        let now = app.clock.now();
        let sends = players.iter_mut().map(|player| {
            let beat = player.beat(now, position, true);
            async move { json_of(player.send(vec![beat]).await).await }
        });
        let reports = futures_util::future::join_all(sends).await;
        for report in reports {
            assert_eq!(report["credited_seconds"], 15 * round, "round {round}: {report}");
        }
        app.clock.advance(Duration::seconds(15));
    }
    for player in &players {
        let enrollments = json_of(app.get(&player.token, "/api/v1/me/enrollments").await).await;
        assert_eq!(enrollments["items"][0]["resume_position"], 30, "{enrollments}");
    }
}
