//! Integrity of every hour (issue 15): no hour or level without the work behind it, and every
//! earned hour counting the same everywhere. Each finding of the issue is a regression test here
//! or beside the feature it concerns.

use chrono::Duration;
use kernel::Clock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::certification::{
    certificates_of, certified_teacher, external, level, my_teacher_id, put_in_force, rule_set, simple_levels,
};
use crate::exams::objective_exam;
use crate::helpers::{assert_problem, json_of, spawn_seeded_app};
use crate::research::event;
use crate::sessions::{code, scan, session};

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

#[tokio::test]
async fn a_check_out_two_minutes_after_check_in_earns_nothing() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await; // 3 h from now + 10 min, 80 % and a 15-minute closing window
    let teacher = app.token("teacher").await;
    app.post(&teacher, &format!("/api/v1/sessions/{id}/registrations"), json!({})).await;
    app.clock.advance(Duration::minutes(10));
    let shown = code(&app, &trainer, id).await;
    assert_eq!(scan(&app, &teacher, id, "check-in", &shown).await.status(), StatusCode::OK);
    app.clock.advance(Duration::minutes(2));
    let early = assert_problem(
        scan(&app, &teacher, id, "check-out", &code(&app, &trainer, id).await).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        early["errors"][0]["code"], "outside_closing_window",
        "no check-out code before the closing window"
    );

    // A second teacher arrives in the closing window and leaves two minutes later: partial.
    app.clock.advance(Duration::minutes(180 - 2 - 14));
    let (trainer, teacher) = (app.token("trainer").await, app.token("teacher").await);
    let late = app.token_with("ES00002", seed::DEMO_PASSWORD).await;
    let late_id = json_of(app.get(&late, "/api/v1/me").await).await["person"]["id"].as_i64().unwrap();
    app.post(&late, &format!("/api/v1/sessions/{id}/registrations"), json!({})).await;
    assert_eq!(
        scan(&app, &late, id, "check-in", &code(&app, &trainer, id).await).await.status(),
        StatusCode::OK
    );
    app.clock.advance(Duration::minutes(2));
    let out = json_of(scan(&app, &late, id, "check-out", &code(&app, &trainer, id).await).await).await;
    assert_eq!(
        (out["presence"].as_str(), out["attended"].as_bool(), out["attended_minutes"].as_i64()),
        (Some("partial"), Some(false), Some(2)),
        "{out}"
    );
    assert_eq!(out["minutes_required"], 144);
    let signed_out =
        json_of(scan(&app, &teacher, id, "check-out", &code(&app, &trainer, id).await).await).await;
    assert_eq!(
        signed_out["presence"], "present",
        "in from the start, out in the closing window: {signed_out}"
    );

    app.clock.advance(Duration::minutes(15));
    let trainer = app.token("trainer").await;
    assert_eq!(
        app.post(&trainer, &format!("/api/v1/sessions/{id}/close"), json!({})).await.status(),
        StatusCode::OK
    );
    let sheet = json_of(app.get(&trainer, &format!("/api/v1/sessions/{id}/attendance")).await).await;
    let line = sheet["lines"].as_array().unwrap().iter().find(|l| l["teacher_id"] == late_id).unwrap();
    assert_eq!((line["presence"].as_str(), line["hours_credited"].as_str()), (Some("partial"), Some("0")));
    assert_eq!(line["attended_minutes"], 2, "the sheet shows minutes present");
    let late = app.token_with("ES00002", seed::DEMO_PASSWORD).await;
    let late_credits = json_of(app.get(&late, "/api/v1/me/credits?category=offline_training").await).await;
    assert_eq!(late_credits["total"], 0, "two minutes earn nothing: {late_credits}");
    let credits =
        json_of(app.get(&app.token("teacher").await, "/api/v1/me/credits?category=offline_training").await)
            .await;
    assert_eq!(credits["total"], 1);
}

