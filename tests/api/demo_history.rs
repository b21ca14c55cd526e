//! `make run`'s demo prefecture opens with a semester of history, so the staff desk's reports
//! and charts show real shapes; the demo login stays clean for reaching C by doing the work.
//! The figures depend on the day the history is loaded, so these assert shapes (spreads, gaps,
//! counts below targets), never a run's totals.

use chrono::{Datelike, Duration};
use kernel::Clock;
use serde_json::Value;

use crate::helpers::{TestApp, json_of};

#[tokio::test]
async fn the_demo_history_fills_the_reports_and_leaves_the_demo_teacher_clean() {
    let app = crate::helpers::spawn_seeded_app().await;
    let loaded =
        seed::load_history(&app.db, &server::pipeline::ledger(), app.clock.now()).await.expect("history");
    assert!(loaded.entries > 0 && loaded.certificates > 0 && loaded.attempts > 0, "{loaded}");
    assert!(loaded.revoked > 0, "a few revoked certificates: {loaded}");

    let admin = app.token("admin").await;
    let report: Value = json_of(app.get(&admin, "/api/v1/reports/qualification").await).await;
    assert!(
        report["summary"]["c_holders"].as_u64().unwrap() > 0,
        "C holders on the dashboard: {}",
        report["summary"]
    );
    for status in ["expired", "revoked", "active"] {
        let listed = json_of(app.get(&admin, &format!("/api/v1/certificates?status={status}")).await).await;
        assert!(listed["total"].as_u64().unwrap() > 0, "some {status} certificates");
    }
    let hr = app.token("hr").await;
    let search = json_of(app.get(&hr, "/api/v1/credits?min_hours=1").await).await;
    assert!(search["total"].as_u64().unwrap() > 100, "HR finds teachers with hours: {}", search["total"]);

    let teacher = app.token("teacher").await;
    let me = json_of(app.get(&teacher, "/api/v1/me").await).await["person"]["id"].as_i64().unwrap();
    research_shows_a_spread_by_county(&app, &admin, me).await;
    workload_shows_confirmed_class_hours(&app, &admin).await;
    titles_are_counted_below_their_targets(&app, &admin).await;
    staffing_names_offices_lacking_an_officer(&app, &admin).await;
    demo_teacher_is_untouched(&app, (&teacher, &admin), me).await;

    let again = seed::load_history(&app.db, &server::pipeline::ledger(), app.clock.now())
        .await
        .expect("history again");
    assert_eq!(again, seed::HistoryReport::default(), "running it again adds nothing");
}

/// The day before the history's `now`, China time: the last day it fills.
fn yesterday(app: &TestApp) -> chrono::NaiveDate {
    kernel::china_date(app.clock.now()) - Duration::days(1)
}

fn items(value: &Value) -> &Vec<Value> {
    value.as_array().expect("an array")
}

fn share(unit: &Value) -> f64 {
    unit["share"].as_str().and_then(|s| s.parse().ok()).expect("share as a decimal string")
}

