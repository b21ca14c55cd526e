//! The authorization matrix: every operation of the OpenAPI document built from the code
//! (`server::openapi::document()`), called anonymously and as each demo role, against one
//! explicit table of expected outcomes (`table()`). A route added later without a row fails
//! `every_operation_of_the_spec_has_one_row_and_public_means_no_security`.
//!
//! The rules are those of docs/ARCHITECTURE.md, "Authorization": without a token every
//! operation but the public ones answers 401; a role that `kernel::Role::allows` refuses gets a
//! 403 `forbidden` (teachers hold no staff permission: they act through `/me` routes and teacher
//! actions such as enrolling, sitting exams, applying); a record outside the caller's subtree is
//! a 404, so its existence never leaks.
//!
//! Records: the role matrix names records of 恩施市 (`county.admin`'s county) held by the demo
//! `teacher`, so every role is in scope and the teacher acts on their own records. The scope
//! test names the same kinds of records in 利川市, held by another teacher.
//!
//! Request bodies: actix extracts a JSON body before the handler runs, so a body that does not
//! deserialize answers 400/422 before any role check. Every request therefore sends a body that
//! passes extraction (`body`), and where a handler validates a field before its role check
//! (a revocation or rejection reason) the field is valid too; a staff registration names a
//! teacher, since without one it is a 422 before the role check.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use kernel::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, json_of, spawn_seeded_app};

/// What one call must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    /// 2xx: an allowed read (or write) of a record in scope.
    Success,
    /// Let through: neither 401, 403, 404 nor 5xx. A 409 or 422 for a state or body the test
    /// did not make valid is fine.
    Allowed,
    /// Let through to the lookup of an id the test cannot make cheaply (a presence check): the
    /// 404 of that lookup is fine, 401, 403 and 5xx are not.
    Reached,
    /// 403 problem `forbidden`: the role may not do this.
    Forbidden,
    /// 404 problem `not_found`: out of scope, so existence does not leak.
    NotFound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Admin of the whole prefecture (恩施州).
    Admin,
    /// Admin of the county 恩施市.
    County,
    Trainer,
    Hr,
    /// The demo teacher, at a school of 恩施市.
    Teacher,
}

impl Role {
    /// The order of a row's outcomes.
    const ALL: [Role; 5] = [Role::Admin, Role::County, Role::Trainer, Role::Hr, Role::Teacher];

    fn login(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::County => "county.admin",
            Role::Trainer => "trainer",
            Role::Hr => "hr",
            Role::Teacher => "teacher",
        }
    }
}

/// The expectation of one operation.
#[derive(Debug)]
struct Row {
    /// Callable without a token; never a 401 for lack of one.
    public: bool,
    /// admin, county.admin, trainer, hr, teacher (`Role::ALL`) on records of 恩施市 held by
    /// the demo teacher.
    own: [Want; 5],
    /// county.admin and teacher on records of 利川市 held by another teacher; for operations
    /// with path ids (the prefecture admin, trainer and HR see both counties alike).
    other: Option<[Want; 2]>,
}