#[tokio::test]
async fn closing_before_the_end_takes_force_and_a_reason_and_a_mark_is_the_only_override() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    let teacher = app.token("teacher").await;
    let teacher_id = my_teacher_id(&app, &teacher).await;
    app.post(&teacher, &format!("/api/v1/sessions/{id}/registrations"), json!({})).await;
    app.clock.advance(Duration::minutes(10));
    assert_eq!(
        scan(&app, &teacher, id, "check-in", &code(&app, &trainer, id).await).await.status(),
        StatusCode::OK
    );
    let close = format!("/api/v1/sessions/{id}/close");
    assert_problem(app.post(&trainer, &close, json!({})).await, StatusCode::CONFLICT, "closing_early").await;
    assert_problem(
        app.post(&trainer, &close, json!({"force": true})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let marked = app
        .post(
            &trainer,
            &format!("/api/v1/sessions/{id}/attendance"),
            json!({"teacher_id": teacher_id, "status": "present", "reason": "暴雨提前结束，全程在场"}),
        )
        .await;
    assert_eq!(json_of(marked).await["presence"], "present");
    let closed = app.post(&trainer, &close, json!({"force": true, "reason": "暴雨预警，提前结束"})).await;
    assert_eq!(closed.status(), StatusCode::OK);
    let credits = json_of(app.get(&teacher, "/api/v1/me/credits?category=offline_training").await).await;
    assert_eq!(credits["total"], 1, "the trainer's mark earns the hours");
}

#[tokio::test]
async fn a_closed_event_refuses_registration_codes_and_scans() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let id = event(&app, &admin, "ES-ESS", "county", app.clock.now() + Duration::minutes(10)).await;
    let teacher = app.token("teacher").await;
    let base = format!("/api/v1/research-events/{id}");
    app.post(&teacher, &format!("{base}/registrations"), json!({})).await;
    app.clock.advance(Duration::minutes(10));
    let shown = json_of(app.get(&admin, &format!("{base}/sign-in-code")).await).await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let closed =
        app.post(&admin, &format!("{base}/close"), json!({"force": true, "reason": "活动取消"})).await;
    assert_eq!(closed.status(), StatusCode::OK);

    let teacher = app.token("teacher").await;
    assert_problem(
        app.post(&teacher, &format!("{base}/check-in"), json!({"code": shown})).await,
        StatusCode::CONFLICT,
        "event_closed",
    )
    .await;
    assert_problem(
        app.post(&teacher, &format!("{base}/registrations"), json!({})).await,
        StatusCode::CONFLICT,
        "event_closed",
    )
    .await;
    assert_problem(
        app.get(&admin, &format!("{base}/sign-in-code")).await,
        StatusCode::CONFLICT,
        "event_closed",
    )
    .await;
    let credits = json_of(app.get(&teacher, "/api/v1/me/credits?category=research_event").await).await;
    assert_eq!(credits["total"], 0);
}

#[tokio::test]
async fn a_claim_with_form_online_counts_online_on_every_screen() {
    let app = spawn_seeded_app().await;
    // C asks for both kinds of hours (more than the claim), so both requirements are shown.
    let mut levels = simple_levels(5);
    levels[0] = level("C", "8", 5, "automatic", json!({"online_hours": "30"}));
    put_in_force(&app, rule_set(levels)).await;
    let teacher = app.token("teacher").await;
    let body = json!({"title": "国培计划心理健康教育专题网络研修", "organiser": "国家智慧教育平台",
        "started_on": "2026-03-01", "ended_on": "2026-04-15", "hours": "24", "form": "online",
        "evidence_ref": "证书编号 GP2026-00318"});
    let claim = json_of(app.post(&teacher, "/api/v1/me/credit-claims", body).await).await;
    let admin = app.token("county.admin").await;
    let path = format!("/api/v1/credit-claims/{}/approve", claim["id"]);
    assert_eq!(app.post(&admin, &path, json!({"reason": "证书核验无误"})).await.status(), StatusCode::OK);

    let totals = &json_of(app.get(&teacher, "/api/v1/me/credits").await).await["totals"];
    assert_eq!((totals["online_hours"].as_str(), totals["offline_hours"].as_str()), (Some("24"), Some("0")));
    let qualification = json_of(app.get(&teacher, "/api/v1/me/qualification").await).await;
    let c = &qualification["levels"][0]["requirements"];
    let online = c.as_array().unwrap().iter().find(|r| r["kind"] == "online_hours").unwrap();
    let offline = c.as_array().unwrap().iter().find(|r| r["kind"] == "offline_hours").unwrap();
    assert_eq!(
        (online["actual"].as_str(), offline["actual"].as_str()),
        (Some("24"), Some("0")),
        "{qualification}"
    );
    let dashboard = json_of(app.get(&teacher, "/api/v1/me/dashboard").await).await;
    if kernel::china_year(app.clock.now()) == 2026 {
        assert_eq!(
            (dashboard["online_hours"].as_str(), dashboard["offline_hours"].as_str()),
            (Some("24"), Some("0"))
        );
    }
    assert_eq!(
        dashboard["next_level"]["requirements"], qualification["levels"][0]["requirements"],
        "one answer"
    );
}

