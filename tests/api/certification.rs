use chrono::{Duration, NaiveDate};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use kernel::Clock;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, json_of, spawn_seeded_app};
use crate::learning::{Player, published_course};
use crate::sessions::{code, scan, session};

const TARGET_GROUP: [&str; 5] =
    ["mh_fulltime", "mh_parttime", "head_teacher", "school_leader", "middle_manager"];

/// One level's rule: offline (external) hours only unless `extra` says more.
pub(crate) fn level(level: &str, offline: &str, validity: u32, issuance: &str, extra: Value) -> Value {
    let below = match level {
        "B" => json!("C"),
        "A" => json!("B"),
        _ => Value::Null,
    };
    let mut rule = json!({"level": level, "online_hours": "0", "offline_hours": offline, "exam_id": null,
        "min_score": null, "prerequisite": below, "eligible_roles": [], "validity_years": validity,
        "renewal_hours": "4", "issuance": issuance});
    for (k, v) in extra.as_object().unwrap() {
        rule[k] = v.clone();
    }
    rule
}

/// A rule set in which every level is earned by recognised external hours: C 1 h, B 2 h more,
/// A 3 h more, all automatic unless `levels` is given.
pub(crate) fn rule_set(levels: Vec<Value>) -> Value {
    json!({"name": "测试标准", "effective_from": "2026-01-01", "levels": levels,
        "targets": {"c_share": "0.8", "b_share": "0.9", "a_count": 100, "deadline": "2028-12-31"}})
}

pub(crate) fn simple_levels(c_validity: u32) -> Vec<Value> {
    vec![
        level("C", "1", c_validity, "automatic", json!({})),
        level("B", "2", 5, "automatic", json!({"eligible_roles": TARGET_GROUP})),
        level("A", "3", 5, "automatic", json!({"eligible_roles": ["mh_fulltime", "key_teacher"]})),
    ]
}