/// A row as `table()` writes it: operation, then `Row::own`, then `Row::other`.
type Line = (&'static str, [Want; 5], Option<[Want; 2]>);

/// Operations anyone may call; they take no token (no `AuthUser` in the handler).
const PUBLIC: [&str; 9] = [
    "GET /health",
    "GET /.well-known/jwks.json",
    "GET /verify/{code}",
    "GET /api/v1/verify/{code}",
    "GET /api/v1/verify/transcripts/{code}",
    "GET /verify/transcripts/{code}",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/refresh",
    "POST /api/v1/auth/logout",
];

/// The expected outcome of every operation of the API, keyed `"METHOD /path/template"`.
fn table() -> HashMap<&'static str, Row> {
    use Want::{Allowed as A, Forbidden as F, NotFound as N, Reached as R, Success as S};
    // [admin, county.admin, trainer, hr, teacher], then [county.admin, teacher] on 利川市.
    let rows: [Line; 129] = [
        ("POST /api/v1/accounts", [A, A, F, F, F], None),
        ("POST /api/v1/accounts/{id}/disable", [S, S, F, F, F], Some([N, F])),
        ("POST /api/v1/accounts/{id}/enable", [S, S, F, F, F], Some([N, F])),
        ("POST /api/v1/accounts/{id}/password-reset", [S, S, F, F, F], Some([N, F])),
        // Attempts: their teacher, or staff who manage training where the exam is.
        ("GET /api/v1/attempts/{id}", [S, S, S, F, S], Some([N, N])),
        // Only the attempt's teacher answers; the attempt is submitted, hence 409 for them.
        ("PUT /api/v1/attempts/{id}/answers/{question_id}", [F, F, F, F, A], Some([N, N])),
        ("GET /api/v1/attempts/{id}/audit", [S, S, S, F, F], Some([N, N])),
        ("POST /api/v1/attempts/{id}/regrade", [A, A, A, F, F], Some([N, N])),
        ("POST /api/v1/attempts/{id}/submit", [F, F, F, F, S], Some([N, N])),
        // Prefecture admins only: a county admin is refused by role, not by scope.
        ("GET /api/v1/audit", [S, F, F, F, F], None),
        ("GET /api/v1/certificates", [S, S, F, S, S], None),
        // A teacher reads their own certificates; someone else's is refused by role (403).
        ("GET /api/v1/certificates/{id}", [S, S, F, S, S], Some([N, F])),
        ("GET /api/v1/certificates/{id}/credential", [S, S, F, S, S], Some([N, F])),
        ("GET /api/v1/certificates/{id}/print", [S, S, F, S, S], Some([N, F])),
        ("POST /api/v1/certificates/{id}/renew", [A, A, F, F, A], Some([N, F])),
        ("POST /api/v1/certificates/{id}/revoke", [A, A, F, F, F], Some([N, F])),
        ("GET /api/v1/certification/applications", [S, S, F, S, S], None),
        ("POST /api/v1/certification/applications", [F, F, F, F, A], None),
        ("POST /api/v1/certification/applications/{id}/approve", [A, A, F, F, F], Some([N, F])),
        ("POST /api/v1/certification/applications/{id}/reject", [A, A, F, F, F], Some([N, F])),
        // Org-owned things (courses, sessions, exams, events): staff read their subtree's,
        // teachers those of their school and the units above it.
        ("GET /api/v1/courses", [S, S, S, S, S], None),
        ("POST /api/v1/courses", [A, A, A, F, F], None),
        ("GET /api/v1/courses/{id}", [S, S, S, S, S], Some([N, N])),
        ("PATCH /api/v1/courses/{id}", [A, A, A, F, F], Some([N, F])),
        // Teacher actions check "is a teacher" first, so staff get 403 in any county.
        ("POST /api/v1/courses/{id}/enrollments", [F, F, F, F, S], Some([F, N])),
        ("GET /api/v1/credit-claims", [S, S, F, F, F], None),
        ("POST /api/v1/credit-claims/{id}/approve", [A, A, F, F, F], Some([N, F])),
        ("POST /api/v1/credit-claims/{id}/reject", [A, A, F, F, F], Some([N, F])),
        ("GET /api/v1/credits", [S, S, F, S, F], None),
        ("GET /api/v1/credits/export", [S, S, F, S, F], None),
        ("GET /api/v1/exams", [S, S, S, S, S], None),
        ("POST /api/v1/exams", [A, A, A, F, F], None),
        ("POST /api/v1/exams/check", [A, A, A, F, F], None),
        ("GET /api/v1/exams/{id}", [S, S, S, S, S], Some([N, N])),
        ("PATCH /api/v1/exams/{id}", [A, A, A, F, F], Some([N, F])),
        ("POST /api/v1/exams/{id}/attempts", [F, F, F, F, A], Some([F, N])),
        ("POST /api/v1/exams/{id}/release", [A, A, A, F, F], Some([N, F])),
        ("GET /api/v1/grading/tasks", [S, S, S, F, F], None),
        ("POST /api/v1/grading/tasks/{id}/claim", [A, A, A, F, F], Some([N, F])),
        ("POST /api/v1/grading/tasks/{id}/score", [A, A, A, F, F], Some([N, F])),
        ("PATCH /api/v1/lessons/{id}", [A, A, A, F, F], Some([N, F])),
        ("POST /api/v1/lessons/{id}/progress", [F, F, F, F, A], Some([F, N])),
        ("GET /api/v1/me", [S, S, S, S, S], None),
        ("GET /api/v1/me/attempts", [F, F, F, F, S], None),
        ("GET /api/v1/me/notifications", [S, S, S, S, S], None),
        ("POST /api/v1/me/notifications/{id}/read", [R, R, R, R, R], Some([R, R])),
        ("GET /api/v1/me/transcript", [F, F, F, F, S], None),
        ("GET /api/v1/me/credit-claims", [F, F, F, F, S], None),
        ("POST /api/v1/me/credit-claims", [F, F, F, F, A], None),
        ("GET /api/v1/me/credits", [F, F, F, F, S], None),
        ("GET /api/v1/me/dashboard", [F, F, F, F, S], None),
        ("GET /api/v1/me/enrollments", [F, F, F, F, S], None),
        ("GET /api/v1/me/exams", [F, F, F, F, S], None),
        // Everyone's own account; the current password sent is wrong, hence 422.
        ("POST /api/v1/me/password", [A, A, A, A, A], None),
        ("GET /api/v1/me/qualification", [F, F, F, F, S], None),
        ("GET /api/v1/me/research-events", [F, F, F, F, S], None),
        ("GET /api/v1/me/workload", [F, F, F, F, S], None),
        ("POST /api/v1/me/workload", [F, F, F, F, A], None),
        // Staff see the pairs and studios of their subtree, a teacher those they belong to.
        ("GET /api/v1/mentorships", [S, S, S, S, S], None),
        ("POST /api/v1/mentorships", [A, A, A, F, F], None),
        ("GET /api/v1/org-units", [S, S, S, S, F], None),
        ("POST /api/v1/org-units", [A, A, F, F, F], None),
        ("GET /api/v1/org-units/{id}", [S, S, S, S, F], Some([N, F])),
        ("PATCH /api/v1/org-units/{id}", [A, A, F, F, F], Some([N, F])),
        ("GET /api/v1/outbox", [S, F, F, F, F], None),
        // The message is the pending mail of a certificate: 409 `not_failed` for the admin.
        ("POST /api/v1/outbox/{id}/retry", [A, F, F, F, F], Some([F, F])),
        // No presence check exists (they need minutes of watching): the teacher reaches the
        // lookup (404), everyone else is refused before it.
        ("POST /api/v1/presence-challenges/{id}/answer", [F, F, F, F, R], Some([F, N])),
        ("GET /api/v1/question-banks", [S, S, S, F, F], None),
        ("POST /api/v1/question-banks", [A, A, A, F, F], None),
        ("POST /api/v1/question-banks/{id}/import", [A, A, A, F, F], Some([N, F])),
        ("GET /api/v1/question-banks/{id}/questions", [S, S, S, F, F], Some([N, F])),
        ("POST /api/v1/question-banks/{id}/questions", [A, A, A, F, F], Some([N, F])),
        ("PATCH /api/v1/questions/{id}", [A, A, A, F, F], Some([N, F])),
        ("GET /api/v1/reports/qualification", [S, S, S, S, F], None),
        ("GET /api/v1/reports/research", [S, S, S, S, F], None),
        ("GET /api/v1/reports/staffing", [S, S, S, S, F], None),
        ("GET /api/v1/reports/workload", [S, S, S, S, F], None),
        ("GET /api/v1/research-events", [S, S, S, S, S], None),
        ("POST /api/v1/research-events", [A, A, A, F, F], None),
        ("GET /api/v1/research-events/{id}", [S, S, S, S, S], Some([N, N])),
        ("PATCH /api/v1/research-events/{id}", [A, A, A, F, F], Some([N, F])),
        ("GET /api/v1/research-events/{id}/attendance", [S, S, S, F, F], Some([N, F])),
        ("POST /api/v1/research-events/{id}/attendance", [A, A, A, F, F], Some([N, F])),
        ("POST /api/v1/research-events/{id}/check-in", [F, F, F, F, A], Some([F, N])),
        ("POST /api/v1/research-events/{id}/check-out", [F, F, F, F, A], Some([F, N])),
        ("POST /api/v1/research-events/{id}/close", [A, A, A, F, F], Some([N, F])),
        ("POST /api/v1/research-events/{id}/cancel", [A, A, A, F, F], Some([N, F])),
        // Staff register a teacher of their subtree, a teacher themself.
        ("POST /api/v1/research-events/{id}/registrations", [A, A, A, F, A], Some([N, N])),
        ("GET /api/v1/research-events/{id}/sign-in-code", [S, S, S, F, F], Some([N, F])),
        // Policy is public to every signed-in user; changing it is for prefecture admins.
        ("GET /api/v1/rule-sets", [S, S, S, S, S], None),
        ("POST /api/v1/rule-sets", [A, F, F, F, F], None),
        ("POST /api/v1/rule-sets/{id}/activate", [A, F, F, F, F], Some([F, F])),
        // Recognised titles and commendations: admins grant and issue, staff read their subtree's.
        ("POST /api/v1/teachers/{id}/titles", [A, A, F, F, F], Some([N, F])),
        ("GET /api/v1/titles", [S, S, S, S, F], None),
        ("POST /api/v1/titles/{id}/revoke", [A, A, F, F, F], Some([N, F])),
        ("GET /api/v1/reports/titles", [S, S, S, S, F], None),
        ("POST /api/v1/commendations", [A, A, F, F, F], None),
        ("GET /api/v1/commendations", [S, S, S, S, F], None),
        ("GET /api/v1/commendations/{id}", [S, S, S, S, F], Some([N, F])),
        // MH research officers of the prefecture's and counties' offices: admins appoint.
        ("POST /api/v1/org-units/{id}/research-officers", [A, A, F, F, F], Some([N, F])),
        ("DELETE /api/v1/org-units/{id}/research-officers/{teacher_id}", [A, A, F, F, F], Some([N, F])),
        ("GET /api/v1/research-officers", [S, S, S, S, F], None),
        ("GET /api/v1/sessions", [S, S, S, S, S], None),
        ("POST /api/v1/sessions", [A, A, A, F, F], None),
        ("GET /api/v1/sessions/{id}", [S, S, S, S, S], Some([N, N])),
        ("PATCH /api/v1/sessions/{id}", [A, A, A, F, F], Some([N, F])),
        ("POST /api/v1/sessions/{id}/cancel", [A, A, A, F, F], Some([N, F])),
        ("GET /api/v1/sessions/{id}/attendance", [S, S, S, F, F], Some([N, F])),
        ("POST /api/v1/sessions/{id}/attendance", [A, A, A, F, F], Some([N, F])),
        ("POST /api/v1/sessions/{id}/check-in", [F, F, F, F, A], Some([F, N])),
        ("POST /api/v1/sessions/{id}/check-out", [F, F, F, F, A], Some([F, N])),
        ("POST /api/v1/sessions/{id}/close", [A, A, A, F, F], Some([N, F])),
        ("POST /api/v1/sessions/{id}/registrations", [A, A, A, F, A], Some([N, N])),
        ("POST /api/v1/sessions/{id}/reopen", [A, A, A, F, F], Some([N, F])),
        // A closed session shows no code (409), and another row may just have closed it.
        ("GET /api/v1/sessions/{id}/sign-in-code", [A, A, A, F, F], Some([N, F])),
        ("GET /api/v1/studios", [S, S, S, S, S], None),
        ("POST /api/v1/studios", [A, A, A, F, F], None),
        ("GET /api/v1/teachers", [S, S, S, S, F], None),
        ("POST /api/v1/teachers", [A, A, F, F, F], None),
        ("POST /api/v1/teachers/import", [A, A, F, F, F], None),
        // A teacher reads their own record and credits; anyone else's is refused by role.
        ("GET /api/v1/teachers/{id}", [S, S, S, S, S], Some([N, F])),
        ("PATCH /api/v1/teachers/{id}", [A, A, F, F, F], Some([N, F])),
        ("GET /api/v1/teachers/{id}/credits", [S, S, F, S, S], Some([N, F])),
        ("POST /api/v1/teachers/{id}/credits/adjustments", [A, A, F, F, F], Some([N, F])),
        ("GET /api/v1/teachers/{id}/credits/verify", [S, S, F, S, S], Some([N, F])),
        ("GET /api/v1/teachers/{id}/qualification", [S, S, F, S, S], Some([N, F])),
        ("GET /api/v1/teachers/{id}/transcript", [S, S, F, S, S], Some([N, F])),
        // Workload is confirmed by admins (it is directory business, not training).
        ("POST /api/v1/workload/{id}/confirm", [A, A, F, F, F], Some([N, F])),
        ("POST /api/v1/workload/{id}/reject", [A, A, F, F, F], Some([N, F])),
    ];
    let mut table = HashMap::new();
    for op in PUBLIC {
        table.insert(op, Row { public: true, own: [S; 5], other: None });
    }
    for (op, own, other) in rows {
        let previous = table.insert(op, Row { public: false, own, other });
        assert!(previous.is_none(), "two rows for {op}");
    }
    table
}