#[tokio::test]
async fn activating_a_rule_set_issues_the_certificate_now_due_once() {
    let app = spawn_seeded_app().await;
    let strict = vec![
        level("C", "2", 5, "automatic", json!({})),
        level("B", "2", 5, "review", json!({})),
        level("A", "3", 5, "review", json!({})),
    ];
    put_in_force(&app, rule_set(strict)).await;
    let (admin, teacher) = (app.token("admin").await, app.token("teacher").await);
    let me = my_teacher_id(&app, &teacher).await;
    external(&app, &admin, me, "1").await;
    assert!(certificates_of(&app, &admin, me).await.is_empty(), "1 h of 2: nothing yet");

    let lenient = vec![
        level("C", "1", 5, "automatic", json!({})),
        level("B", "2", 5, "review", json!({})),
        level("A", "3", 5, "review", json!({})),
    ];
    let activated = put_in_force(&app, rule_set(lenient.clone())).await;
    assert_eq!(activated["status"], "active");
    assert!(activated["reassessment"]["reassessed"].as_u64().unwrap() >= 1, "{activated}");
    assert_eq!(activated["reassessment"]["issued"], 1, "{activated}");
    let held = certificates_of(&app, &admin, me).await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["level"], "C");

    let again = put_in_force(&app, rule_set(lenient)).await;
    assert_eq!(again["reassessment"]["issued"], 0, "idempotent: {again}");
    assert_eq!(certificates_of(&app, &admin, me).await.len(), 1);
}

#[tokio::test]
async fn an_imported_c_holders_earlier_hours_do_not_count_toward_b() {
    let app = spawn_seeded_app().await;
    let levels = vec![
        level("C", "100", 5, "automatic", json!({})),
        level("B", "2", 5, "automatic", json!({})),
        level("A", "3", 5, "review", json!({})),
    ];
    put_in_force(&app, rule_set(levels)).await;
    let (admin, teacher) = (app.token("admin").await, app.token("teacher").await);
    let me = my_teacher_id(&app, &teacher).await;
    external(&app, &admin, me, "5").await;

    let today = kernel::china_date(app.clock.now());
    let txn = kernel::begin_write(&app.db).await.unwrap();
    let imported =
        certification::HistoricCertificate { teacher_id: me, level: kernel::Level::C, issued_on: today };
    certification::import_certificates(&txn, app.clock.now(), vec![imported]).await.unwrap();
    txn.commit().await.unwrap();
    let done = certification::reassess(&app.db, app.clock.now(), Some(&[me])).await.unwrap();
    assert_eq!((done.reassessed, done.issued), (1, 0), "5 h before C are not B's");

    let cert = certificates_of(&app, &admin, me).await.into_iter().find(|c| c["level"] == "C").unwrap();
    let ledger = json_of(app.get(&teacher, "/api/v1/me/credits?category=certificate").await).await;
    assert_eq!(
        ledger["items"][0]["source_id"],
        cert["id"].to_string(),
        "an imported certificate has its entry"
    );
    let qualification = json_of(app.get(&teacher, "/api/v1/me/qualification").await).await;
    let b = qualification["levels"].as_array().unwrap().iter().find(|l| l["level"] == "B").unwrap();
    let offline =
        b["requirements"].as_array().unwrap().iter().find(|r| r["kind"] == "offline_hours").unwrap();
    assert_eq!(offline["actual"], "0", "{b}");
    assert_eq!(offline["counted_from"], today.to_string());
    assert_eq!(offline["counted_after_certificate"], cert["number"]);

    external(&app, &admin, me, "2").await;
    let held = certificates_of(&app, &admin, me).await;
    assert!(held.iter().any(|c| c["level"] == "B"), "hours after C count: {held:?}");
}

#[tokio::test]
async fn a_row_with_an_unknown_category_makes_verification_and_reads_fail_loudly() {
    use sea_orm::ConnectionTrait;
    let app = spawn_seeded_app().await;
    let (admin, teacher) = (app.token("admin").await, app.token("teacher").await);
    let me = my_teacher_id(&app, &teacher).await;
    external(&app, &admin, me, "2").await;
    app.db
        .execute_unprepared(&format!("UPDATE credit_entry SET category = 'bogus' WHERE teacher_id = {me}"))
        .await
        .unwrap();

    for response in [
        app.get(&teacher, "/api/v1/me/credits").await,
        app.get(&admin, &format!("/api/v1/teachers/{me}/credits")).await,
        app.get(&admin, &format!("/api/v1/teachers/{me}/credits/verify")).await,
    ] {
        let problem = assert_problem(response, StatusCode::CONFLICT, "corrupt_record").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("credit_entry.category") && detail.contains("bogus"), "{problem}");
    }
    assert!(credit::verify_chain(&app.db, me).await.is_err(), "verification refuses, never relabels");
}

#[tokio::test]
async fn an_event_with_an_unknown_status_is_refused_not_taken_for_open() {
    use sea_orm::ConnectionTrait;
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let id = event(&app, &admin, "ES-ESS", "county", app.clock.now() + Duration::minutes(10)).await;
    app.db
        .execute_unprepared(&format!("UPDATE research_event SET status = 'bogus' WHERE id = {id}"))
        .await
        .unwrap();
    let teacher = app.token("teacher").await;
    for response in [
        app.get(&admin, &format!("/api/v1/research-events/{id}")).await,
        app.post(&teacher, &format!("/api/v1/research-events/{id}/registrations"), json!({})).await,
        app.get(&admin, &format!("/api/v1/research-events/{id}/sign-in-code")).await,
    ] {
        assert_problem(response, StatusCode::CONFLICT, "corrupt_record").await;
    }
}

