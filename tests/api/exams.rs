use chrono::{Duration, SecondsFormat};
use kernel::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json_of, spawn_seeded_app};

async fn bank(app: &TestApp, token: &str) -> i64 {
    let org = app.org_unit_id(&app.token("admin").await, "ES").await;
    json_of(app.post(token, "/api/v1/question-banks", json!({"name": "C 级题库", "org_unit_id": org})).await)
        .await["id"]
        .as_i64()
        .unwrap()
}

async fn add(app: &TestApp, token: &str, bank: i64, question: Value) -> Value {
    let response = app.post(token, &format!("/api/v1/question-banks/{bank}/questions"), question).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    json_of(response).await
}

fn single(n: usize) -> Value {
    json!({"type": "single_choice", "stem": format!("单选题 {n}"), "options": [{"key": "A", "text": "对的"}, {"key": "B", "text": "错的"}, {"key": "C", "text": "也错"}],
        "answer": "A", "points": "10", "tags": ["沟通"], "level": "c", "difficulty": 2, "explanation": format!("解析 {n}")})
}

fn essay() -> Value {
    json!({"type": "essay", "stem": "论述如何与情绪低落的学生谈话。", "points": "10",
        "rubric": [{"criterion": "建立关系", "points": "4"}, {"criterion": "辅导方法", "points": "6"}]})
}

async fn exam(app: &TestApp, token: &str, sections: Value, extra: Value) -> reqwest::Response {
    app.post(token, "/api/v1/exams", exam_body(app, sections, extra).await).await
}