/// Events of several forms and levels, closed, with attendance that reached the ledger; some
/// full-time MH teachers meet three a year, many attend one or two, some none, and counties
/// differ. `me` is the demo login, who attends nothing.
async fn research_shows_a_spread_by_county(app: &TestApp, admin: &str, me: i64) {
    let events = json_of(app.get(admin, "/api/v1/research-events?per_page=200").await).await;
    let listed = items(&events["items"]);
    assert!(events["total"].as_u64().unwrap() > 20, "a year's events: {}", events["total"]);
    let distinct = |field: &str| {
        let mut seen: Vec<&str> = listed.iter().filter_map(|e| e[field].as_str()).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    assert!(distinct("form") >= 5, "several forms of research");
    assert_eq!(distinct("level"), 3, "prefecture, county and school events");
    assert!(listed.iter().all(|e| e["status"] == "closed"), "past events are closed");

    let year = yesterday(app).year();
    let report = json_of(app.get(admin, &format!("/api/v1/reports/research?year={year}")).await).await;
    let rows: Vec<&Value> = items(&report["items"]).iter().filter(|r| r["teacher_id"] != me).collect();
    let counted = |keep: fn(u64) -> bool| {
        rows.iter().filter(|r| keep(r["attended_county_or_above"].as_u64().unwrap())).count()
    };
    assert!(counted(|n| n >= 3) > 0, "some meet three a year: {}", report["summary"]);
    assert!(counted(|n| (1..=2).contains(&n)) > counted(|n| n >= 3), "many attend one or two");
    assert!(counted(|n| n == 0) > 0, "some attend none");
    assert!(
        rows.iter().any(|r| r["attended"].as_u64() > r["attended_county_or_above"].as_u64()),
        "school events are attended but do not count toward the rule"
    );
    let counties = items(&report["counties"]);
    assert!(
        counties.iter().map(share).any(|s| s > 0.0 && s < 1.0),
        "some county part of the way: {counties:?}"
    );
    let shares: Vec<f64> = counties.iter().map(share).collect();
    assert!(shares.iter().any(|s| *s != shares[0]), "counties differ: {shares:?}");

    let attendee = rows.iter().find(|r| r["compliant"] == true).unwrap()["teacher_id"].as_i64().unwrap();
    let ledger = json_of(app.get(admin, &format!("/api/v1/teachers/{attendee}/credits")).await).await;
    assert!(
        ledger["totals"]["by_category"]["research_event"].is_string(),
        "attendance posted hours to the ledger: {}",
        ledger["totals"]
    );
}

/// The current term's workload report shows confirmed class hours for some MH teachers, not all.
async fn workload_shows_confirmed_class_hours(app: &TestApp, admin: &str) {
    let day = yesterday(app);
    let term = match day.month() {
        1 => format!("{}-2", day.year() - 1),
        2..=7 => format!("{}-1", day.year()),
        _ => format!("{}-2", day.year()),
    };
    let report = json_of(app.get(admin, &format!("/api/v1/reports/workload?term={term}")).await).await;
    assert!(report["summary"]["confirmed_minutes"].as_u64().unwrap() > 0, "{}", report["summary"]);
    assert_ne!(report["summary"]["class_hours"], "0");
    let rows = items(&report["items"]);
    let with_work = rows.iter().filter(|r| r["confirmed_minutes"].as_u64().unwrap() > 0).count();
    assert!(with_work > 0 && with_work < rows.len(), "some MH teachers have confirmed work, not all");
}

/// Both titles are held, fewer than the plan's targets, and a revoked one stays on record.
async fn titles_are_counted_below_their_targets(app: &TestApp, admin: &str) {
    let report = json_of(app.get(admin, "/api/v1/reports/titles").await).await;
    for target in items(&report["summary"]["targets"]) {
        let held = target["held"].as_u64().unwrap();
        assert!(held > 0 && held < target["target_min"].as_u64().unwrap(), "{target}");
        assert_eq!(target["standing"], "short");
    }
    let per_county = items(&report["items"]);
    assert!(per_county.iter().filter(|c| c["county_key_teacher"].as_u64().unwrap() > 0).count() > 1);
    let revoked = json_of(app.get(admin, "/api/v1/titles?active=false").await).await;
    assert!(revoked["total"].as_u64().unwrap() > 0, "a revoked title stays on record");
}

/// Most offices have an MH research officer, at least one lacks one, and a few full-time MH
/// teachers also teach another subject.
async fn staffing_names_offices_lacking_an_officer(app: &TestApp, admin: &str) {
    let report = json_of(app.get(admin, "/api/v1/reports/staffing").await).await;
    let summary = &report["summary"];
    let lacking = summary["offices_lacking_officer"].as_u64().unwrap();
    assert!(lacking > 0, "an office without an officer: {summary}");
    assert!(summary["research_officers"].as_u64().unwrap() > lacking, "most offices have one: {summary}");
    let offices = items(&report["offices"]);
    assert!(offices.iter().any(|o| items(&o["officers"]).is_empty()));
    assert!(offices.iter().any(|o| !items(&o["officers"]).is_empty()));
    let others = items(&report["teaching_other_subject"]);
    assert!(!others.is_empty(), "full-time MH teachers teaching another subject");
    assert_eq!(summary["fulltime_teaching_other_subject"].as_u64(), Some(others.len() as u64));
}

/// The demo login `me` has no hours, certificates, workload, title or other subject.
async fn demo_teacher_is_untouched(app: &TestApp, (teacher, admin): (&str, &str), me: i64) {
    assert_eq!(json_of(app.get(teacher, "/api/v1/me/credits").await).await["total"], 0, "no hours");
    assert_eq!(json_of(app.get(teacher, "/api/v1/certificates").await).await["total"], 0);
    assert_eq!(json_of(app.get(teacher, "/api/v1/me/workload").await).await["total"], 0);
    let titles = json_of(app.get(admin, "/api/v1/titles?per_page=200").await).await;
    assert!(items(&titles["items"]).iter().all(|t| t["teacher_id"] != me), "no title");
    let profile = json_of(app.get(admin, &format!("/api/v1/teachers/{me}")).await).await;
    assert!(profile["other_subject"].is_null(), "no other subject: {profile}");
}
