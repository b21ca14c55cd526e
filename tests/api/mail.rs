//! Mail against a real SMTP listener (mailin-embedded) started by the test itself.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use chrono::Duration;
use kernel::Clock;
use mailin_embedded::{Handler, Response, Server, SslConfig, response};
use reqwest::StatusCode;
use sea_orm::TransactionTrait;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, json_of, spawn_seeded_app};

/// One message as the SMTP server received it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    fn subject(&self) -> String {
        mailparse::parse_mail(&self.data)
            .ok()
            .and_then(|m| mailparse::MailHeaderMap::get_first_value(&m.headers[..], "Subject"))
            .unwrap_or_default()
    }

    fn text(&self) -> String {
        let Ok(mail) = mailparse::parse_mail(&self.data) else { return String::new() };
        let mut bodies = vec![mail.get_body().unwrap_or_default()];
        bodies.extend(mail.subparts.iter().filter_map(|p| p.get_body().ok()));
        bodies.join("\n")
    }
}

#[derive(Clone)]
struct Catcher {
    inbox: Arc<Mutex<Vec<Received>>>,
    current: Received,
}

impl Handler for Catcher {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Received { to: to.to_vec(), data: Vec::new() };
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.inbox.lock().unwrap().push(std::mem::take(&mut self.current));
        response::OK
    }
}

/// Starts an SMTP listener on `listener`; returns its inbox.
fn smtp_on(listener: TcpListener) -> Arc<Mutex<Vec<Received>>> {
    let inbox = Arc::new(Mutex::new(Vec::new()));
    let mut server = Server::new(Catcher { inbox: inbox.clone(), current: Received::default() });
    server.with_name("smtp.test").with_ssl(SslConfig::None).unwrap().with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    inbox
}

fn sender(port: u16) -> notify::Sender {
    notify::Sender::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        "心育 Qualify <noreply@qualify.test>",
        "http://qualify.test",
    )
    .unwrap()
}

/// A released objective exam result for the demo teacher; returns the attempt id.
async fn release_a_result(app: &TestApp) -> i64 {
    let trainer = app.token("trainer").await;
    let org = app.org_unit_id(&app.token("admin").await, "ES").await;
    let bank = json_of(
        app.post(&trainer, "/api/v1/question-banks", json!({"name": "题库", "org_unit_id": org})).await,
    )
    .await["id"]
        .clone();
    let question =
        json!({"type": "true_false", "stem": "倾听是辅导的第一步。", "answer": true, "points": "10"});
    app.post(&trainer, &format!("/api/v1/question-banks/{bank}/questions"), question).await;
    let now = app.clock.now();
    let exam = json!({"title": "心理健康常识测验", "level": "c", "org_unit_id": org, "duration_minutes": 10, "pass_score": "10", "max_attempts": 1,
        "opens_at": (now - Duration::hours(1)).to_rfc3339(), "closes_at": (now + Duration::days(1)).to_rfc3339(),
        "sections": [{"title": "判断", "bank_ids": [bank], "count": 1, "points": "10"}]});
    let exam = json_of(app.post(&trainer, "/api/v1/exams", exam).await).await["id"].clone();
    let teacher = app.token("teacher").await;
    let attempt =
        json_of(app.post(&teacher, &format!("/api/v1/exams/{exam}/attempts"), json!({})).await).await;
    let id = attempt["id"].as_i64().unwrap();
    app.put(
        &teacher,
        &format!("/api/v1/attempts/{id}/answers/{}", attempt["questions"][0]["id"]),
        json!({"answer": true}),
    )
    .await;
    let submitted = app.post(&teacher, &format!("/api/v1/attempts/{id}/submit"), json!({})).await;
    assert_eq!(submitted.status(), StatusCode::OK, "the request succeeds whatever the mail does");
    id
}

#[tokio::test]
async fn a_released_result_arrives_by_smtp_with_its_link() {
    let app = spawn_seeded_app().await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = smtp_on(listener);
    let attempt = release_a_result(&app).await;
    let round = notify::deliver_due(&app.db, app.clock.now(), &sender(port)).await.unwrap();
    assert_eq!(round.sent, 1);
    let mail = inbox.lock().unwrap()[0].clone();
    assert_eq!(mail.to, ["es00001@es.edu.cn"]);
    assert!(
        mail.subject().contains("心理健康常识测验") && mail.subject().contains("合格"),
        "{}",
        mail.subject()
    );
    assert!(mail.text().contains(&format!("http://qualify.test/attempts/{attempt}")), "{}", mail.text());
    let again = notify::deliver_due(&app.db, app.clock.now(), &sender(port)).await.unwrap();
    assert_eq!(again.sent, 0, "a sent message is not sent again");
}