/// Every operation of the document built from the code, `"METHOD /path"`, with whether it
/// declares a security requirement; in path order.
fn spec_operations() -> BTreeMap<String, bool> {
    let document = serde_json::to_value(server::openapi::document()).expect("serialize the spec");
    let mut operations = BTreeMap::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
            if let Some(operation) = item.get(method) {
                let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
                operations.insert(format!("{} {path}", method.to_uppercase()), secured);
            }
        }
    }
    operations
}

/// The operations in the order the matrix calls them: path order, but closing (and cancelling)
/// a session or an event last. `courses::register_for_session` checks that the session is open before it checks
/// the caller's role, so a closed session answers 409 `session_closed` even to HR (who may see
/// it but register no one); with closing last, the role check is what answers.
fn run_order() -> Vec<String> {
    let mut ops: Vec<String> = spec_operations().into_keys().collect();
    ops.sort_by_key(|op| op.ends_with("/close") || op.ends_with("/cancel"));
    ops
}

/// The records one side of the matrix names by id.
#[derive(Debug, Clone)]
struct Records {
    /// The holder's school.
    org_unit: i64,
    /// The holder, a full-time MH teacher.
    teacher: i64,
    course: i64,
    lesson: i64,
    session: i64,
    event: i64,
    bank: i64,
    question: i64,
    exam: i64,
    /// The holder's submitted attempt at `exam`, and the slot of its one question.
    attempt: i64,
    attempt_question: i64,
    /// The grading task of that essay.
    task: i64,
    claim: i64,
    workload: i64,
    application: i64,
    certificate: i64,
    /// A trainer account at the school, to disable and enable again.
    account: i64,
    /// The holder's recognised title, and a commendation list of the county naming them.
    title: i64,
    commendation: i64,
}

/// A seeded server, a token per role, and records in two counties.
struct World {
    app: TestApp,
    /// In `Role::ALL` order.
    tokens: Vec<String>,
    /// 恩施州, the whole tree.
    prefecture: i64,
    /// 恩施市, county.admin's county.
    county: i64,
    /// The parent of every org unit.
    parents: HashMap<i64, Option<i64>>,
    /// 利川市.
    other_county: i64,
    /// Another teacher of the demo teacher's school.
    neighbour: i64,
    rule_set: i64,
    outbox: i64,
    certificate_code: String,
    transcript_code: String,
    /// Records of 恩施市 held by the demo teacher.
    own: Records,
    /// Records of 利川市 held by a full-time MH teacher there.
    other: Records,
}

impl World {
    fn token(&self, role: Role) -> &str {
        let index = Role::ALL.iter().position(|r| *r == role).expect("a role");
        &self.tokens[index]
    }
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// POSTs `body` as `token`; the answer must be a 201, whose body is returned.
async fn create(app: &TestApp, token: &str, path: &str, body: Value, what: &str) -> Value {
    let response = app.post(token, path, body).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::CREATED, "creating the {what}: {body}");
    body
}