/// Asserts a 409 `corrupt_record` whose detail names the column and the stored value.
async fn assert_corrupt(response: reqwest::Response, column: &str, value: &str) {
    let problem = assert_problem(response, StatusCode::CONFLICT, "corrupt_record").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains(column) && detail.contains(&format!("“{value}”")), "{problem}");
}

#[tokio::test]
async fn a_certificate_with_an_unknown_level_is_refused_not_read_as_c() {
    use sea_orm::ConnectionTrait;
    let app = spawn_seeded_app().await;
    let (teacher, me, cert) = certified_teacher(&app).await;
    let (id, code) = (cert["id"].as_i64().unwrap(), cert["verification_code"].as_str().unwrap().to_owned());
    app.db.execute_unprepared(&format!("UPDATE certificate SET level = 'z' WHERE id = {id}")).await.unwrap();

    let admin = app.token("admin").await;
    for response in [
        app.get(&admin, &format!("/api/v1/certificates/{id}")).await,
        app.get(&teacher, &format!("/api/v1/certificates?teacher_id={me}")).await,
        app.client.get(app.url(&format!("/api/v1/verify/{code}"))).send().await.unwrap(),
    ] {
        assert_corrupt(response, "certificate.level", "z").await;
    }
}

#[tokio::test]
async fn a_question_whose_stored_json_does_not_parse_is_refused_not_served_empty() {
    use sea_orm::ConnectionTrait;
    let app = spawn_seeded_app().await;
    let (exam_id, bank) = objective_exam(&app).await;
    let (trainer, teacher) = (app.token("trainer").await, app.token("teacher").await);
    let started =
        json_of(app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await).await;
    let attempt = started["id"].as_i64().unwrap();
    assert!(
        app.get(&trainer, &format!("/api/v1/question-banks/{bank}/questions")).await.status().is_success()
    );

    // The bank's copy, and the copy frozen into the attempt's paper.
    app.db
        .execute_unprepared(&format!("UPDATE question SET options = '{{oops' WHERE bank_id = {bank}"))
        .await
        .unwrap();
    assert_corrupt(
        app.get(&trainer, &format!("/api/v1/question-banks/{bank}/questions")).await,
        "question.options",
        "{oops",
    )
    .await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE attempt_question SET options = '{{oops' WHERE attempt_id = {attempt}"
        ))
        .await
        .unwrap();
    for response in [
        app.get(&teacher, &format!("/api/v1/attempts/{attempt}")).await,
        app.post(&teacher, &format!("/api/v1/exams/{exam_id}/attempts"), json!({})).await,
    ] {
        assert_corrupt(response, "attempt_question.options", "{oops").await;
    }

    // Valid JSON of the wrong shape is as corrupt as text that does not parse.
    app.db
        .execute_unprepared(&format!("UPDATE exam SET sections = '{{}}' WHERE id = {exam_id}"))
        .await
        .unwrap();
    assert_corrupt(app.get(&trainer, &format!("/api/v1/exams/{exam_id}")).await, "exam.sections", "{}").await;
}

#[tokio::test]
async fn a_session_with_an_unknown_status_is_never_reminded_as_if_open() {
    use sea_orm::ConnectionTrait;
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let (sound, corrupt) = (session(&app, &trainer).await, session(&app, &trainer).await);
    let (teacher, other) = (app.token("teacher").await, app.token("ES00002").await);
    for (token, id) in [(&teacher, sound), (&other, corrupt)] {
        let registered = app.post(token, &format!("/api/v1/sessions/{id}/registrations"), json!({})).await;
        assert_eq!(registered.status(), StatusCode::CREATED);
    }
    app.db
        .execute_unprepared(&format!("UPDATE offline_session SET status = 'bogus' WHERE id = {corrupt}"))
        .await
        .unwrap();

    let queued = courses::enqueue_session_reminders(&app.db, app.clock.now()).await.unwrap();
    assert_eq!(queued, 1, "only the sound session's registrant");
    let mut reminded = Vec::new();
    for token in [&teacher, &other] {
        let told = json_of(app.get(token, "/api/v1/me/notifications").await).await;
        reminded
            .push(told["items"].as_array().unwrap().iter().filter(|n| n["template"] == "reminder").count());
    }
    assert_eq!(reminded, [1, 0], "the sound session's registrant is reminded, the corrupt one's nobody");
}