#[tokio::test]
async fn trainers_covering_an_exam_hear_of_answers_to_grade() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let org = app.org_unit_id(&app.token("admin").await, "ES").await;
    let bank = json_of(
        app.post(&trainer, "/api/v1/question-banks", json!({"name": "题库", "org_unit_id": org})).await,
    )
    .await["id"]
        .clone();
    let essay = json!({"type": "essay", "stem": "论述。", "points": "10", "rubric": [{"criterion": "要点", "points": "10"}]});
    app.post(&trainer, &format!("/api/v1/question-banks/{bank}/questions"), essay).await;
    let now = app.clock.now();
    let exam = json!({"title": "论述考试", "level": "b", "org_unit_id": org, "duration_minutes": 10, "pass_score": "6", "max_attempts": 1,
        "opens_at": (now - Duration::hours(1)).to_rfc3339(), "closes_at": (now + Duration::days(1)).to_rfc3339(),
        "sections": [{"title": "论述", "bank_ids": [bank], "count": 1, "points": "10"}]});
    let exam = json_of(app.post(&trainer, "/api/v1/exams", exam).await).await["id"].clone();
    let teacher = app.token("teacher").await;
    let attempt =
        json_of(app.post(&teacher, &format!("/api/v1/exams/{exam}/attempts"), json!({})).await).await;
    let id = attempt["id"].as_i64().unwrap();
    app.put(
        &teacher,
        &format!("/api/v1/attempts/{id}/answers/{}", attempt["questions"][0]["id"]),
        json!({"answer": "先倾听。"}),
    )
    .await;
    app.post(&teacher, &format!("/api/v1/attempts/{id}/submit"), json!({})).await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = smtp_on(listener);
    notify::deliver_due(&app.db, app.clock.now(), &sender(port)).await.unwrap();
    let inbox = inbox.lock().unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].to, ["trainer@es.edu.cn"]);
    assert!(inbox[0].subject().contains("论述考试"), "{}", inbox[0].subject());
    assert!(!inbox[0].text().contains("es00001"), "the grading mail does not name the candidate");
}