/// Sends a GET (or a POST of `{}`) as `token`; the answer must be a 200, whose body is returned.
async fn fetch(app: &TestApp, token: &str, method: &str, path: &str, what: &str) -> Value {
    let body = if method == "GET" { Body::None } else { Body::Json(json!({})) };
    let answer = send(app, Some(token), method, path, body).await;
    assert_eq!(answer.status, StatusCode::OK, "{what}: {}", answer.text);
    serde_json::from_str(&answer.text).expect("a JSON body")
}

fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}

/// A rule set whose C is earned with one external hour, automatically; B and A go by review.
fn rule_set_body() -> Value {
    let level = |level: &str, offline: &str, below: Value, roles: Value, issuance: &str| {
        json!({"level": level, "online_hours": "0", "offline_hours": offline, "exam_id": null,
            "min_score": null, "prerequisite": below, "eligible_roles": roles, "validity_years": 5,
            "renewal_hours": "4", "issuance": issuance})
    };
    let group = json!(["mh_fulltime", "mh_parttime", "head_teacher", "school_leader", "middle_manager"]);
    json!({"name": "权限矩阵测试标准", "effective_from": "2026-01-01", "levels": [
        level("C", "1", Value::Null, json!([]), "automatic"),
        level("B", "2", json!("C"), group, "review"),
        level("A", "3", json!("B"), json!(["mh_fulltime", "key_teacher"]), "review"),
    ], "targets": {"c_share": "0.8", "b_share": "0.9", "a_count": 100, "deadline": "2028-12-31"}})
}

fn course_body(org_unit: i64) -> Value {
    json!({"title": "权限矩阵课程", "summary": "", "track": "c", "hours": "1", "status": "published",
        "org_unit_id": org_unit, "modules": [{"title": "第一单元", "lessons": [
            {"kind": "video", "title": "认识情绪", "duration_seconds": 60}]}]})
}

fn session_body(org_unit: i64, now: DateTime<Utc>) -> Value {
    let start = now + Duration::minutes(10);
    json!({"title": "权限矩阵面授", "place": "报告厅", "trainer": "张老师", "starts_at": rfc3339(start),
        "ends_at": rfc3339(start + Duration::hours(3)), "hours": "3", "capacity": 50,
        "org_unit_id": org_unit})
}

fn event_body(org_unit: i64, now: DateTime<Utc>) -> Value {
    let start = now + Duration::days(1);
    json!({"title": "权限矩阵教研", "form": "collective", "level": "county", "org_unit_id": org_unit,
        "starts_at": rfc3339(start), "ends_at": rfc3339(start + Duration::hours(3)), "place": "报告厅",
        "hours": "3", "capacity": 100})
}

fn essay_body() -> Value {
    json!({"type": "essay", "stem": "论述如何与情绪低落的学生谈话。", "points": "10",
        "rubric": [{"criterion": "建立关系", "points": "4"}, {"criterion": "辅导方法", "points": "6"}]})
}

fn exam_body(org_unit: i64, bank: i64, now: DateTime<Utc>) -> Value {
    json!({"title": "权限矩阵考试", "level": "C", "org_unit_id": org_unit, "duration_minutes": 30,
        "pass_score": "6", "max_attempts": 3, "opens_at": rfc3339(now - Duration::hours(1)),
        "closes_at": rfc3339(now + Duration::days(7)),
        "sections": [{"title": "论述", "bank_ids": [bank], "type": "essay", "count": 1, "points": "10"}]})
}

fn claim_body(now: DateTime<Utc>) -> Value {
    let day = |days: i64| kernel::china_date(now - Duration::days(days)).to_string();
    json!({"title": "国培计划专题研修", "organiser": "国家智慧教育平台", "started_on": day(20),
        "ended_on": day(10), "hours": "2", "form": "online", "evidence_ref": "GP2026-118"})
}

fn workload_body(now: DateTime<Utc>) -> Value {
    json!({"date": kernel::china_date(now).to_string(), "kind": "individual_counseling", "minutes": 30,
        "note": "个别辅导"})
}

fn title_body(now: DateTime<Utc>) -> Value {
    json!({"kind": "county_key_teacher", "granted_on": kernel::china_date(now).to_string(),
        "reason": "权限矩阵授予"})
}

fn commendation_body(county: i64, teacher: i64, now: DateTime<Utc>) -> Value {
    let today = kernel::china_date(now).to_string();
    json!({"title": "权限矩阵先进个人", "period_from": today, "period_to": today, "org_unit_id": county,
        "entries": [{"teacher_id": teacher, "citation": "权限矩阵表扬"}]})
}

fn mark_body(teacher: i64) -> Value {
    json!({"teacher_id": teacher, "status": "present", "reason": "纸质签到表补录"})
}

/// Creates, as the prefecture admin, records owned by `county` and held by `holder` (a
/// full-time MH teacher of `school`, signed in as `holder_token`) under the matrix rule set.
async fn records(
    app: &TestApp,
    admin: &str,
    holder_token: &str,
    holder: i64,
    school: i64,
    county: i64,
) -> Records {
    let now = app.clock.now();
    let course = create(app, admin, "/api/v1/courses", course_body(county), "course").await;
    let lesson = course["modules"][0]["lessons"][0]["id"].as_i64().expect("a lesson");
    let session = id(&create(app, admin, "/api/v1/sessions", session_body(county, now), "session").await);
    let event = id(&create(app, admin, "/api/v1/research-events", event_body(county, now), "event").await);
    let bank = json!({"name": "权限矩阵题库", "org_unit_id": county});
    let bank = id(&create(app, admin, "/api/v1/question-banks", bank, "bank").await);
    let path = format!("/api/v1/question-banks/{bank}/questions");
    let question = id(&create(app, admin, &path, essay_body(), "question").await);
    let exam = id(&create(app, admin, "/api/v1/exams", exam_body(county, bank, now), "exam").await);

    // The holder sits the essay exam; submitting queues one grading task.
    let path = format!("/api/v1/exams/{exam}/attempts");
    let started = create(app, holder_token, &path, json!({}), "attempt").await;
    let attempt = id(&started);
    let attempt_question = started["questions"][0]["id"].as_i64().expect("a question in the attempt");
    let answer = Body::Json(json!({"answer": "先倾听，再共情，最后一起找办法。"}));
    let path = format!("/api/v1/attempts/{attempt}/answers/{attempt_question}");
    let saved = send(app, Some(holder_token), "PUT", &path, answer).await;
    assert_eq!(saved.status, StatusCode::OK, "saving the answer: {}", saved.text);
    fetch(app, holder_token, "POST", &format!("/api/v1/attempts/{attempt}/submit"), "submitting").await;
    let tasks = fetch(app, admin, "GET", &format!("/api/v1/grading/tasks?exam_id={exam}"), "tasks").await;
    let task = id(&tasks["items"][0]);

    let claim = id(&create(app, holder_token, "/api/v1/me/credit-claims", claim_body(now), "claim").await);
    let workload =
        id(&create(app, holder_token, "/api/v1/me/workload", workload_body(now), "workload").await);
    // One external hour completes C under the matrix rule set: the certificate is issued.
    let external = json!({"category": "external", "hours": "1", "occurred_on": kernel::china_date(now).to_string(),
        "reason": "外部培训认定"});
    let path = format!("/api/v1/teachers/{holder}/credits/adjustments");
    create(app, admin, &path, external, "external hour").await;
    let path = format!("/api/v1/certificates?teacher_id={holder}");
    let certificate = id(&fetch(app, admin, "GET", &path, "certificates").await["items"][0]);
    let apply = json!({"level": "B", "note": "申请 B 级"});
    let path = "/api/v1/certification/applications";
    let application = id(&create(app, holder_token, path, apply, "application").await);
    let trainer = json!({"username": format!("matrix.trainer.{school}"), "password": "Matrix-2026",
        "role": "trainer", "org_unit_id": school});
    let account = id(&create(app, admin, "/api/v1/accounts", trainer, "account").await);
    let path = format!("/api/v1/teachers/{holder}/titles");
    let title = id(&create(app, admin, &path, title_body(now), "title").await);
    let list = commendation_body(county, holder, now);
    let commendation = id(&create(app, admin, "/api/v1/commendations", list, "commendation").await);
    Records {
        org_unit: school,
        teacher: holder,
        course: id(&course),
        lesson,
        session,
        event,
        bank,
        question,
        exam,
        attempt,
        attempt_question,
        task,
        claim,
        workload,
        application,
        certificate,
        account,
        title,
        commendation,
    }
}