/// Drafts and activates a rule set as the prefecture admin; returns it.
pub(crate) async fn put_in_force(app: &TestApp, body: Value) -> Value {
    let admin = app.token("admin").await;
    let created = app.post(&admin, "/api/v1/rule-sets", body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = json_of(created).await["id"].as_i64().unwrap();
    let activated = app.post(&admin, &format!("/api/v1/rule-sets/{id}/activate"), json!({})).await;
    assert_eq!(activated.status(), StatusCode::OK);
    json_of(activated).await
}

/// Recognised external training, posted by the admin.
pub(crate) async fn external(app: &TestApp, admin: &str, teacher: i64, hours: &str) {
    let today = kernel::china_date(app.clock.now());
    let body =
        json!({"category": "external", "hours": hours, "occurred_on": today, "reason": "外部培训认定"});
    let response = app.post(admin, &format!("/api/v1/teachers/{teacher}/credits/adjustments"), body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

/// The demo teacher, certified C under a simple rule set by one recognised external hour: the
/// teacher's token and id, and the certificate.
pub(crate) async fn certified_teacher(app: &TestApp) -> (String, i64, Value) {
    put_in_force(app, rule_set(simple_levels(5))).await;
    let admin = app.token("admin").await;
    let teacher = app.token("teacher").await;
    let me = my_teacher_id(app, &teacher).await;
    external(app, &admin, me, "1").await;
    let cert = certificates_of(app, &teacher, me).await[0].clone();
    (teacher, me, cert)
}

pub(crate) async fn my_teacher_id(app: &TestApp, token: &str) -> i64 {
    json_of(app.get(token, "/api/v1/me").await).await["person"]["id"].as_i64().unwrap()
}

pub(crate) async fn certificates_of(app: &TestApp, token: &str, teacher: i64) -> Vec<Value> {
    let body =
        json_of(app.get(token, &format!("/api/v1/certificates?teacher_id={teacher}&per_page=200")).await)
            .await;
    body["items"].as_array().unwrap().clone()
}

pub(crate) fn level_of<'a>(qualification: &'a Value, name: &str) -> &'a Value {
    qualification["levels"].as_array().unwrap().iter().find(|l| l["level"] == name).unwrap()
}

pub(crate) fn missing(qualification: &Value, name: &str) -> Vec<String> {
    level_of(qualification, name)["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_teacher_goes_from_nothing_to_c_and_the_certificate_appears_with_the_last_requirement() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let seeded = json_of(app.get(&admin, "/api/v1/rule-sets").await).await;
    assert_eq!(seeded["items"][0]["status"], "active", "the seed puts a default rule set in force");
    let c_exam =
        seeded["items"][0]["levels"][0]["exam_id"].as_i64().expect("the default C level names an exam");
    let mut levels = simple_levels(5);
    levels[0] =
        level("C", "3", 5, "automatic", json!({"online_hours": "2", "exam_id": c_exam, "min_score": "60"}));
    let rules = put_in_force(&app, rule_set(levels)).await;
    assert_eq!(rules["version"], 2);
    let versions = json_of(app.get(&admin, "/api/v1/rule-sets").await).await;
    assert_eq!(versions["items"][1]["status"], "retired", "activating retires the version before");

    let teacher = app.token("teacher").await;
    let me = my_teacher_id(&app, &teacher).await;
    let start = json_of(app.get(&teacher, "/api/v1/me/qualification").await).await;
    assert_eq!(start["teacher_id"], me);
    assert_eq!(level_of(&start, "C")["held"], false);
    assert_eq!(missing(&start, "C"), ["online_hours", "offline_hours", "exam"]);
    let dashboard = json_of(app.get(&teacher, "/api/v1/me/dashboard").await).await;
    assert_eq!(dashboard["next_level"]["level"], "C", "the home screen shows the next step");
    assert_eq!(dashboard["next_level"]["missing"], start["levels"][0]["missing"]);

    // Online: a 2-hour course watched to the end.
    let (course, lessons) = published_course(&app, &admin, None).await;
    app.post(&teacher, &format!("/api/v1/courses/{course}/enrollments"), json!({})).await;
    for lesson in lessons {
        let mut player = Player { app: &app, token: app.token("teacher").await, lesson, seq: 0 };
        player.play(0, 60).await;
    }
    let teacher = app.token("teacher").await;
    let after_course = json_of(app.get(&teacher, "/api/v1/me/qualification").await).await;
    let online = &level_of(&after_course, "C")["requirements"][0];
    assert_eq!(
        (online["kind"].as_str(), online["required"].as_str(), online["actual"].as_str()),
        (Some("online_hours"), Some("2"), Some("2"))
    );
    assert_eq!(missing(&after_course, "C"), ["offline_hours", "exam"]);

    // Offline: a 3-hour session attended from sign-in to sign-out.
    let trainer = app.token("trainer").await;
    let id = session(&app, &trainer).await;
    app.post(&teacher, &format!("/api/v1/sessions/{id}/registrations"), json!({})).await;
    app.clock.advance(Duration::minutes(10));
    let shown = code(&app, &trainer, id).await;
    assert_eq!(scan(&app, &teacher, id, "check-in", &shown).await.status(), StatusCode::OK);
    app.clock.advance(Duration::hours(3));
    let (trainer, teacher) = (app.token("trainer").await, app.token("teacher").await);
    let shown = code(&app, &trainer, id).await;
    assert_eq!(scan(&app, &teacher, id, "check-out", &shown).await.status(), StatusCode::OK);
    assert_eq!(
        app.post(&trainer, &format!("/api/v1/sessions/{id}/close"), json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(missing(&json_of(app.get(&teacher, "/api/v1/me/qualification").await).await, "C"), ["exam"]);
    assert!(
        certificates_of(&app, &teacher, me).await.is_empty(),
        "no certificate before the last requirement"
    );

    // The exam: submitting a pass completes C, and the certificate is there at once.
    let attempt =
        json_of(app.post(&teacher, &format!("/api/v1/exams/{c_exam}/attempts"), json!({})).await).await;
    let attempt_id = attempt["id"].as_i64().unwrap();
    for q in attempt["questions"].as_array().unwrap() {
        let url = app.url(&format!("/api/v1/attempts/{attempt_id}/answers/{}", q["id"]));
        let saved =
            app.client.put(url).bearer_auth(&teacher).json(&json!({"answer": "A"})).send().await.unwrap();
        assert_eq!(saved.status(), StatusCode::OK);
    }
    let submitted =
        json_of(app.post(&teacher, &format!("/api/v1/attempts/{attempt_id}/submit"), json!({})).await).await;
    assert_eq!(submitted["passed"], true);

    let held = json_of(app.get(&teacher, "/api/v1/me/qualification").await).await;
    assert_eq!(level_of(&held, "C")["held"], true);
    assert!(missing(&held, "C").is_empty());
    let certificates = certificates_of(&app, &teacher, me).await;
    assert_eq!(certificates.len(), 1);
    let cert = &certificates[0];
    let year = app.clock.now().format("%Y").to_string();
    assert_eq!(cert["number"], format!("ES-{year}-C-000001"));
    assert_eq!((cert["level"].as_str(), cert["status"].as_str()), (Some("C"), Some("active")));
    assert_eq!(cert["rule_set_version"], 2);
    assert_eq!(cert["hours_counted"], "6", "2 h course + 1 h exam online, 3 h offline");
    assert_eq!(level_of(&held, "C")["certificate_id"], cert["id"]);
    let ledger = json_of(app.get(&teacher, "/api/v1/me/credits?category=certificate").await).await;
    assert_eq!(ledger["total"], 1, "issuing posts a certificate entry to the ledger");
    assert_eq!(ledger["items"][0]["source_id"], cert["id"].to_string());
    assert_eq!(missing(&held, "B"), ["offline_hours"], "B counts only hours earned after C");
    let dashboard = json_of(app.get(&teacher, "/api/v1/me/dashboard").await).await;
    assert_eq!(dashboard["next_level"]["level"], "B");
    let mail = json_of(app.get(&app.token("admin").await, "/api/v1/outbox?per_page=200").await).await;
    let issued: Vec<&Value> =
        mail["items"].as_array().unwrap().iter().filter(|m| m["template"] == "certificate_issued").collect();
    assert_eq!(issued.len(), 1, "the holder is told once");
    assert_eq!(issued[0]["recipient"], "es00001@es.edu.cn");
}

#[tokio::test]
async fn b_is_refused_without_c_in_rules_and_in_review() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let mut levels = simple_levels(5);
    levels[1]["prerequisite"] = Value::Null;
    let refused = assert_problem(
        app.post(&admin, "/api/v1/rule-sets", rule_set(levels)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&refused), ["levels[1].prerequisite"]);
    assert_eq!(refused["errors"][0]["code"], "prerequisite_mismatch");
    let mut levels = simple_levels(5);
    levels[0]["exam_id"] = json!(999_999);
    let refused = assert_problem(
        app.post(&admin, "/api/v1/rule-sets", rule_set(levels)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "unknown_exam");
    let county = app.token("county.admin").await;
    assert_problem(
        app.post(&county, "/api/v1/rule-sets", rule_set(simple_levels(5))).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let mut levels = simple_levels(5);
    levels[1]["issuance"] = json!("review");
    put_in_force(&app, rule_set(levels)).await;
    let teacher = app.token("teacher").await;
    let me = my_teacher_id(&app, &teacher).await;
    external(&app, &admin, me, "5").await;
    let c = certificates_of(&app, &admin, me).await;
    assert_eq!(c.len(), 1, "C is automatic");
    let revoke = app
        .post(&admin, &format!("/api/v1/certificates/{}/revoke", c[0]["id"]), json!({"reason": "测试撤销"}))
        .await;
    assert_eq!(revoke.status(), StatusCode::OK);

    let applied = app
        .post(&teacher, "/api/v1/certification/applications", json!({"level": "B", "note": "已完成实操考核"}))
        .await;
    assert_eq!(applied.status(), StatusCode::CREATED);
    let application = json_of(applied).await;
    assert_eq!(application["status"], "pending");
    let queue = json_of(app.get(&admin, "/api/v1/certification/applications?status=pending").await).await;
    let queued = queue["items"].as_array().unwrap().iter().find(|a| a["id"] == application["id"]).unwrap();
    assert!(
        queued["teacher_name"].as_str().is_some_and(|n| !n.is_empty())
            && queued["employee_no"].as_str().is_some_and(|n| !n.is_empty()),
        "a review list names the teacher beside the id: {queued}"
    );
    let again = app.post(&teacher, "/api/v1/certification/applications", json!({"level": "B"})).await;
    assert_problem(again, StatusCode::CONFLICT, "application_pending").await;
    let id = application["id"].as_i64().unwrap();
    assert_problem(
        app.post(&teacher, &format!("/api/v1/certification/applications/{id}/approve"), json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let refused = assert_problem(
        app.post(&admin, &format!("/api/v1/certification/applications/{id}/approve"), json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error_fields(&refused).contains(&"prerequisite".to_owned()), "B without C: {refused}");
    assert_eq!(refused["errors"][0]["code"], "requirement_not_met");
    assert_eq!(certificates_of(&app, &admin, me).await.len(), 1, "nothing was issued");
    let rejected =
        app.post(&admin, &format!("/api/v1/certification/applications/{id}/reject"), json!({})).await;
    assert_problem(rejected, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let rejected = json_of(
        app.post(
            &admin,
            &format!("/api/v1/certification/applications/{id}/reject"),
            json!({"reason": "未持有 C 级证书"}),
        )
        .await,
    )
    .await;
    assert_eq!(rejected["status"], "rejected");

    // After a revocation C is never re-issued automatically; on review it is.
    external(&app, &admin, me, "1").await;
    assert_eq!(certificates_of(&app, &admin, me).await.len(), 1);
    let c_application =
        json_of(app.post(&teacher, "/api/v1/certification/applications", json!({"level": "C"})).await).await;
    let approved = app
        .post(
            &admin,
            &format!("/api/v1/certification/applications/{}/approve", c_application["id"]),
            json!({}),
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert!(json_of(approved).await["certificate_id"].is_i64());
    external(&app, &admin, me, "2").await;
    let b_application =
        json_of(app.post(&teacher, "/api/v1/certification/applications", json!({"level": "B"})).await).await;
    let approved = json_of(
        app.post(
            &admin,
            &format!("/api/v1/certification/applications/{}/approve", b_application["id"]),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(approved["status"], "approved");
    let qualification = json_of(app.get(&teacher, "/api/v1/me/qualification").await).await;
    assert_eq!(level_of(&qualification, "B")["held"], true);
}

#[tokio::test]
async fn concurrent_issuance_gives_distinct_gap_free_numbers() {
    let app = spawn_seeded_app().await;
    put_in_force(&app, rule_set(simple_levels(5))).await;
    let admin = app.token("admin").await;
    let page = json_of(app.get(&admin, "/api/v1/teachers?per_page=12").await).await;
    let teachers: Vec<i64> =
        page["items"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    let today = kernel::china_date(app.clock.now());
    let posts = teachers.iter().map(|teacher| {
        let body =
            json!({"category": "external", "hours": "1", "occurred_on": today, "reason": "外部培训认定"});
        let path = format!("/api/v1/teachers/{teacher}/credits/adjustments");
        let admin = admin.clone();
        let app = &app;
        async move { app.post(&admin, &path, body).await }
    });
    for response in futures_util::future::join_all(posts).await {
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let all = json_of(app.get(&admin, "/api/v1/certificates?level=C&per_page=200").await).await;
    let mut numbers: Vec<String> =
        all["items"].as_array().unwrap().iter().map(|c| c["number"].as_str().unwrap().to_owned()).collect();
    numbers.sort();
    let year = app.clock.now().format("%Y").to_string();
    let expected: Vec<String> = (1..=teachers.len()).map(|n| format!("ES-{year}-C-{n:06}")).collect();
    assert_eq!(numbers, expected, "one certificate per teacher, numbered 1..n without gaps");
}

#[tokio::test]
async fn revocation_shows_on_the_public_verification_which_masks_the_holder() {
    let app = spawn_seeded_app().await;
    put_in_force(&app, rule_set(simple_levels(5))).await;
    let admin = app.token("admin").await;
    let teacher = app.token("teacher").await;
    let me = my_teacher_id(&app, &teacher).await;
    external(&app, &admin, me, "1").await;
    let cert = certificates_of(&app, &teacher, me).await[0].clone();
    let code = cert["verification_code"].as_str().unwrap();
    assert_eq!(cert["verify_path"], format!("/verify/{code}"));
    let name = cert["teacher_name"].as_str().unwrap();

    let public = app.client.get(app.url(&format!("/api/v1/verify/{code}"))).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let shown = json_of(public).await;
    assert_eq!((shown["number"].clone(), shown["status"].as_str()), (cert["number"].clone(), Some("active")));
    assert_eq!(shown["issuer"], "恩施土家族苗族自治州");
    assert_eq!(shown["hours_counted"], "1");
    assert_eq!(shown["school_name"], cert["school_name"]);
    let holder = shown["holder_name"].as_str().unwrap();
    assert!(holder.contains('*') && holder != name, "masked: {holder}");
    assert_eq!(holder.chars().next(), name.chars().next());

    let id = cert["id"].as_i64().unwrap();
    assert_problem(
        app.post(&teacher, &format!("/api/v1/certificates/{id}/revoke"), json!({"reason": "自行撤销"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let no_reason =
        app.post(&admin, &format!("/api/v1/certificates/{id}/revoke"), json!({"reason": " "})).await;
    assert_eq!(
        error_fields(&assert_problem(no_reason, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await),
        ["reason"]
    );
    let revoked = json_of(
        app.post(&admin, &format!("/api/v1/certificates/{id}/revoke"), json!({"reason": "学时造假"})).await,
    )
    .await;
    assert_eq!(revoked["status"], "revoked");
    assert_problem(
        app.post(&admin, &format!("/api/v1/certificates/{id}/revoke"), json!({"reason": "再次撤销"})).await,
        StatusCode::CONFLICT,
        "already_revoked",
    )
    .await;
    let shown =
        json_of(app.client.get(app.url(&format!("/api/v1/verify/{code}"))).send().await.unwrap()).await;
    assert_eq!(shown["status"], "revoked");
    assert_eq!(shown["revoked_on"], revoked["revoked_on"]);
    let audit = json_of(app.get(&admin, "/api/v1/audit?per_page=200").await).await;
    assert!(
        audit["items"].as_array().unwrap().iter().any(|a| a["action"] == "certificate_revoked"),
        "revocation is audited"
    );

    let page = app.client.get(app.url(&format!("/verify/{code}"))).send().await.unwrap();
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = page.text().await.unwrap();
    assert!(
        page.contains("已于") && page.contains(holder) && !page.contains(name),
        "the page a QR code opens"
    );

    let unknown = app.client.get(app.url("/api/v1/verify/AAAAAAAAAAAAAAAAAAAA")).send().await.unwrap();
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn public_verification_is_rate_limited_per_address() {
    let app = spawn_seeded_app().await;
    let mut statuses = Vec::new();
    for _ in 0..31 {
        statuses.push(app.client.get(app.url("/api/v1/verify/NOSUCHCODE")).send().await.unwrap());
    }
    let last = statuses.pop().unwrap();
    assert!(statuses.iter().all(|r| r.status() == StatusCode::NOT_FOUND));
    assert!(last.headers().contains_key("retry-after"));
    assert_problem(last, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn the_credential_verifies_offline_with_the_published_keys_and_fails_when_altered() {
    let app = spawn_seeded_app().await;
    put_in_force(&app, rule_set(simple_levels(5))).await;
    let admin = app.token("admin").await;
    let teacher = app.token("teacher").await;
    let me = my_teacher_id(&app, &teacher).await;
    external(&app, &admin, me, "1").await;
    let cert = certificates_of(&app, &teacher, me).await[0].clone();
    let id = cert["id"].as_i64().unwrap();
    let signed = json_of(app.get(&teacher, &format!("/api/v1/certificates/{id}/credential")).await).await;
    let jwt = signed["credential"].as_str().unwrap().to_owned();

    let jwks: JwkSet =
        app.client.get(app.url("/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
    let header = jsonwebtoken::decode_header(&jwt).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    let kid = header.kid.as_deref().unwrap();
    let (key_set, short_kid) = kid.split_once('#').expect("the kid is a URI with a fragment");
    assert_eq!(key_set, "http://qualify.test/.well-known/jwks.json", "the kid dereferences to the key set");
    let jwk = jwks.find(short_kid).expect("the signing key is published");
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.leeway = 0;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["iss", "sub", "nbf", "exp", "jti"]);
    let vc = jsonwebtoken::decode::<Value>(&jwt, &key, &validation)
        .expect("valid from the moment it is fetched, with zero leeway")
        .claims;
    assert!(vc["type"].as_array().unwrap().contains(&json!("OpenBadgeCredential")));
    assert_eq!(vc["iss"], vc["issuer"]["id"]);
    assert_eq!(vc["sub"], vc["credentialSubject"]["id"]);
    assert_eq!(vc["jti"], vc["id"]);
    assert_eq!(vc["evidence"][0]["name"], cert["number"]);
    assert_eq!(vc["issuer"]["name"], "恩施土家族苗族自治州");
    assert_eq!(vc["credentialSubject"]["achievement"]["type"][0], "Achievement");
    let errors = ob3_schema_errors(&vc);
    assert!(errors.is_empty(), "not an OB 3.0 AchievementCredential: {errors:#?}");
    let mut vc11 = vc.clone();
    vc11["@context"][0] = json!("https://www.w3.org/2018/credentials/v1");
    vc11.as_object_mut().unwrap().remove("validFrom");
    assert_eq!(ob3_schema_errors(&vc11).len(), 2, "the schema tells a VC 1.1 credential apart");

    let (head, rest) = jwt.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let mut bytes = payload.as_bytes().to_vec();
    bytes[10] = if bytes[10] == b'A' { b'B' } else { b'A' };
    let altered = format!("{head}.{}.{signature}", String::from_utf8(bytes).unwrap());
    assert!(
        jsonwebtoken::decode::<Value>(&altered, &key, &validation).is_err(),
        "one changed byte breaks it"
    );

    let page = app.get(&teacher, &format!("/api/v1/certificates/{id}/print")).await;
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains(cert["number"].as_str().unwrap()) && html.contains("<svg"));
    assert!(
        html.contains(&format!("http://qualify.test/verify/{}", cert["verification_code"].as_str().unwrap()))
    );
    let other = app.token("ES00002").await;
    assert_problem(
        app.get(&other, &format!("/api/v1/certificates/{id}")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_certificate_near_expiry_renews_with_the_hours_of_its_window() {
    let app = spawn_seeded_app().await;
    put_in_force(&app, rule_set(simple_levels(1))).await;
    let admin = app.token("admin").await;
    let teacher = app.token("teacher").await;
    let me = my_teacher_id(&app, &teacher).await;
    external(&app, &admin, me, "1").await;
    let old = certificates_of(&app, &teacher, me).await[0].clone();
    let id = old["id"].as_i64().unwrap();
    assert_problem(
        app.post(&teacher, &format!("/api/v1/certificates/{id}/renew"), json!({})).await,
        StatusCode::CONFLICT,
        "not_due_for_renewal",
    )
    .await;

    app.clock.advance(Duration::days(300));
    let (admin, teacher) = (app.token("admin").await, app.token("teacher").await);
    let expiring = json_of(app.get(&admin, "/api/v1/certificates?expiring_within=90").await).await;
    assert_eq!(expiring["total"], 1);
    let qualification = json_of(app.get(&teacher, "/api/v1/me/qualification").await).await;
    assert_eq!(level_of(&qualification, "C")["expiring"], true);
    assert_eq!(certification::enqueue_expiry_notices(&app.db, app.clock.now()).await.unwrap(), 1);
    assert_eq!(
        certification::enqueue_expiry_notices(&app.db, app.clock.now()).await.unwrap(),
        0,
        "told once"
    );
    let mail = json_of(app.get(&admin, "/api/v1/outbox?per_page=200").await).await;
    assert!(mail["items"].as_array().unwrap().iter().any(|m| m["template"] == "certificate_expiring"));
    let short = app.post(&teacher, &format!("/api/v1/certificates/{id}/renew"), json!({})).await;
    assert_eq!(
        error_fields(&assert_problem(short, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await),
        ["renewal_hours"]
    );
    external(&app, &admin, me, "3").await;
    let renewed = app.post(&teacher, &format!("/api/v1/certificates/{id}/renew"), json!({})).await;
    assert_eq!(renewed.status(), StatusCode::CREATED);
    let renewed = json_of(renewed).await;
    assert_eq!(renewed["renews_certificate_id"], id);
    let old_end = NaiveDate::parse_from_str(old["expires_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let new_end = NaiveDate::parse_from_str(renewed["expires_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(
        new_end,
        old_end.checked_add_months(chrono::Months::new(12)).unwrap(),
        "runs on from the old end"
    );
    assert_problem(
        app.post(&teacher, &format!("/api/v1/certificates/{id}/renew"), json!({})).await,
        StatusCode::CONFLICT,
        "already_renewed",
    )
    .await;
}

fn share(part: u32, whole: u32) -> String {
    (Decimal::from(part) / Decimal::from(whole)).round_dp(4).normalize().to_string()
}

#[tokio::test]
async fn the_compliance_report_counts_holders_honouring_expiry_and_revocation() {
    let app = spawn_seeded_app().await;
    put_in_force(&app, rule_set(simple_levels(1))).await;
    let admin = app.token("admin").await;
    let teacher = app.token("teacher").await;
    let me = my_teacher_id(&app, &teacher).await;
    let school = json_of(app.get(&admin, &format!("/api/v1/teachers/{me}")).await).await["school_id"]
        .as_i64()
        .unwrap();
    let staff =
        json_of(app.get(&admin, &format!("/api/v1/teachers?org_unit={school}&per_page=200")).await).await;
    let staff = staff["items"].as_array().unwrap().clone();
    let in_group = |t: &Value| {
        t["roles"].as_array().unwrap().iter().any(|r| TARGET_GROUP.contains(&r.as_str().unwrap()))
    };
    let teachers = u32::try_from(staff.len()).unwrap();
    let group = u32::try_from(staff.iter().filter(|t| in_group(t)).count()).unwrap();
    let others: Vec<i64> =
        staff.iter().filter(|t| t["id"] != me).map(|t| t["id"].as_i64().unwrap()).collect();
    assert!(others.len() >= 3 && in_group(staff.iter().find(|t| t["id"] == me).unwrap()));
    let (expired, plain, revoked) = (others[0], others[1], others[2]);

    // One C under one-year rules, expired by the time of the report.
    external(&app, &admin, expired, "1").await;
    app.clock.advance(Duration::days(400));
    put_in_force(&app, rule_set(simple_levels(5))).await;
    let admin = app.token("admin").await;
    external(&app, &admin, me, "1").await;
    external(&app, &admin, me, "2").await;
    external(&app, &admin, plain, "1").await;
    external(&app, &admin, revoked, "1").await;
    let issued_day = kernel::china_date(app.clock.now());
    app.clock.advance(Duration::days(1));
    let admin = app.token("admin").await;
    let revoked_cert = certificates_of(&app, &admin, revoked).await[0]["id"].as_i64().unwrap();
    app.post(&admin, &format!("/api/v1/certificates/{revoked_cert}/revoke"), json!({"reason": "测试撤销"}))
        .await;
    assert_eq!(certificates_of(&app, &admin, me).await.len(), 2, "C then B for the target-group teacher");

    let county = app.org_unit_id(&admin, "ES-ESS").await;
    let report =
        json_of(app.get(&admin, &format!("/api/v1/reports/qualification?org_unit={county}")).await).await;
    let row = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["org_unit_id"] == school)
        .expect("the school's row")
        .clone();
    assert_eq!(row["teachers"], teachers);
    assert_eq!(row["c_holders"], 2, "expired and revoked certificates do not count");
    assert_eq!(row["c_share"], share(2, teachers));
    assert_eq!(row["target_group"], group);
    assert_eq!(row["b_holders_in_group"], 1);
    assert_eq!(row["b_share"], share(1, group));
    assert_eq!(row["a_holders"], 0);
    assert_eq!(row["behind"], true);
    assert_eq!(
        row["c_missing"],
        (Decimal::new(8, 1) * Decimal::from(teachers)).ceil().to_string().parse::<u32>().unwrap() - 2
    );
    assert_eq!(report["summary"]["org_unit_id"], county);
    assert_eq!(report["summary"]["c_holders"], 2);
    assert_eq!(report["a_missing"], 100);
    let first = &report["items"][0];
    assert!(
        first["c_share"].as_str().unwrap().parse::<Decimal>().unwrap()
            <= row["c_share"].as_str().unwrap().parse::<Decimal>().unwrap(),
        "furthest behind first"
    );

    let day_before = json_of(
        app.get(&admin, &format!("/api/v1/reports/qualification?org_unit={school}&as_of={issued_day}")).await,
    )
    .await;
    assert_eq!(day_before["summary"]["c_holders"], 3, "on the day before its revocation it still counted");
    assert!(day_before["items"].as_array().unwrap().is_empty(), "a school has no child units");

    let csv = app.get(&admin, &format!("/api/v1/reports/qualification?org_unit={county}&format=csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(text.trim_start_matches('\u{feff}').starts_with("机构ID,机构,教师数,C级及以上"));
    assert_eq!(text.lines().count(), report["items"].as_array().unwrap().len() + 2);
    let teacher = app.token("teacher").await;
    assert_problem(
        app.get(&teacher, "/api/v1/reports/qualification").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

/// What the official Open Badges 3.0 AchievementCredential schema, with format checks on, finds
/// wrong with a credential, as a verifier checks it.
fn ob3_schema_errors(credential: &Value) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("standards/ob_v3p0_achievementcredential_schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::draft201909::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    validator.iter_errors(credential).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[tokio::test]
async fn certificates_are_found_by_the_number_printed_on_them_and_by_holder() {
    let app = spawn_seeded_app().await;
    let (_, _, cert) = certified_teacher(&app).await;
    let number = cert["number"].as_str().unwrap();
    let hr = app.token("hr").await;
    let by_number =
        json_of(app.get(&hr, &format!("/api/v1/certificates?number={}", number.to_lowercase())).await).await;
    assert_eq!(by_number["total"], 1);
    assert_eq!(by_number["items"][0]["id"], cert["id"]);
    let nope = json_of(app.get(&hr, "/api/v1/certificates?number=NOPE").await).await;
    assert_eq!(nope["total"], 0, "an unknown number finds nothing, not everything");
    let name = cert["teacher_name"].as_str().unwrap();
    let by_holder = json_of(app.get(&hr, &format!("/api/v1/certificates?holder={name}")).await).await;
    assert!(by_holder["items"].as_array().unwrap().iter().all(|c| c["teacher_name"] == name));
    assert!(by_holder["total"].as_u64().unwrap() >= 1);
}