#[tokio::test]
async fn smtp_down_delays_mail_and_it_arrives_when_the_server_is_back() {
    let app = spawn_seeded_app().await;
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    release_a_result(&app).await;
    let down = notify::deliver_due(&app.db, app.clock.now(), &sender(port)).await.unwrap();
    assert_eq!((down.sent, down.retrying), (0, 1));
    let admin = app.token("admin").await;
    let pending = json_of(app.get(&admin, "/api/v1/outbox?status=pending").await).await;
    assert_eq!(pending["total"], 1);
    assert!(pending["items"][0]["last_error"].is_string());

    let inbox = smtp_on(TcpListener::bind(("127.0.0.1", port)).unwrap());
    let too_soon = notify::deliver_due(&app.db, app.clock.now(), &sender(port)).await.unwrap();
    assert_eq!(too_soon.sent, 0, "the retry waits for its backoff");
    app.clock.advance(Duration::minutes(1));
    let back = notify::deliver_due(&app.db, app.clock.now(), &sender(port)).await.unwrap();
    assert_eq!(back.sent, 1);
    assert_eq!(inbox.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_message_failing_every_attempt_is_marked_failed_and_can_be_retried() {
    let app = spawn_seeded_app().await;
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    release_a_result(&app).await;
    for _ in 0..notify::MAX_ATTEMPTS {
        notify::deliver_due(&app.db, app.clock.now(), &sender(port)).await.unwrap();
        app.clock.advance(Duration::hours(2));
    }
    let admin = app.token("admin").await;
    let failed = json_of(app.get(&admin, "/api/v1/outbox?status=failed").await).await;
    assert_eq!(failed["total"], 1);
    let id = failed["items"][0]["id"].as_i64().unwrap();
    let retried = json_of(app.post(&admin, &format!("/api/v1/outbox/{id}/retry"), json!({})).await).await;
    assert_eq!((retried["status"].as_str(), retried["attempts"].as_i64()), (Some("pending"), Some(0)));
    assert_problem(
        app.post(&admin, &format!("/api/v1/outbox/{id}/retry"), json!({})).await,
        StatusCode::CONFLICT,
        "not_failed",
    )
    .await;
    assert_problem(
        app.get(&app.token("county.admin").await, "/api/v1/outbox").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn two_workers_send_each_message_once() {
    let app = spawn_seeded_app().await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = smtp_on(listener);
    let now = app.clock.now();
    for i in 0..30 {
        let mail = notify::Mail::GradingAssigned {
            exam: format!("考试 {i}"),
            answers: 1,
            path: "/grading".to_owned(),
        };
        let envelope =
            notify::Envelope { to: format!("grader{i}@es.edu.cn"), english: false, mail, dedup_key: None };
        notify::enqueue(&app.db, now, envelope).await.unwrap();
    }
    let (a, b) = (sender(port), sender(port));
    loop {
        let (first, second) =
            tokio::join!(notify::deliver_due(&app.db, now, &a), notify::deliver_due(&app.db, now, &b));
        if first.unwrap().sent + second.unwrap().sent == 0 {
            break;
        }
    }
    let inbox = inbox.lock().unwrap();
    let mut recipients: Vec<String> = inbox.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!((inbox.len(), recipients.len()), (30, 30), "each message exactly once");
}

#[tokio::test]
async fn a_rolled_back_change_sends_nothing() {
    let app = spawn_seeded_app().await;
    let txn = app.db.begin().await.unwrap();
    let mail =
        notify::Mail::GradingAssigned { exam: "回滚".to_owned(), answers: 1, path: "/grading".to_owned() };
    notify::enqueue(
        &txn,
        app.clock.now(),
        notify::Envelope { to: "x@es.edu.cn".to_owned(), english: false, mail, dedup_key: None },
    )
    .await
    .unwrap();
    txn.rollback().await.unwrap();
    let dir = std::env::temp_dir().join(format!("qualify-mail-{}", uuid::Uuid::new_v4()));
    let files = notify::Sender::files(dir.clone(), "q <q@q.test>", "http://qualify.test").unwrap();
    assert_eq!(notify::deliver_due(&app.db, app.clock.now(), &files).await.unwrap().sent, 0);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files_and_reminders_go_once() {
    let app = spawn_seeded_app().await;
    let trainer = app.token("trainer").await;
    let county = app.org_unit_id(&app.token("admin").await, "ES-ESS").await;
    let start = app.clock.now() + Duration::hours(20);
    let session = json!({"title": "面授提醒测试", "place": "报告厅", "trainer": "张老师", "starts_at": start.to_rfc3339(),
        "ends_at": (start + Duration::hours(2)).to_rfc3339(), "hours": "2", "capacity": 10, "org_unit_id": county});
    let id = json_of(app.post(&trainer, "/api/v1/sessions", session).await).await["id"].clone();
    app.post(&app.token("teacher").await, &format!("/api/v1/sessions/{id}/registrations"), json!({})).await;
    assert_eq!(courses::enqueue_session_reminders(&app.db, app.clock.now()).await.unwrap(), 1);
    courses::enqueue_session_reminders(&app.db, app.clock.now()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("qualify-mail-{}", uuid::Uuid::new_v4()));
    let files =
        notify::Sender::files(dir.clone(), "心育 Qualify <noreply@qualify.test>", "http://qualify.test")
            .unwrap();
    assert_eq!(
        notify::deliver_due(&app.db, app.clock.now(), &files).await.unwrap().sent,
        1,
        "the second run queued nothing new"
    );
    let written: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(written.len(), 1);
    let eml = std::fs::read(&written[0]).unwrap();
    let received = Received { to: vec![], data: eml };
    assert!(received.subject().contains("面授提醒测试"), "{}", received.subject());
}

#[tokio::test]
async fn from_september_teachers_behind_on_research_are_told_once() {
    let app = spawn_seeded_app().await;
    let september = chrono::DateTime::parse_from_rfc3339("2026-09-02T09:00:00+08:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let august = september - Duration::days(10);
    assert_eq!(research::enqueue_behind_pace(&app.db, august, 3).await.unwrap(), 0, "not before 1 September");
    let queued = research::enqueue_behind_pace(&app.db, september, 3).await.unwrap();
    assert!(queued > 0);
    research::enqueue_behind_pace(&app.db, september, 3).await.unwrap();
    let admin = app.token("admin").await;
    let outbox = json_of(app.get(&admin, "/api/v1/outbox?per_page=1").await).await;
    assert_eq!(outbox["total"].as_u64(), Some(u64::from(queued)), "the second run queued nothing");
}