/// Whether `unit` is `ancestor` or lies below it.
fn within(parents: &HashMap<i64, Option<i64>>, unit: i64, ancestor: i64) -> bool {
    let mut current = Some(unit);
    while let Some(unit) = current {
        if unit == ancestor {
            return true;
        }
        current = parents.get(&unit).copied().flatten();
    }
    false
}

/// The demo seed plus records in two counties; see the module documentation.
async fn world() -> World {
    let app = spawn_seeded_app().await;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        tokens.push(app.token(role.login()).await);
    }
    let (admin, teacher) = (tokens[0].clone(), tokens[4].clone());
    let prefecture = app.org_unit_id(&admin, "ES").await;
    let county = app.org_unit_id(&admin, "ES-ESS").await;
    let other_county = app.org_unit_id(&admin, "ES-LCS").await;
    // Org units name their parent: a unit lies in a county when the county is on its chain.
    let units = fetch(&app, &admin, "GET", "/api/v1/org-units?per_page=200", "org units").await;
    let parents: HashMap<i64, Option<i64>> =
        units["items"].as_array().expect("items").iter().map(|u| (id(u), u["parent_id"].as_i64())).collect();

    let me = fetch(&app, &teacher, "GET", "/api/v1/me", "the demo teacher").await;
    let (demo, demo_school) = (id(&me["person"]), me["person"]["school_id"].as_i64().expect("school"));
    assert!(within(&parents, demo_school, county), "the demo teacher teaches in 恩施市");
    let path = format!("/api/v1/teachers?org_unit={demo_school}&per_page=200");
    let colleagues = fetch(&app, &admin, "GET", &path, "colleagues").await;
    let neighbour = colleagues["items"].as_array().expect("items").iter().map(id).find(|t| *t != demo);
    let neighbour = neighbour.expect("another teacher at the demo teacher's school");
    // A full-time MH teacher of another county, found through the directory.
    let path = format!("/api/v1/teachers?org_unit={other_county}&role=mh_fulltime&per_page=1");
    let far = fetch(&app, &admin, "GET", &path, "a teacher of 利川市").await["items"][0].clone();
    let far_school = far["school_id"].as_i64().expect("school");
    assert!(!within(&parents, far_school, county), "{far} teaches outside 恩施市");
    let far_token = app.token(far["employee_no"].as_str().expect("employee number")).await;

    let rule_set = id(&create(&app, &admin, "/api/v1/rule-sets", rule_set_body(), "rule set").await);
    fetch(&app, &admin, "POST", &format!("/api/v1/rule-sets/{rule_set}/activate"), "activating").await;

    let own = records(&app, &admin, &teacher, demo, demo_school, county).await;
    let other = records(&app, &admin, &far_token, id(&far), far_school, other_county).await;

    // Issuing the certificates queued mail: a message for the outbox rows.
    let outbox = id(&fetch(&app, &admin, "GET", "/api/v1/outbox?per_page=1", "outbox").await["items"][0]);
    let path = format!("/api/v1/certificates/{}", own.certificate);
    let certificate = fetch(&app, &admin, "GET", &path, "the certificate").await;
    let certificate_code = certificate["verification_code"].as_str().expect("verification code").to_owned();
    let path = format!("/api/v1/teachers/{demo}/transcript");
    let transcript = fetch(&app, &teacher, "GET", &path, "a transcript").await;
    let transcript_code = transcript["verification_code"].as_str().expect("verification code").to_owned();
    World {
        app,
        tokens,
        prefecture,
        county,
        parents,
        other_county,
        neighbour,
        rule_set,
        outbox,
        certificate_code,
        transcript_code,
        own,
        other,
    }
}

enum Body {
    None,
    Json(Value),
    Csv(&'static str),
}

/// A response, read whole.
struct Answer {
    status: StatusCode,
    content_type: String,
    text: String,
}

impl Answer {
    fn problem_code(&self) -> Option<String> {
        if !self.content_type.starts_with("application/problem+json") {
            return None;
        }
        let body: Value = serde_json::from_str(&self.text).ok()?;
        body["code"].as_str().map(str::to_owned)
    }

