use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, json_of, spawn_seeded_app};

fn claim() -> Value {
    json!({
        "title": "国培计划心理健康教育专题网络研修", "organiser": "国家智慧教育平台",
        "started_on": "2026-03-01", "ended_on": "2026-04-15", "hours": "24", "form": "online",
        "evidence_ref": "证书编号 GP2026-00318"
    })
}

async fn submit(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post(token, "/api/v1/me/credit-claims", body).await
}

#[tokio::test]
async fn approved_claim_posts_one_external_entry() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let submitted = submit(&app, &teacher, claim()).await;
    assert_eq!(submitted.status(), StatusCode::CREATED);
    let submitted = json_of(submitted).await;
    assert_eq!(submitted["status"], "pending");

    let admin = app.token("county.admin").await;
    let queue = json_of(app.get(&admin, "/api/v1/credit-claims?status=pending").await).await;
    let queued = queue["items"].as_array().unwrap().iter().find(|c| c["id"] == submitted["id"]).unwrap();
    let me = json_of(app.get(&teacher, "/api/v1/me").await).await;
    assert_eq!(
        (&queued["teacher_name"], &queued["employee_no"]),
        (&me["person"]["name"], &me["person"]["employee_no"]),
        "the reviewer reads who claims, beside the id: {queued}"
    );

    let path = format!("/api/v1/credit-claims/{}/approve", submitted["id"]);
    let approved = json_of(app.post(&admin, &path, json!({"reason": "证书核验无误"})).await).await;
    assert_eq!(approved["status"], "approved");
    assert!(approved["entry_id"].is_i64());
    assert_problem(
        app.post(&admin, &path, json!({"reason": "再批一次"})).await,
        StatusCode::CONFLICT,
        "claim_decided",
    )
    .await;

    let credits = json_of(app.get(&teacher, "/api/v1/me/credits").await).await;
    assert_eq!(credits["total"], 1);
    assert_eq!(credits["items"][0]["category"], "external");
    assert_eq!(credits["items"][0]["source_kind"], "credit_claim");
    assert_eq!(credits["totals"]["total_hours"], "24");

    let mine = json_of(app.get(&teacher, "/api/v1/me/credit-claims").await).await;
    assert_eq!(mine["items"][0]["status"], "approved");
}

#[tokio::test]
async fn rejected_claim_posts_nothing_and_tells_the_teacher_why() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let submitted = json_of(submit(&app, &teacher, claim()).await).await;
    let admin = app.token("admin").await;
    let path = format!("/api/v1/credit-claims/{}/reject", submitted["id"]);
    let missing = app.post(&admin, &path, json!({"reason": ""})).await;
    assert_problem(missing, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let rejected = json_of(app.post(&admin, &path, json!({"reason": "证书编号查无此人"})).await).await;
    assert_eq!(rejected["status"], "rejected");
    let mine = json_of(app.get(&teacher, "/api/v1/me/credit-claims").await).await;
    assert_eq!(mine["items"][0]["decision_reason"], "证书编号查无此人");
    assert_eq!(json_of(app.get(&teacher, "/api/v1/me/credits").await).await["total"], 0);
}

#[tokio::test]
async fn claims_are_decided_only_in_scope_and_only_by_admins() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let submitted = json_of(submit(&app, &teacher, claim()).await).await;
    let path = format!("/api/v1/credit-claims/{}/approve", submitted["id"]);

    // The demo teacher is in 恩施市; an admin of 利川市 cannot see the claim.
    let admin = app.token("admin").await;
    let lichuan = app.org_unit_id(&admin, "ES-LCS").await;
    let account =
        json!({"username": "lc.admin", "password": "Lc-admin-2026", "role": "admin", "org_unit_id": lichuan});
    assert_eq!(app.post(&admin, "/api/v1/accounts", account).await.status(), StatusCode::CREATED);
    let lichuan_admin = app.token_with("lc.admin", "Lc-admin-2026").await;
    assert_problem(
        app.post(&lichuan_admin, &path, json!({"reason": "越权"})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let queue = json_of(app.get(&lichuan_admin, "/api/v1/credit-claims").await).await;
    assert_eq!(queue["total"], 0);

    let hr = app.token("hr").await;
    assert_problem(
        app.post(&hr, &path, json!({"reason": "HR 不可批"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(&teacher, &path, json!({"reason": "自批"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn invalid_claims_list_every_field() {
    let app = spawn_seeded_app().await;
    let teacher = app.token("teacher").await;
    let body = json!({
        "title": "x", "organiser": "", "started_on": "2026-04-15", "ended_on": "2026-03-01",
        "hours": "0", "form": "offline", "evidence_ref": ""
    });
    let problem = assert_problem(
        submit(&app, &teacher, body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["ended_on", "evidence_ref", "hours", "organiser", "title"]);
    let staff = app.token("admin").await;
    assert_problem(submit(&app, &staff, claim()).await, StatusCode::FORBIDDEN, "forbidden").await;
}