/// The body of `POST /exams` (and of its dry run, `POST /exams/check`).
async fn exam_body(app: &TestApp, sections: Value, extra: Value) -> Value {
    let org = app.org_unit_id(&app.token("admin").await, "ES").await;
    let now = app.clock.now();
    let mut body = json!({
        "title": "C 级资格考试", "level": "c", "org_unit_id": org, "duration_minutes": 30, "pass_score": "60",
        "max_attempts": 2, "opens_at": (now - Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true),
        "closes_at": (now + Duration::days(7)).to_rfc3339_opts(SecondsFormat::Secs, true), "sections": sections
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// An objective exam of 5 single-choice questions (10 points each) drawn from 8.
pub(crate) async fn objective_exam(app: &TestApp) -> (i64, i64) {
    let trainer = app.token("trainer").await;
    let bank = bank(app, &trainer).await;
    for n in 0..8 {
        add(app, &trainer, bank, single(n)).await;
    }
    let sections =
        json!([{"title": "单选", "bank_ids": [bank], "type": "single_choice", "count": 5, "points": "10"}]);
    let created = exam(app, &trainer, sections, json!({"pass_score": "45"})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    (json_of(created).await["id"].as_i64().unwrap(), bank)
}

/// The seeded teacher with an attempt started at a fresh objective exam: `(token, attempt, id)`.
async fn objective_attempt(app: &TestApp) -> (String, Value, i64) {
    let (exam_id, _) = objective_exam(app).await;
    let teacher = app.token("teacher").await;
    let attempt =
        json_of(app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await).await;
    let id = attempt["id"].as_i64().unwrap();
    (teacher, attempt, id)
}

/// Answers every question of a started attempt with `answer` and submits it; the result.
pub(crate) async fn answer_all_and_submit(
    app: &TestApp,
    token: &str,
    attempt: &Value,
    answer: &str,
) -> Value {
    let id = attempt["id"].as_i64().unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        let path = format!("/api/v1/attempts/{id}/answers/{}", q["id"]);
        let saved = app.put(token, &path, json!({"answer": answer})).await;
        assert_eq!(saved.status(), StatusCode::OK);
    }
    json_of(app.post(token, &format!("/api/v1/attempts/{id}/submit"), json!({})).await).await
}

#[tokio::test]
async fn a_teacher_sits_an_objective_exam_and_a_pass_posts_once() {
    let app = spawn_seeded_app().await;
    let (exam_id, _) = objective_exam(&app).await;
    let teacher = app.token("teacher").await;
    let started = app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let attempt = json_of(started).await;
    let text = attempt.to_string();
    assert!(
        !text.contains("\"answer_key\"") && !text.contains("解析"),
        "no key or explanation before release: {text}"
    );
    assert_eq!(attempt["questions"].as_array().unwrap().len(), 5);
    let id = attempt["id"].as_i64().unwrap();

    let again = app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await;
    assert_eq!(again.status(), StatusCode::OK, "one attempt in progress: the same one comes back");
    assert_eq!(json_of(again).await["id"], id);

    for q in attempt["questions"].as_array().unwrap() {
        let answer = "A";
        let saved = app
            .put(&teacher, &format!("/api/v1/attempts/{id}/answers/{}", q["id"]), json!({"answer": answer}))
            .await;
        assert_eq!(saved.status(), StatusCode::OK);
    }
    let resumed = json_of(app.get(&teacher, &format!("/api/v1/attempts/{id}")).await).await;
    assert_eq!(resumed["answers"].as_object().unwrap().len(), 5);
    assert!(resumed["remaining_seconds"].as_i64().unwrap() > 0);

    let submitted =
        json_of(app.post(&teacher, &format!("/api/v1/attempts/{id}/submit"), json!({})).await).await;
    assert_eq!(submitted["status"], "released");
    assert_eq!(submitted["score"], "50");
    assert_eq!(submitted["passed"], true);
    assert_eq!(submitted["feedback"].as_array().unwrap().len(), 5);
    app.post(&teacher, &format!("/api/v1/attempts/{id}/submit"), json!({})).await;

    let credits = json_of(app.get(&teacher, "/api/v1/me/credits?category=exam").await).await;
    assert_eq!(credits["total"], 1, "a pass posts exactly once");

    let late = app
        .put(
            &teacher,
            &format!("/api/v1/attempts/{id}/answers/{}", attempt["questions"][0]["id"]),
            json!({"answer": "B"}),
        )
        .await;
    assert_problem(late, StatusCode::CONFLICT, "attempt_closed").await;
}

#[tokio::test]
async fn the_draw_is_random_per_attempt_yet_reproducible_from_its_seed() {
    let app = spawn_seeded_app().await;
    let (exam_id, bank) = objective_exam(&app).await;
    let trainer = app.token("trainer").await;
    let questions =
        json_of(app.get(&trainer, &format!("/api/v1/question-banks/{bank}/questions?per_page=200")).await)
            .await;
    let candidates: Vec<i64> =
        questions["items"].as_array().unwrap().iter().map(|q| q["id"].as_i64().unwrap()).collect();
    let teacher = app.token("teacher").await;
    let attempt =
        json_of(app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await).await;
    let seed = attempt["draw_seed"].as_i64().unwrap() as u64;
    let pools = [exams::domain::SectionPool { candidates, count: 5, points: 100 }];
    let expected: Vec<i64> =
        exams::draw(seed, &pools, true, |_| 3).unwrap().into_iter().map(|d| d.question_id).collect();
    let drawn: Vec<i64> =
        attempt["questions"].as_array().unwrap().iter().map(|q| q["id"].as_i64().unwrap()).collect();
    assert_eq!(drawn, expected);
}

#[tokio::test]
async fn the_server_enforces_the_deadline_and_submits_what_was_saved() {
    let app = spawn_seeded_app().await;
    let (teacher, attempt, id) = objective_attempt(&app).await;
    let first = attempt["questions"][0]["id"].clone();
    app.put(&teacher, &format!("/api/v1/attempts/{id}/answers/{first}"), json!({"answer": "A"})).await;

    app.clock.advance(Duration::minutes(31));
    let teacher = app.token("teacher").await;
    let late =
        app.put(&teacher, &format!("/api/v1/attempts/{id}/answers/{first}"), json!({"answer": "B"})).await;
    assert_problem(late, StatusCode::CONFLICT, "attempt_closed").await;
    let after = json_of(app.get(&teacher, &format!("/api/v1/attempts/{id}")).await).await;
    assert_eq!(after["status"], "released", "submitted by the server at the deadline");
    assert_eq!(after["score"], "10");
    assert_eq!(after["passed"], false);
}

#[tokio::test]
async fn a_paper_that_cannot_be_drawn_is_refused_naming_the_section() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let bank = bank(&app, &trainer).await;
    for n in 0..3 {
        add(&app, &trainer, bank, single(n)).await;
    }
    let sections = json!([
        {"title": "单选", "bank_ids": [bank], "type": "single_choice", "count": 2, "points": "10"},
        {"title": "再来", "bank_ids": [bank], "type": "single_choice", "count": 2, "points": "10"}
    ]);
    let problem = assert_problem(
        exam(&app, &trainer, sections, json!({"pass_score": "10"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "sections[1].count");
}

#[tokio::test]
async fn a_paper_check_runs_the_create_checks_per_section_and_writes_nothing() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let bank = bank(&app, &trainer).await;
    for n in 0..3 {
        add(&app, &trainer, bank, single(n)).await;
    }
    add(&app, &trainer, bank, essay()).await;
    let exams_now = || async { json_of(app.get(&trainer, "/api/v1/exams").await).await["total"].clone() };
    let before = exams_now().await;
    let good = exam_body(
        &app,
        json!([
            {"title": "单选", "bank_ids": [bank], "type": "single_choice", "count": 2, "points": "10"},
            {"title": "论述", "bank_ids": [bank], "type": "essay", "count": 1, "points": "10"}
        ]),
        json!({"pass_score": "18"}),
    )
    .await;
    let checked = app.post(&trainer, "/api/v1/exams/check", good.clone()).await;
    assert_eq!(checked.status(), StatusCode::OK);
    let checked = json_of(checked).await;
    assert_eq!(checked["total_points"], "30");
    let counts: Vec<(i64, i64, i64)> = checked["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (s["count"].as_i64().unwrap(), s["candidates"].as_i64().unwrap(), s["manual"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(counts, [(2, 3, 0), (1, 1, 1)]);

    // Too many questions asked of one section, and points the essay's rubric cannot reach in
    // the other: the dry run answers what the create answers, section by section.
    let bad = exam_body(
        &app,
        json!([
            {"title": "单选", "bank_ids": [bank], "type": "single_choice", "count": 5, "points": "10"},
            {"title": "论述", "bank_ids": [bank], "type": "essay", "count": 1, "points": "12"}
        ]),
        json!({"pass_score": "18"}),
    )
    .await;
    let dry = assert_problem(
        app.post(&trainer, "/api/v1/exams/check", bad.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(dry["errors"][0]["field"], "sections[1].points");
    assert_eq!(dry["errors"][0]["code"], "unreachable_points");
    let real = assert_problem(
        app.post(&trainer, "/api/v1/exams", bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(dry["errors"], real["errors"]);

    let undrawable = exam_body(
        &app,
        json!([{"title": "单选", "bank_ids": [bank], "type": "single_choice", "count": 5, "points": "10"}]),
        json!({"pass_score": "18"}),
    )
    .await;
    let problem = assert_problem(
        app.post(&trainer, "/api/v1/exams/check", undrawable).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "sections[0].count");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("5 题") && message.contains("只有 3 题"), "{message}");
    assert_eq!(exams_now().await, before, "a check writes nothing");
    assert_problem(
        app.post(&app.token("hr").await, "/api/v1/exams/check", good).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn essays_are_graded_blind_with_a_third_grader_when_two_disagree() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let bank = bank(&app, &trainer).await;
    add(&app, &trainer, bank, essay()).await;
    let sections =
        json!([{"title": "论述", "bank_ids": [bank], "type": "essay", "count": 1, "points": "10"}]);
    let created = exam(
        &app,
        &trainer,
        sections,
        json!({"pass_score": "6", "double_marking": true, "double_marking_margin": "2"}),
    )
    .await;
    let exam_id = json_of(created).await["id"].as_i64().unwrap();
    let teacher = app.token("teacher").await;
    let attempt =
        json_of(app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await).await;
    let id = attempt["id"].as_i64().unwrap();
    let question = attempt["questions"][0]["id"].clone();
    app.put(
        &teacher,
        &format!("/api/v1/attempts/{id}/answers/{question}"),
        json!({"answer": "先倾听，再共情，最后一起找办法。"}),
    )
    .await;
    let submitted =
        json_of(app.post(&teacher, &format!("/api/v1/attempts/{id}/submit"), json!({})).await).await;
    assert_eq!(submitted["status"], "grading");
    assert!(submitted["score"].is_null());

    let admin = app.token("admin").await;
    let org = app.org_unit_id(&admin, "ES").await;
    app.post(
        &admin,
        "/api/v1/accounts",
        json!({"username": "grader2", "password": "Grader-2026", "role": "trainer", "org_unit_id": org}),
    )
    .await;
    let second = app.token_with("grader2", "Grader-2026").await;

    let queue =
        json_of(app.get(&trainer, &format!("/api/v1/grading/tasks?exam_id={exam_id}&status=open")).await)
            .await;
    assert_eq!(queue["total"], 2, "double marking: two tasks");
    let text = queue.to_string();
    let me = json_of(app.get(&teacher, "/api/v1/me").await).await;
    let (name, number) =
        (me["person"]["name"].as_str().unwrap(), me["person"]["employee_no"].as_str().unwrap());
    assert!(
        !text.contains("teacher")
            && !text.contains("attempt_id")
            && !text.contains(name)
            && !text.contains(number),
        "blind: {text}"
    );
    let task = |n: usize| queue["items"][n]["id"].as_i64().unwrap();

    let score = |criteria: (i32, i32)| json!({"criteria": [{"criterion": "建立关系", "points": criteria.0.to_string()}, {"criterion": "辅导方法", "points": criteria.1.to_string()}], "comment": "ok"});
    assert_eq!(
        app.post(&trainer, &format!("/api/v1/grading/tasks/{}/claim", task(0)), json!({})).await.status(),
        StatusCode::OK
    );
    assert_problem(
        app.post(&second, &format!("/api/v1/grading/tasks/{}/claim", task(0)), json!({})).await,
        StatusCode::CONFLICT,
        "task_taken",
    )
    .await;
    let bad = app.post(&trainer, &format!("/api/v1/grading/tasks/{}/score", task(0)), score((5, 1))).await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        app.post(&trainer, &format!("/api/v1/grading/tasks/{}/score", task(0)), score((4, 4))).await.status(),
        StatusCode::OK
    );
    let seen_by = |token: String| {
        let app = &app;
        async move {
            json_of(app.get(&token, &format!("/api/v1/grading/tasks?exam_id={exam_id}")).await).await["items"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let rounds = |task: &Value| {
        task["rounds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["round"].as_i64().unwrap(), r["status"].as_str().unwrap().to_owned()))
            .collect::<Vec<_>>()
    };
    let first = seen_by(trainer.clone()).await;
    assert_eq!(first[0]["answer_id"], first[1]["answer_id"], "both rounds mark one answer");
    assert_eq!(rounds(&first[1]), [(1, "done".to_owned()), (2, "open".to_owned())]);
    assert_eq!((first[0]["mine"].as_bool(), first[0]["score"].as_str()), (Some(true), Some("8")));
    assert_eq!(first[1]["claimable"], false, "the first grader may not mark the answer again");
    let second_view = seen_by(second.clone()).await;
    assert!(second_view[0]["score"].is_null(), "the second grader marks blind: {}", second_view[0]);
    assert_eq!(
        (second_view[0]["mine"].as_bool(), second_view[1]["claimable"].as_bool()),
        (Some(false), Some(true))
    );
    assert_problem(
        app.post(&trainer, &format!("/api/v1/grading/tasks/{}/claim", task(1)), json!({})).await,
        StatusCode::CONFLICT,
        "already_graded_by_you",
    )
    .await;
    app.post(&second, &format!("/api/v1/grading/tasks/{}/claim", task(1)), json!({})).await;
    assert_eq!(
        app.post(&second, &format!("/api/v1/grading/tasks/{}/score", task(1)), score((1, 2))).await.status(),
        StatusCode::OK
    );

    let third =
        json_of(app.get(&admin, &format!("/api/v1/grading/tasks?exam_id={exam_id}&status=open")).await).await;
    assert_eq!(third["total"], 1);
    assert_eq!(third["items"][0]["round"], 3, "8 and 3 differ by more than 2: a third grader");
    assert_eq!(
        rounds(&third["items"][0]),
        [(1, "done".to_owned()), (2, "done".to_owned()), (3, "open".to_owned())]
    );
    assert!(
        seen_by(admin.clone()).await.iter().all(|t| t["score"].is_null()),
        "the third grader sees neither score"
    );
    let third_id = third["items"][0]["id"].as_i64().unwrap();
    app.post(&admin, &format!("/api/v1/grading/tasks/{third_id}/claim"), json!({})).await;
    app.post(&admin, &format!("/api/v1/grading/tasks/{third_id}/score"), score((3, 4))).await;
    let settled: Vec<Option<String>> =
        seen_by(second.clone()).await.iter().map(|t| t["score"].as_str().map(str::to_owned)).collect();
    assert_eq!(
        settled,
        [Some("8".to_owned()), Some("3".to_owned()), Some("7".to_owned())],
        "settled: every score shows"
    );

    let result = json_of(app.get(&teacher, &format!("/api/v1/attempts/{id}")).await).await;
    assert_eq!(result["status"], "released");
    assert_eq!(result["score"], "7");
    assert_eq!(result["passed"], true);
}

#[tokio::test]
async fn a_regrade_is_audited_and_a_lost_pass_is_reversed_in_the_ledger() {
    let app = spawn_seeded_app().await;
    let (teacher, attempt, id) = objective_attempt(&app).await;
    for q in attempt["questions"].as_array().unwrap().iter().take(3) {
        app.put(&teacher, &format!("/api/v1/attempts/{id}/answers/{}", q["id"]), json!({"answer": "A"}))
            .await;
    }
    let submitted =
        json_of(app.post(&teacher, &format!("/api/v1/attempts/{id}/submit"), json!({})).await).await;
    assert_eq!((submitted["score"].as_str(), submitted["passed"].as_bool()), (Some("30"), Some(false)));

    let trainer = app.token("trainer").await;
    let question = attempt["questions"][4]["id"].as_i64().unwrap();
    let no_reason = app
        .post(
            &trainer,
            &format!("/api/v1/attempts/{id}/regrade"),
            json!({"question_id": question, "score": "10", "reason": ""}),
        )
        .await;
    assert_problem(no_reason, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let too_high = app
        .post(
            &trainer,
            &format!("/api/v1/attempts/{id}/regrade"),
            json!({"question_id": question, "score": "11", "reason": "超分"}),
        )
        .await;
    assert_problem(too_high, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    for other in attempt["questions"].as_array().unwrap().iter().skip(3) {
        let up = app
            .post(
                &trainer,
                &format!("/api/v1/attempts/{id}/regrade"),
                json!({"question_id": other["id"], "score": "10", "reason": "答案键有误，复核给分"}),
            )
            .await;
        assert_eq!(up.status(), StatusCode::OK);
    }
    assert_eq!(
        json_of(app.get(&teacher, "/api/v1/me/credits?category=exam").await).await["totals"]["total_hours"],
        "1"
    );
    let down = app
        .post(
            &trainer,
            &format!("/api/v1/attempts/{id}/regrade"),
            json!({"question_id": question, "score": "0", "reason": "复核撤回"}),
        )
        .await;
    assert_eq!(json_of(down).await["passed"], false);
    assert_eq!(
        json_of(app.get(&teacher, "/api/v1/me/credits?category=exam").await).await["totals"]["total_hours"],
        "0",
        "the pass was reversed"
    );

    let trail = json_of(app.get(&trainer, &format!("/api/v1/attempts/{id}/audit")).await).await;
    let changes = trail["items"].as_array().unwrap();
    assert_eq!(trail["total"], 4, "automatic grading and three regrades: {trail}");
    assert_eq!(changes.len(), 4, "one page holds them: {trail}");
    let last = changes.last().unwrap();
    assert_eq!(
        (last["old_score"].as_str(), last["new_score"].as_str(), last["reason"].as_str()),
        (Some("10"), Some("0"), Some("复核撤回"))
    );
    assert!(last["account_id"].is_i64());
    assert_problem(
        app.get(&teacher, &format!("/api/v1/attempts/{id}/audit")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn question_import_is_all_or_nothing_and_reports_each_bad_row() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let bank = bank(&app, &trainer).await;
    let upload = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url(&format!("/api/v1/question-banks/{bank}/import")))
            .bearer_auth(&trainer)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let bad = "type,stem,options,answer,points,tags,level,difficulty,explanation,rubric,partial_credit\n\
        single_choice,好题,A=是|B=否,A,2,沟通,c,2,,,\n\
        single_choice,坏键,A=是|B=否,Z,2,,c,2,,,\n\
        riddle,未知题型,,,2,,,,,,\n\
        fill_blank,常用量表缩写,,SCL-90|ＳＣＬ９０,x,,,,,,\n";
    let problem = assert_problem(
        upload(bad, "text/csv").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let rows: Vec<(u64, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(rows, [(3, "answer".to_owned()), (4, "type".to_owned()), (5, "points".to_owned())]);
    assert_eq!(
        json_of(app.get(&trainer, &format!("/api/v1/question-banks/{bank}/questions")).await).await["total"],
        0
    );

    let good = "type,stem,options,answer,points,tags,level,difficulty,explanation,rubric,partial_credit\n\
        single_choice,好题,A=是|B=否,A,2,沟通,c,2,,,\n\
        multiple_choice,多选,A=一|B=二|C=三,A|C,4,,b,3,,,true\n\
        true_false,判断,,对,1,,,,,,\n\
        case_analysis,案例,,,10,,a,4,,识别:4|处理:6,\n";
    assert_eq!(json_of(upload(good, "text/csv").await.unwrap()).await["created"], 4);
    let json_body = r#"[{"type": "fill_blank", "stem": "量表", "answer": ["SCL-90"], "points": "2"}]"#;
    assert_eq!(json_of(upload(json_body, "application/json").await.unwrap()).await["created"], 1);
    let listed = json_of(
        app.get(&trainer, &format!("/api/v1/question-banks/{bank}/questions?type=multiple_choice")).await,
    )
    .await;
    assert_eq!(listed["items"][0]["partial_credit"], true);
}

#[tokio::test]
async fn attempts_allowed_and_the_window_are_enforced() {
    let app = spawn_seeded_app().await;
    let (exam_id, _) = objective_exam(&app).await;
    let teacher = app.token("teacher").await;
    for _ in 0..2 {
        let attempt =
            json_of(app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await).await;
        app.post(&teacher, &format!("/api/v1/attempts/{}/submit", attempt["id"]), json!({})).await;
    }
    assert_problem(
        app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await,
        StatusCode::CONFLICT,
        "no_attempts_left",
    )
    .await;
    let trainer = app.token("trainer").await;
    let closed = json!({"closes_at": (app.clock.now() - Duration::minutes(1)).to_rfc3339(), "opens_at": (app.clock.now() - Duration::hours(2)).to_rfc3339(), "max_attempts": 5});
    assert_eq!(
        app.patch(&trainer, &format!("/api/v1/exams/{exam_id}"), closed).await.status(),
        StatusCode::OK
    );
    assert_problem(
        app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await,
        StatusCode::CONFLICT,
        "exam_not_open",
    )
    .await;
}

/// Starts an attempt, answers every question `answer` and submits it; returns the result.
pub(crate) async fn sit(app: &TestApp, teacher: &str, exam_id: i64, answer: &str) -> Value {
    let attempt =
        json_of(app.post(teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await).await;
    answer_all_and_submit(app, teacher, &attempt, answer).await
}

#[tokio::test]
async fn a_second_pass_of_the_same_exam_posts_nothing() {
    let app = spawn_seeded_app().await;
    let (exam_id, _) = objective_exam(&app).await;
    let teacher = app.token("teacher").await;
    let first = sit(&app, &teacher, exam_id, "A").await;
    assert_eq!(first["passed"], true);
    let second = sit(&app, &teacher, exam_id, "A").await;
    assert_eq!((second["status"].as_str(), second["passed"].as_bool()), (Some("released"), Some(true)));

    let credits = json_of(app.get(&teacher, "/api/v1/me/credits?category=exam").await).await;
    assert_eq!(credits["total"], 1, "the exam's hours are earned once: {credits}");
    assert_eq!(credits["items"][0]["source_kind"], "exam_pass");
    let teacher_id = credits["items"][0]["teacher_id"].as_i64().unwrap();
    assert_eq!(credits["items"][0]["source_id"], format!("{exam_id}:{teacher_id}"), "exam and teacher");
    assert!(!credits["items"][0]["description"].as_str().unwrap().contains('#'), "no attempt named");
}

#[tokio::test]
async fn a_paper_whose_section_points_no_rubric_can_reach_is_refused_naming_the_section() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let bank = bank(&app, &trainer).await;
    add(&app, &trainer, bank, essay()).await; // rubric 4 + 6 = 10
    let sections =
        json!([{"title": "论述", "bank_ids": [bank], "type": "essay", "count": 1, "points": "40"}]);
    let problem = assert_problem(
        exam(&app, &trainer, sections, json!({"pass_score": "20"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "sections[0].points", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "unreachable_points");

    let fits = json!([{"title": "论述", "bank_ids": [bank], "type": "essay", "count": 1, "points": "10"}]);
    let created = exam(&app, &trainer, fits, json!({"pass_score": "6"})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = json_of(created).await["id"].as_i64().unwrap();
    let edit = json!({"sections": [{"title": "论述", "bank_ids": [bank], "type": "essay", "count": 1, "points": "30"}]});
    let problem = assert_problem(
        app.patch(&trainer, &format!("/api/v1/exams/{id}"), edit).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "sections[0].points", "editing is checked too: {problem}");
}

#[tokio::test]
async fn autosaves_sent_at_once_are_each_stored_and_each_answered_after_their_commit() {
    let app = spawn_seeded_app().await;
    let (teacher, attempt, id) = objective_attempt(&app).await;
    // Every question answered at the same moment with an answer of its own, so the writer
    // takes several into one transaction.
    let chosen: Vec<(i64, &str)> = attempt["questions"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["A", "B", "C"].iter().cycle())
        .map(|(q, answer)| (q["id"].as_i64().unwrap(), *answer))
        .collect();
    let (app, teacher) = (&app, &teacher);
    let saves = chosen.iter().map(|&(q, answer)| async move {
        let path = format!("/api/v1/attempts/{id}/answers/{q}");
        (q, answer, app.put(teacher, &path, json!({"answer": answer})).await)
    });
    for (q, answer, response) in futures_util::future::join_all(saves).await {
        assert_eq!(response.status(), StatusCode::OK);
        let view = json_of(response).await;
        assert_eq!(view["answers"][q.to_string()], answer, "the answer shows its own save: {view}");
    }
    let stored = json_of(app.get(teacher, &format!("/api/v1/attempts/{id}")).await).await;
    for (q, answer) in &chosen {
        assert_eq!(stored["answers"][q.to_string()], *answer, "stored: {stored}");
    }

    let elsewhere =
        app.put(teacher, &format!("/api/v1/attempts/{id}/answers/999999"), json!({"answer": "A"})).await;
    assert_problem(elsewhere, StatusCode::NOT_FOUND, "not_found").await;
}