    fn brief(&self) -> String {
        let text: String = self.text.chars().take(160).collect();
        format!("{} {text}", self.status.as_u16())
    }
}

async fn send(app: &TestApp, token: Option<&str>, method: &str, path: &str, body: Body) -> Answer {
    let method = Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = match body {
        Body::None => request,
        Body::Json(value) => request.json(&value),
        Body::Csv(text) => request.header("content-type", "text/csv").body(text),
    };
    let response = request.send().await.expect("request");
    let status = response.status();
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = response.text().await.unwrap_or_default();
    Answer { status, content_type, text }
}

/// The concrete path of an operation: each path parameter names a record of `ids` (or of the
/// world), chosen by the segment before it.
fn concrete(w: &World, template: &str, ids: &Records) -> String {
    let segments: Vec<&str> = template.split('/').collect();
    let mut out = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        if !segment.starts_with('{') {
            out.push((*segment).to_owned());
            continue;
        }
        let before = if i > 0 { segments[i - 1] } else { "" };
        let value = match (before, *segment) {
            ("org-units", "{id}") => ids.org_unit.to_string(),
            ("accounts", "{id}") => ids.account.to_string(),
            ("teachers", "{id}") => ids.teacher.to_string(),
            ("courses", "{id}") => ids.course.to_string(),
            ("lessons", "{id}") => ids.lesson.to_string(),
            ("sessions", "{id}") => ids.session.to_string(),
            ("research-events", "{id}") => ids.event.to_string(),
            ("question-banks", "{id}") => ids.bank.to_string(),
            ("questions", "{id}") => ids.question.to_string(),
            ("exams", "{id}") => ids.exam.to_string(),
            ("attempts", "{id}") => ids.attempt.to_string(),
            ("answers", "{question_id}") => ids.attempt_question.to_string(),
            ("tasks", "{id}") => ids.task.to_string(),
            ("credit-claims", "{id}") => ids.claim.to_string(),
            ("workload", "{id}") => ids.workload.to_string(),
            ("applications", "{id}") => ids.application.to_string(),
            ("certificates", "{id}") => ids.certificate.to_string(),
            ("titles", "{id}") => ids.title.to_string(),
            ("research-officers", "{teacher_id}") => ids.teacher.to_string(),
            ("commendations", "{id}") => ids.commendation.to_string(),
            ("rule-sets", "{id}") => w.rule_set.to_string(),
            ("outbox" | "notifications", "{id}") => w.outbox.to_string(),
            // A presence check needs minutes of watched video; no such id exists.
            ("presence-challenges", "{id}") => "999999".to_owned(),
            ("verify", "{code}") => w.certificate_code.clone(),
            ("transcripts", "{code}") => w.transcript_code.clone(),
            _ => panic!("no record for {segment} in {template}: name one in `concrete`"),
        };
        out.push(value);
    }
    out.join("/")
}

/// A body that passes extraction (and, where a handler checks a field before the role, that
/// field), for the operation on `ids`.
fn body(w: &World, op: &str, ids: &Records) -> Body {
    let now = w.app.clock.now();
    let today = kernel::china_date(now).to_string();
    let county = w.county;
    let json = match op {
        "POST /api/v1/accounts" => json!({"username": "matrix.trainer", "password": "Matrix-2026",
            "role": "trainer", "org_unit_id": county}),
        "PUT /api/v1/attempts/{id}/answers/{question_id}" => json!({"answer": "倾听与共情"}),
        "POST /api/v1/attempts/{id}/regrade" => {
            json!({"question_id": ids.attempt_question, "score": "5", "reason": "复核调整"})
        }
        "POST /api/v1/certificates/{id}/revoke" => json!({"reason": "核查后撤销"}),
        "POST /api/v1/certification/applications" => json!({"level": "B", "note": "申请 B 级"}),
        "POST /api/v1/certification/applications/{id}/reject"
        | "POST /api/v1/credit-claims/{id}/approve"
        | "POST /api/v1/credit-claims/{id}/reject" => json!({"reason": "材料核验完毕"}),
        "POST /api/v1/courses" => course_body(county),
        "POST /api/v1/exams" | "POST /api/v1/exams/check" => exam_body(county, w.own.bank, now),
        "POST /api/v1/grading/tasks/{id}/score" => {
            json!({"criteria": [{"criterion": "建立关系", "points": "3"}], "comment": "要点齐全"})
        }
        "POST /api/v1/lessons/{id}/progress" => json!({"heartbeats": []}),
        "POST /api/v1/me/credit-claims" => claim_body(now),
        "POST /api/v1/me/password" => {
            json!({"current_password": "not-the-password", "new_password": "Matrix-2026!"})
        }
        "POST /api/v1/me/workload" => workload_body(now),
        "POST /api/v1/mentorships" => json!({"mentor_id": w.own.teacher, "mentee_id": w.neighbour,
            "starts_on": today, "ends_on": kernel::china_date(now + Duration::days(365)).to_string()}),
        "POST /api/v1/org-units" => json!({"kind": "school", "code": "ES-ESS-901", "name": "权限矩阵学校",
            "parent_id": county, "stage": "primary", "student_count": 300}),
        "POST /api/v1/presence-challenges/{id}/answer" => json!({"answer": "12"}),
        "POST /api/v1/question-banks" => json!({"name": "权限矩阵题库", "org_unit_id": county}),
        "POST /api/v1/question-banks/{id}/import" => {
            return Body::Csv(
                "type,stem,options,answer,points,tags,level,difficulty,explanation,rubric,partial_credit\n",
            );
        }
        "POST /api/v1/question-banks/{id}/questions" => essay_body(),
        "POST /api/v1/research-events" => event_body(county, now),
        "POST /api/v1/research-events/{id}/attendance" | "POST /api/v1/sessions/{id}/attendance" => {
            mark_body(ids.teacher)
        }
        "POST /api/v1/research-events/{id}/check-in"
        | "POST /api/v1/research-events/{id}/check-out"
        | "POST /api/v1/sessions/{id}/check-in"
        | "POST /api/v1/sessions/{id}/check-out" => json!({"code": "000000"}),
        "POST /api/v1/research-events/{id}/registrations" | "POST /api/v1/sessions/{id}/registrations" => {
            json!({"teacher_id": ids.teacher})
        }
        "POST /api/v1/rule-sets" => rule_set_body(),
        "POST /api/v1/teachers/{id}/titles" => title_body(now),
        "POST /api/v1/org-units/{id}/research-officers" => {
            json!({"teacher_id": ids.teacher, "appointed_on": today})
        }
        "POST /api/v1/titles/{id}/revoke" => json!({"revoked_on": today, "reason": "权限矩阵撤销"}),
        "POST /api/v1/commendations" => commendation_body(county, ids.teacher, now),
        "POST /api/v1/research-events/{id}/cancel" | "POST /api/v1/sessions/{id}/cancel" => {
            json!({"reason": "权限矩阵取消"})
        }
        "POST /api/v1/sessions" => session_body(county, now),
        "POST /api/v1/studios" => {
            json!({"name": "权限矩阵工作室", "host_id": w.own.teacher, "member_ids": [w.neighbour]})
        }
        "POST /api/v1/teachers" => json!({"employee_no": "ES99001", "name": "矩阵教师",
            "phone": "13700000001", "school_id": w.own.org_unit, "initial_password": "Matrix-2026",
            "roles": ["head_teacher"]}),
        "POST /api/v1/teachers/import" => return Body::Csv("employee_no,name,phone,school_code,roles\n"),
        "POST /api/v1/teachers/{id}/credits/adjustments" => json!({"category": "adjustment", "hours": "1",
            "occurred_on": today, "reason": "权限矩阵调整"}),
        "POST /api/v1/workload/{id}/reject" => json!({"reason": "时长与课表不符"}),
        "POST /api/v1/auth/login" => json!({"username": "hr", "password": seed::DEMO_PASSWORD}),
        "POST /api/v1/auth/logout" => json!({"refresh_token": "not-a-session"}),
        _ if op.starts_with("GET ") => return Body::None,
        _ => json!({}),
    };
    Body::Json(json)
}

