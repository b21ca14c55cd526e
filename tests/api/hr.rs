use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, json_of, spawn_seeded_app};

async fn credit_teacher(app: &TestApp, admin: &str, teacher: i64, hours: &str) {
    let body =
        json!({"category": "external", "hours": hours, "occurred_on": "2026-04-01", "reason": "省级研修"});
    let response = app.post(admin, &format!("/api/v1/teachers/{teacher}/credits/adjustments"), body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

async fn first_teacher_of(app: &TestApp, admin: &str, county: &str) -> i64 {
    let unit = app.org_unit_id(admin, county).await;
    let page = json_of(app.get(admin, &format!("/api/v1/teachers?org_unit={unit}&per_page=1")).await).await;
    page["items"][0]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn hr_search_sorts_filters_and_stays_in_scope() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let enshi = first_teacher_of(&app, &admin, "ES-ESS").await;
    let lichuan = first_teacher_of(&app, &admin, "ES-LCS").await;
    credit_teacher(&app, &admin, enshi, "30").await;
    credit_teacher(&app, &admin, lichuan, "50").await;

    let hr = app.token("hr").await;
    let top = json_of(app.get(&hr, "/api/v1/credits?sort=-total_hours&per_page=2").await).await;
    assert_eq!(top["items"][0]["teacher_id"], lichuan);
    assert_eq!(top["items"][0]["total_hours"], "50");
    assert_eq!(top["items"][1]["teacher_id"], enshi);
    let all_teachers = json_of(app.get(&admin, "/api/v1/teachers?per_page=1").await).await["total"].clone();
    assert_eq!(top["total"], all_teachers);

    let at_least = json_of(app.get(&hr, "/api/v1/credits?min_hours=40").await).await;
    assert_eq!(at_least["total"], 1);
    let by_year = json_of(app.get(&hr, "/api/v1/credits?year=2025&min_hours=1").await).await;
    assert_eq!(by_year["total"], 0);

    // An HR account of 恩施市 only ever sees 恩施市 teachers.
    let county = app.org_unit_id(&admin, "ES-ESS").await;
    let account =
        json!({"username": "ess.hr", "password": "Hr-pass-2026", "role": "hr", "org_unit_id": county});
    assert_eq!(app.post(&admin, "/api/v1/accounts", account).await.status(), StatusCode::CREATED);
    let county_hr = app.token_with("ess.hr", "Hr-pass-2026").await;
    let seen = json_of(app.get(&county_hr, "/api/v1/credits?sort=-total_hours&per_page=200").await).await;
    let ids: Vec<i64> =
        seen["items"].as_array().unwrap().iter().map(|t| t["teacher_id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&enshi) && !ids.contains(&lichuan));
    let lichuan_unit = app.org_unit_id(&admin, "ES-LCS").await;
    let outside = app.get(&county_hr, &format!("/api/v1/credits?org_unit={lichuan_unit}")).await;
    assert_problem(outside, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let read = app.get(&county_hr, &format!("/api/v1/teachers/{lichuan}/credits")).await;
    assert_problem(read, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn search_totals_kept_by_the_ledger_agree_with_its_entries_across_years_and_reversals() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let teacher = first_teacher_of(&app, &admin, "ES-LCS").await;
    let post = |hours: &str, date: &str, category: &str| json!({"category": category, "hours": hours, "occurred_on": date, "reason": "年度研修认定"});
    let url = format!("/api/v1/teachers/{teacher}/credits/adjustments");
    for body in [
        post("10", "2025-06-01", "external"),
        post("4.5", "2026-03-01", "external"),
        post("2", "2026-03-02", "adjustment"),
    ] {
        assert_eq!(app.post(&admin, &url, body).await.status(), StatusCode::CREATED);
    }
    let wrong = json_of(app.post(&admin, &url, post("7", "2026-03-03", "external")).await).await;
    let reversal =
        json!({"occurred_on": "2026-03-04", "reason": "录入错误", "reverses_entry_id": wrong["id"]});
    assert_eq!(app.post(&admin, &url, reversal).await.status(), StatusCode::CREATED);

    let hr = app.token("hr").await;
    let row =
        |page: Value| page["items"].as_array().unwrap().iter().find(|t| t["teacher_id"] == teacher).cloned();
    let search = |query: String| {
        let (app, hr) = (&app, hr.clone());
        async move { json_of(app.get(&hr, &format!("/api/v1/credits?q={query}&per_page=5")).await).await }
    };
    let employee_no =
        json_of(app.get(&admin, &format!("/api/v1/teachers/{teacher}")).await).await["employee_no"]
            .as_str()
            .unwrap()
            .to_owned();
    let all = row(search(employee_no.clone()).await).unwrap();
    assert_eq!((all["total_hours"].as_str(), all["entries"].as_i64()), (Some("16.5"), Some(5)));
    let y2026 = row(search(format!("{employee_no}&year=2026")).await).unwrap();
    assert_eq!((y2026["total_hours"].as_str(), y2026["entries"].as_i64()), (Some("6.5"), Some(4)));
    let y2025 = row(search(format!("{employee_no}&year=2025")).await).unwrap();
    assert_eq!(y2025["total_hours"], "10");
    let external = row(search(format!("{employee_no}&year=2026&category=external")).await).unwrap();
    assert_eq!(external["total_hours"], "4.5", "the reversal cancels the wrong 7 h in its category");
    let statement = json_of(app.get(&admin, &format!("/api/v1/teachers/{teacher}/credits")).await).await;
    assert_eq!(statement["totals"]["total_hours"], all["total_hours"], "search and statement agree");
    let check = json_of(app.get(&admin, &format!("/api/v1/teachers/{teacher}/credits/verify")).await).await;
    assert_eq!(check["ok"], true, "the kept total matches the chain's entries");
}

#[tokio::test]
async fn teachers_cannot_search_credits() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    assert_problem(app.get(&teacher, "/api/v1/credits").await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_problem(app.get(&teacher, "/api/v1/credits/export").await, StatusCode::FORBIDDEN, "forbidden")
        .await;
}

#[tokio::test]
async fn csv_export_streams_every_teacher_and_round_trips_through_a_csv_parser() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    // Enough teachers for several database chunks.
    let mut csv = String::from("employee_no,name,phone,school_code,roles\n");
    for i in 0..4500 {
        csv.push_str(&format!("EX{i:05},导出{i},136{i:08},ES-XFX-00{},\n", i % 6 + 1));
    }
    let imported = app
        .client
        .post(app.url("/api/v1/teachers/import?default_password=Start-2026"))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), StatusCode::OK);
    let credited = first_teacher_of(&app, &admin, "ES-ESS").await;
    credit_teacher(&app, &admin, credited, "12.5").await;

    let hr = app.token("hr").await;
    let response = app.get(&hr, "/api/v1/credits/export?format=csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("content-length").is_none(), "streamed, not built whole");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let body = response.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let mut reader = csv::Reader::from_reader(&body[3..]);
    assert_eq!(reader.headers().unwrap().get(0), Some("工号"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let total =
        json_of(app.get(&admin, "/api/v1/teachers?per_page=1").await).await["total"].as_u64().unwrap();
    assert_eq!(rows.len() as u64, total);
    let row = rows.iter().find(|r| r.get(8) == Some(credited.to_string().as_str())).unwrap();
    assert_eq!(row.get(3), Some("12.5"));
    assert_eq!(reader.headers().unwrap().get(4), Some("线上学时"));
    assert_eq!((row.get(4), row.get(5)), (Some("0"), Some("12.5")), "hand-posted external hours are offline");
    let mut numbers: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    numbers.dedup();
    assert_eq!(numbers.len(), rows.len(), "no teacher twice across chunks");
}

#[tokio::test]
async fn xlsx_export_is_a_workbook_and_english_headers_follow_the_language() {
    let app = spawn_seeded_app().await;
    let hr = app.token("hr").await;
    let xlsx = app.get(&hr, "/api/v1/credits/export?format=xlsx").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "an XLSX file is a zip");

    let english = app
        .client
        .get(app.url("/api/v1/credits/export"))
        .bearer_auth(&hr)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let text = english.text().await.unwrap();
    assert!(text.trim_start_matches('\u{feff}').starts_with("Employee no.,Name,School,Hours"));
    let bad = app.get(&hr, "/api/v1/credits/export?format=pdf").await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn transcript_code_verifies_publicly_and_a_forged_one_does_not() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let me = json_of(app.get(&app.token("teacher").await, "/api/v1/me").await).await;
    let teacher = me["person"]["id"].as_i64().unwrap();
    credit_teacher(&app, &admin, teacher, "24").await;

    let own = app.token("teacher").await;
    let transcript: Value =
        json_of(app.get(&own, &format!("/api/v1/teachers/{teacher}/transcript")).await).await;
    let code = transcript["verification_code"].as_str().unwrap();
    assert_eq!(transcript["totals"]["total_hours"], "24");
    assert_eq!(transcript["teacher"]["employee_no"], me["person"]["employee_no"]);
    assert!(transcript["verify_url"].as_str().unwrap().ends_with(code));

    let public = app.client.get(app.url(&format!("/api/v1/verify/transcripts/{code}"))).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let public = json_of(public).await;
    assert_eq!(public["valid"], true);
    assert_eq!(public["current"], true);
    assert_eq!(public["total_hours"], "24");
    assert!(public["teacher_name"].as_str().unwrap().contains('*'), "names are masked in public");

    credit_teacher(&app, &admin, teacher, "1").await;
    let later =
        json_of(app.client.get(app.url(&format!("/api/v1/verify/transcripts/{code}"))).send().await.unwrap())
            .await;
    assert_eq!((later["total_hours"].as_str(), later["current"].as_bool()), (Some("24"), Some(false)));

    let forged = app.client.get(app.url("/api/v1/verify/transcripts/ABCDEFGHJKMNPQRS")).send().await.unwrap();
    assert_problem(forged, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn transcript_prints_as_html_with_a_qr_code_and_as_csv() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let teacher = first_teacher_of(&app, &admin, "ES-JSX").await;
    credit_teacher(&app, &admin, teacher, "6").await;
    let html = app.get(&admin, &format!("/api/v1/teachers/{teacher}/transcript?format=html")).await;
    assert!(html.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = html.text().await.unwrap();
    assert!(html.contains("继续教育学时证明") && html.contains("<svg") && html.contains("size: A4"));
    let csv = app
        .get(&admin, &format!("/api/v1/teachers/{teacher}/transcript?format=csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("验证码") && csv.contains(",6"));
}

#[tokio::test]
async fn staff_reads_of_credits_are_audited_for_prefecture_admins() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let teacher = first_teacher_of(&app, &admin, "ES-BDX").await;
    let hr = app.token("hr").await;
    assert_eq!(app.get(&hr, &format!("/api/v1/teachers/{teacher}/credits")).await.status(), StatusCode::OK);
    assert_eq!(app.get(&hr, "/api/v1/credits?q=ES").await.status(), StatusCode::OK);
    let hr_me = json_of(app.get(&hr, "/api/v1/me").await).await;

    let log = json_of(app.get(&admin, "/api/v1/audit?per_page=10").await).await;
    let entries = log["items"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["action"] == "read_credits"
        && e["teacher_id"] == teacher
        && e["account_id"] == hr_me["account"]["id"]));
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "search_credits" && e["detail"].as_str().unwrap().contains("ES"))
    );

    // A teacher reading their own credits is not an audited staff read.
    let own = app.token("teacher").await;
    let before = log["total"].as_u64().unwrap();
    assert_eq!(app.get(&own, "/api/v1/me/credits").await.status(), StatusCode::OK);
    let after = json_of(app.get(&admin, "/api/v1/audit?per_page=1").await).await["total"].as_u64().unwrap();
    assert_eq!(after, before);

    assert_problem(
        app.get(&app.token("county.admin").await, "/api/v1/audit").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(app.get(&hr, "/api/v1/audit").await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn a_transcript_keeps_its_code_while_the_ledger_is_unchanged_and_its_qr_opens_a_page() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let first = json_of(app.get(&teacher, "/api/v1/me/transcript").await).await;
    let again = json_of(app.get(&teacher, "/api/v1/me/transcript").await).await;
    assert_eq!(first["verification_code"], again["verification_code"], "the same ledger, the same code");
    let code = first["verification_code"].as_str().unwrap();
    assert_eq!(first["verify_url"], format!("http://qualify.test/verify/transcripts/{code}"));

    let page = app.client.get(app.url(&format!("/verify/transcripts/{code}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("真实有效，学时记录此后未变"));

    let admin = app.token("admin").await;
    let me = json_of(app.get(&teacher, "/api/v1/me").await).await["person"]["id"].as_i64().unwrap();
    credit_teacher(&app, &admin, me, "2").await;
    let changed = json_of(app.get(&teacher, "/api/v1/me/transcript").await).await;
    assert_ne!(changed["verification_code"], first["verification_code"], "a changed ledger, a new code");
    let old = app.client.get(app.url(&format!("/verify/transcripts/{code}"))).send().await.unwrap();
    assert!(old.text().await.unwrap().contains("此后学时记录已有变化"));

    let unknown = app.client.get(app.url("/verify/transcripts/AAAAAAAAAAAAAAAA")).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.text().await.unwrap().contains("未找到该学时证明，可能为伪造或输入有误"));
}

#[tokio::test]
async fn an_unknown_certificate_code_opens_a_page_that_warns_of_forgery() {
    let app = spawn_seeded_app().await;
    let page = app.client.get(app.url("/verify/AAAAAAAAAAAAAAAAAAAA")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("未找到该证书，可能为伪造或输入有误"));
}

/// Where a teacher works, as the directory says.
async fn school_and_county(app: &TestApp, admin: &str, teacher: i64) -> (i64, i64) {
    let school = json_of(app.get(admin, &format!("/api/v1/teachers/{teacher}")).await).await["school_id"]
        .as_i64()
        .unwrap();
    let unit = json_of(app.get(admin, &format!("/api/v1/org-units/{school}")).await).await;
    (school, unit["parent_id"].as_i64().unwrap())
}

#[tokio::test]
async fn hr_search_splits_online_and_offline_and_follows_a_teacher_who_moves_school() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let own = app.token("teacher").await;
    let teacher = json_of(app.get(&own, "/api/v1/me").await).await["person"]["id"].as_i64().unwrap();
    // Online: an approved claim of form online; offline: external hours an admin recognises.
    let claim = json!({
        "title": "国培计划网络研修", "organiser": "国家智慧教育平台", "started_on": "2026-03-01",
        "ended_on": "2026-04-15", "hours": "6", "form": "online", "evidence_ref": "GP2026-00318"
    });
    let submitted = json_of(app.post(&own, "/api/v1/me/credit-claims", claim).await).await;
    let approve = format!("/api/v1/credit-claims/{}/approve", submitted["id"]);
    let approved =
        app.post(&app.token("county.admin").await, &approve, json!({"reason": "证书核验无误"})).await;
    assert_eq!(approved.status(), StatusCode::OK);
    credit_teacher(&app, &admin, teacher, "30").await;

    let hr = app.token("hr").await;
    let search = |unit: i64| {
        let (app, hr) = (&app, &hr);
        async move {
            json_of(
                app.get(hr, &format!("/api/v1/credits?org_unit={unit}&sort=-total_hours&per_page=200")).await,
            )
            .await
        }
    };
    let roster = |unit: i64| {
        let (app, admin) = (&app, &admin);
        async move {
            json_of(app.get(admin, &format!("/api/v1/teachers?org_unit={unit}&per_page=1")).await).await["total"]
                .as_i64()
                .unwrap()
        }
    };
    let ids = |page: &Value| -> Vec<i64> {
        page["items"].as_array().unwrap().iter().map(|t| t["teacher_id"].as_i64().unwrap()).collect()
    };
    let (school, county) = school_and_county(&app, &admin, teacher).await;
    let page = search(county).await;
    let top = &page["items"][0];
    assert_eq!(top["teacher_id"], teacher, "the county's most hours first: {page}");
    assert_eq!(
        (&top["total_hours"], &top["online_hours"], &top["offline_hours"]),
        (&json!("36"), &json!("6"), &json!("30"))
    );
    assert_eq!(page["total"], roster(county).await, "every teacher of the county, with or without hours");
    assert!(page["items"].as_array().unwrap()[1..].iter().all(|t| t["online_hours"] == "0"));
    let at_school = search(school).await;
    assert_eq!(at_school["items"][0]["teacher_id"], teacher);
    assert_eq!(at_school["total"], roster(school).await);
    let page_two = json_of(
        app.get(&hr, &format!("/api/v1/credits?org_unit={county}&sort=-total_hours&per_page=1&page=2")).await,
    )
    .await;
    assert_eq!(page_two["total"], page["total"]);
    assert_eq!(page_two["items"][0]["teacher_id"], page["items"][1]["teacher_id"]);

    // Moved to a school of another county: the kept totals go with the teacher.
    let other_school = app.org_unit_id(&admin, "ES-LCS-001").await;
    let other_county = app.org_unit_id(&admin, "ES-LCS").await;
    assert_ne!(other_county, county);
    let before = (roster(county).await, roster(other_county).await);
    let moved =
        app.patch(&admin, &format!("/api/v1/teachers/{teacher}"), json!({"school_id": other_school})).await;
    assert_eq!(moved.status(), StatusCode::OK);
    let left = search(county).await;
    assert!(!ids(&left).contains(&teacher));
    assert_eq!(left["total"], before.0 - 1);
    assert!(!ids(&search(school).await).contains(&teacher));
    let arrived = search(other_county).await;
    assert_eq!(arrived["items"][0]["teacher_id"], teacher);
    assert_eq!(arrived["items"][0]["online_hours"], "6");
    assert_eq!(arrived["total"], before.1 + 1);
    assert_eq!(search(other_school).await["items"][0]["teacher_id"], teacher);

    // A teacher new to the directory is listed and counted, with no hours.
    let new = json!({
        "employee_no": "ES90002", "name": "陈新", "phone": "13700137002", "gender": "male",
        "subject": "心理健康", "school_id": other_school, "roles": [], "initial_password": "Start-2026"
    });
    let created = json_of(app.post(&admin, "/api/v1/teachers", new).await).await;
    let with_new = search(other_county).await;
    assert_eq!(with_new["total"], before.1 + 2);
    let row =
        with_new["items"].as_array().unwrap().iter().find(|t| t["teacher_id"] == created["id"]).cloned();
    let row = row.expect("the new teacher is listed");
    assert_eq!(
        (&row["total_hours"], &row["online_hours"], &row["entries"]),
        (&json!("0"), &json!("0"), &json!(0))
    );
    let found =
        json_of(app.get(&hr, &format!("/api/v1/credits?org_unit={other_county}&q=ES90002")).await).await;
    assert_eq!(found["total"], 1);
}
