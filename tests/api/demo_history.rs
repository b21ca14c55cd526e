//! `make run`'s demo prefecture opens with a semester of history, so the staff desk's reports
//! and charts show real shapes; the demo login stays clean for reaching C by doing the work.

use kernel::Clock;
use serde_json::Value;

use crate::helpers::{json_of, spawn_seeded_app};

#[tokio::test]
async fn the_demo_history_fills_the_reports_and_leaves_the_demo_teacher_clean() {
    let app = spawn_seeded_app().await;
    let loaded = seed::load_history(&app.db, app.clock.now()).await.expect("history");
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
    assert_eq!(
        json_of(app.get(&teacher, "/api/v1/me/credits").await).await["total"],
        0,
        "the demo login is untouched"
    );
    let certificates = json_of(app.get(&teacher, "/api/v1/certificates").await).await;
    assert_eq!(certificates["total"], 0);

    let again = seed::load_history(&app.db, app.clock.now()).await.expect("history again");
    assert_eq!(again, seed::HistoryReport::default(), "running it again adds nothing");
}