/// Calls `op` on `ids` as `role` (anonymously for `None`).
async fn call(w: &World, op: &str, role: Option<Role>, ids: &Records) -> Answer {
    let (method, template) = op.split_once(' ').expect("METHOD /path");
    let mut path = concrete(w, template, ids);
    if op == "GET /api/v1/reports/workload" {
        path.push_str("?term=2026-2");
    }
    let body = if op == "POST /api/v1/auth/refresh" {
        // Refresh tokens are single-use: each call presents a fresh one.
        let session = json_of(w.app.login("hr", seed::DEMO_PASSWORD).await).await;
        Body::Json(json!({"refresh_token": session["refresh_token"]}))
    } else {
        body(w, op, ids)
    };
    send(&w.app, role.map(|r| w.token(r)), method, &path, body).await
}

/// `None` when the answer is what `want` asks, else why not.
fn verdict(want: Want, answer: &Answer) -> Option<String> {
    let status = answer.status;
    let met = match want {
        Want::Success => status.is_success(),
        Want::Allowed => !matches!(status.as_u16(), 401 | 403 | 404) && !status.is_server_error(),
        Want::Reached => !matches!(status.as_u16(), 401 | 403) && !status.is_server_error(),
        Want::Forbidden => {
            status == StatusCode::FORBIDDEN && answer.problem_code().as_deref() == Some("forbidden")
        }
        Want::NotFound => {
            status == StatusCode::NOT_FOUND && answer.problem_code().as_deref() == Some("not_found")
        }
    };
    (!met).then(|| format!("expected {want:?}, got {}", answer.brief()))
}

/// Collects failed checks; fails the test with all of them, known holes marked.
#[derive(Default)]
struct Checks {
    count: usize,
    failures: Vec<String>,
}

impl Checks {
    fn check(&mut self, op: &str, caller: &str, want: Want, answer: &Answer) {
        self.count += 1;
        if let Some(why) = verdict(want, answer) {
            self.failures.push(format!("{op} as {caller}: {why}"));
        }
    }

    fn expect(&mut self, what: &str, met: bool, detail: impl std::fmt::Display) {
        self.count += 1;
        if !met {
            self.failures.push(format!("{what}: {detail}"));
        }
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} of {} authorization checks failed:\n  {}",
            self.failures.len(),
            self.count,
            self.failures.join("\n  ")
        );
    }
}

fn row<'t>(table: &'t HashMap<&'static str, Row>, op: &str) -> &'t Row {
    table.get(op).unwrap_or_else(|| panic!("{op} has no row in the matrix table"))
}

#[test]
fn every_operation_of_the_spec_has_one_row_and_public_means_no_security() {
    let table = table();
    let spec = spec_operations();
    let missing: Vec<&String> = spec.keys().filter(|op| !table.contains_key(op.as_str())).collect();
    assert!(missing.is_empty(), "operations without a row in tests/api/matrix.rs `table()`: {missing:#?}");
    let stale: Vec<&&str> = table.keys().filter(|op| !spec.contains_key(**op)).collect();
    assert!(stale.is_empty(), "rows for operations the spec does not have: {stale:#?}");
    for (op, secured) in &spec {
        let row = row(&table, op);
        assert_eq!(row.public, !secured, "{op}: public in the table must mean no security in the spec");
        let has_ids = op.contains('{');
        assert_eq!(
            row.other.is_some(),
            has_ids && !row.public,
            "{op}: give the outcome on 利川市's records exactly when the path names a record"
        );
    }
}

#[tokio::test]
async fn anonymous_callers_get_401_on_every_operation_but_the_public_ones() {
    let w = world().await;
    let table = table();
    let mut checks = Checks::default();
    for op in &run_order() {
        let row = row(&table, op);
        let answer = call(&w, op, None, &w.own).await;
        if row.public {
            checks.check(op, "anonymous", Want::Success, &answer);
        } else {
            let refused = answer.status == StatusCode::UNAUTHORIZED
                && answer.problem_code().as_deref() == Some("unauthorized");
            checks.expect(
                &format!("{op} as anonymous"),
                refused,
                format!("expected 401, got {}", answer.brief()),
            );
        }
    }
    checks.finish();
}

#[tokio::test]
async fn each_role_gets_what_its_permissions_allow_on_records_in_its_scope() {
    let w = world().await;
    let table = table();
    let mut checks = Checks::default();
    for op in &run_order() {
        let row = row(&table, op);
        for (role, want) in Role::ALL.into_iter().zip(row.own) {
            let answer = call(&w, op, Some(role), &w.own).await;
            checks.check(op, role.login(), want, &answer);
        }
    }
    checks.finish();
}

/// Ids of a list's items under `field`.
async fn listed(w: &World, token: &str, path: &str, field: &str) -> Vec<i64> {
    let body = json_of(w.app.get(token, path).await).await;
    let items = body["items"].as_array().unwrap_or_else(|| panic!("{path} lists no items: {body}"));
    items.iter().filter_map(|item| item[field].as_i64()).collect()
}

#[tokio::test]
async fn records_of_another_county_or_teacher_are_hidden_and_lists_and_writes_keep_to_the_scope() {
    let w = world().await;
    let table = table();
    let mut checks = Checks::default();

    // Every operation naming a record of 利川市 held by another teacher: the prefecture admin
    // reaches it (so it exists), the county admin of 恩施市 and the demo teacher do not.
    for op in &run_order() {
        let row = row(&table, op);
        let Some([county, teacher]) = row.other else { continue };
        for (role, want, caller) in [
            (Role::Admin, row.own[0], "admin on 利川市 records"),
            (Role::County, county, "county.admin on 利川市 records"),
            (Role::Teacher, teacher, "teacher on 利川市 records"),
        ] {
            let answer = call(&w, op, Some(role), &w.other).await;
            checks.check(op, caller, want, &answer);
        }
    }

    // A colleague at the demo teacher's own school is as closed to the teacher as anyone.
    let teacher = w.token(Role::Teacher);
    for suffix in ["", "/credits", "/credits/verify", "/qualification", "/transcript"] {
        let path = format!("/api/v1/teachers/{}{suffix}", w.neighbour);
        let answer = send(&w.app, Some(teacher), "GET", &path, Body::None).await;
        checks.check(
            &format!("GET /api/v1/teachers/{{id}}{suffix}"),
            "teacher on a colleague",
            Want::Forbidden,
            &answer,
        );
    }

    // Lists hold what the caller may see: the county admin's record of 恩施市, never 利川市's.
    let county = w.token(Role::County);
    let (own, other) = (&w.own, &w.other);
    let applications = "/api/v1/certification/applications";
    for (caller, token, path, field, mine, theirs) in [
        ("county.admin", county, "/api/v1/courses", "id", own.course, other.course),
        ("county.admin", county, "/api/v1/sessions", "id", own.session, other.session),
        ("county.admin", county, "/api/v1/research-events", "id", own.event, other.event),
        ("county.admin", county, "/api/v1/exams", "id", own.exam, other.exam),
        ("county.admin", county, "/api/v1/question-banks", "id", own.bank, other.bank),
        ("county.admin", county, "/api/v1/grading/tasks", "id", own.task, other.task),
        ("county.admin", county, "/api/v1/teachers", "id", own.teacher, other.teacher),
        ("county.admin", county, "/api/v1/org-units", "id", own.org_unit, other.org_unit),
        ("county.admin", county, "/api/v1/credits", "teacher_id", own.teacher, other.teacher),
        ("county.admin", county, "/api/v1/credit-claims", "teacher_id", own.teacher, other.teacher),
        ("county.admin", county, "/api/v1/certificates", "teacher_id", own.teacher, other.teacher),
        ("county.admin", county, applications, "teacher_id", own.teacher, other.teacher),
        ("teacher", teacher, "/api/v1/courses", "id", own.course, other.course),
        ("teacher", teacher, "/api/v1/sessions", "id", own.session, other.session),
        ("teacher", teacher, "/api/v1/research-events", "id", own.event, other.event),
        ("teacher", teacher, "/api/v1/exams", "id", own.exam, other.exam),
        ("teacher", teacher, "/api/v1/certificates", "teacher_id", own.teacher, other.teacher),
        ("teacher", teacher, applications, "teacher_id", own.teacher, other.teacher),
    ] {
        let found = listed(&w, token, &format!("{path}?per_page=200"), field).await;
        let what = format!("GET {path} as {caller}");
        checks.expect(
            &what,
            found.contains(&mine) && !found.contains(&theirs),
            format!("expected {field} {mine} and not {theirs}, listed {found:?}"),
        );
    }
    let units = json_of(w.app.get(county, "/api/v1/org-units?per_page=200").await).await;
    let outside: Vec<&Value> = units["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|u| !within(&w.parents, id(u), w.county))
        .collect();
    checks.expect("GET /api/v1/org-units as county.admin", outside.is_empty(), format!("lists {outside:?}"));
    let staff = json_of(w.app.get(county, "/api/v1/teachers?per_page=200").await).await;
    let outside: Vec<i64> = staff["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|t| !t["school_id"].as_i64().is_some_and(|school| within(&w.parents, school, w.county)))
        .map(id)
        .collect();
    checks.expect("GET /api/v1/teachers as county.admin", outside.is_empty(), format!("lists {outside:?}"));
    let path = format!("/api/v1/certificates?teacher_id={}", other.teacher);
    let found = listed(&w, teacher, &path, "id").await;
    checks.expect(&format!("GET {path} as teacher"), found.is_empty(), format!("lists {found:?}"));

    // A filter naming 利川市 is refused (404 or 422), not answered.
    let lcs = w.other_county;
    for path in [
        format!("/api/v1/teachers?org_unit={lcs}"),
        format!("/api/v1/credits?org_unit={lcs}"),
        format!("/api/v1/credits/export?org_unit={lcs}"),
        format!("/api/v1/certificates?org_unit={lcs}"),
        format!("/api/v1/reports/staffing?org_unit={lcs}"),
        format!("/api/v1/reports/research?org_unit={lcs}"),
        format!("/api/v1/reports/qualification?org_unit={lcs}"),
        format!("/api/v1/reports/workload?term=2026-2&org_unit={lcs}"),
    ] {
        let answer = send(&w.app, Some(county), "GET", &path, Body::None).await;
        let refused = matches!(answer.status.as_u16(), 404 | 422);
        checks.expect(
            &format!("GET {path} as county.admin"),
            refused,
            format!("expected 404/422, got {}", answer.brief()),
        );
    }

    // Writes that would place something in 利川市 or touch its teacher are refused alike, and so
    // are those reaching above the county.
    let now = w.app.clock.now();
    let today = kernel::china_date(now).to_string();
    let far = other.teacher;
    let school = json!({"kind": "school", "code": "ES-LCS-901", "name": "越界学校", "parent_id": lcs,
        "stage": "primary", "student_count": 300});
    let colleague = json!({"employee_no": "ES99002", "name": "越界教师", "phone": "13700000002",
        "school_id": other.org_unit, "initial_password": "Matrix-2026"});
    let account = |role: &str, unit: i64| {
        json!({"username": format!("matrix.{role}.{unit}"), "password": "Matrix-2026", "role": role,
            "org_unit_id": unit})
    };
    let pair = json!({"mentor_id": far, "mentee_id": own.teacher, "starts_on": today,
        "ends_on": kernel::china_date(now + Duration::days(365)).to_string()});
    let studio = json!({"name": "越界工作室", "host_id": far, "member_ids": []});
    for (method, path, body) in [
        ("POST", "/api/v1/org-units".to_owned(), school),
        ("POST", "/api/v1/teachers".to_owned(), colleague),
        ("POST", "/api/v1/accounts".to_owned(), account("trainer", lcs)),
        // Nor may a county admin reach above its county: no account there, no change to it.
        ("POST", "/api/v1/accounts".to_owned(), account("admin", w.prefecture)),
        ("PATCH", format!("/api/v1/org-units/{}", w.prefecture), json!({"name": "越权改名"})),
        ("POST", "/api/v1/courses".to_owned(), course_body(lcs)),
        ("POST", "/api/v1/sessions".to_owned(), session_body(lcs, now)),
        ("POST", "/api/v1/research-events".to_owned(), event_body(lcs, now)),
        ("POST", "/api/v1/question-banks".to_owned(), json!({"name": "越界题库", "org_unit_id": lcs})),
        ("POST", "/api/v1/exams".to_owned(), exam_body(lcs, own.bank, now)),
        ("POST", "/api/v1/mentorships".to_owned(), pair),
        ("POST", "/api/v1/studios".to_owned(), studio),
        ("PATCH", format!("/api/v1/teachers/{}", w.neighbour), json!({"school_id": other.org_unit})),
        ("POST", format!("/api/v1/sessions/{}/registrations", own.session), json!({"teacher_id": far})),
        ("POST", format!("/api/v1/sessions/{}/attendance", own.session), mark_body(far)),
        ("POST", format!("/api/v1/research-events/{}/registrations", own.event), json!({"teacher_id": far})),
        ("POST", format!("/api/v1/research-events/{}/attendance", own.event), mark_body(far)),
    ] {
        let answer = send(&w.app, Some(county), method, &path, Body::Json(body)).await;
        let refused = matches!(answer.status.as_u16(), 404 | 422);
        let what = format!("{method} {path} outside 恩施市 as county.admin");
        checks.expect(&what, refused, format!("expected 404/422, got {}", answer.brief()));
    }
    checks.finish();
}
