//! An admin manages teachers' accounts from the teacher list: the list carries each teacher's
//! account, which the admin disables, enables again, or gives a temporary password that the
//! next login must replace. Every one of these is audited and kept to the admin's subtree.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, json_of, spawn_seeded_app};

/// The teacher with `employee_no`, as the teacher list shows them to `token`.
async fn listed(app: &TestApp, token: &str, employee_no: &str) -> Value {
    let page = json_of(app.get(token, &format!("/api/v1/teachers?q={employee_no}")).await).await;
    page["items"].as_array().unwrap().iter().find(|t| t["employee_no"] == employee_no).cloned().unwrap()
}

async fn reset(app: &TestApp, token: &str, account: i64) -> reqwest::Response {
    app.post(token, &format!("/api/v1/accounts/{account}/password-reset"), json!({})).await
}

async fn audit_actions(app: &TestApp) -> Vec<Value> {
    let admin = app.token("admin").await;
    json_of(app.get(&admin, "/api/v1/audit?per_page=200").await).await["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_teacher_list_carries_the_account_that_an_admin_disables_and_enables() {
    let app = spawn_seeded_app().await;
    let admin = app.token("county.admin").await;
    let teacher = listed(&app, &admin, "ES00002").await;
    let account = teacher["account_id"].as_i64().expect("every teacher has an account");
    assert_eq!(teacher["account_disabled"], false);
    let single = json_of(app.get(&admin, &format!("/api/v1/teachers/{}", teacher["id"])).await).await;
    assert_eq!(single["account_id"], account, "a single read carries it too");

    let disabled = app.post(&admin, &format!("/api/v1/accounts/{account}/disable"), json!({})).await;
    assert_eq!(disabled.status(), StatusCode::OK);
    assert_eq!(listed(&app, &admin, "ES00002").await["account_disabled"], true);
    assert_eq!(app.login("ES00002", seed::DEMO_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);

    let enabled = app.post(&admin, &format!("/api/v1/accounts/{account}/enable"), json!({})).await;
    assert_eq!(enabled.status(), StatusCode::OK);
    assert_eq!(listed(&app, &admin, "ES00002").await["account_disabled"], false);
    assert_eq!(app.login("ES00002", seed::DEMO_PASSWORD).await.status(), StatusCode::OK);

    let audit = audit_actions(&app).await;
    for action in ["account_disabled", "account_enabled"] {
        let line =
            audit.iter().find(|a| a["action"] == action).unwrap_or_else(|| panic!("{action} is audited"));
        assert_eq!(line["teacher_id"], teacher["id"], "naming whose account");
    }
}

#[tokio::test]
async fn a_reset_password_works_once_and_the_next_login_must_replace_it() {
    let app = spawn_seeded_app().await;
    let admin = app.token("county.admin").await;
    let account = listed(&app, &admin, "ES00002").await["account_id"].as_i64().unwrap();
    let before = app.token("ES00002").await;

    let reset = app.post(&admin, &format!("/api/v1/accounts/{account}/password-reset"), json!({})).await;
    assert_eq!(reset.status(), StatusCode::OK);
    let reset = json_of(reset).await;
    let temporary = reset["temporary_password"].as_str().unwrap().to_owned();
    assert_eq!(temporary.chars().count(), 10);
    assert_eq!(reset["account"]["must_change_password"], true);

    assert_eq!(
        app.get(&before, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED,
        "sessions end at once"
    );
    assert_eq!(app.login("ES00002", seed::DEMO_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_problem(app.login("ES00002", &temporary).await, StatusCode::CONFLICT, "password_change_required")
        .await;

    let login = |new_password: &str| json!({"username": "ES00002", "password": temporary, "new_password": new_password});
    let send = |body: Value| app.client.post(app.url("/api/v1/auth/login")).json(&body).send();
    let weak = send(login("12345678")).await.unwrap();
    let weak = assert_problem(weak, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&weak), ["new_password"]);
    let same = send(login(&temporary)).await.unwrap();
    let same = assert_problem(same, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(same["errors"][0]["code"], "same_as_temporary");

    let chosen = send(login("Chosen-2026")).await.unwrap();
    assert_eq!(chosen.status(), StatusCode::OK);
    let token = json_of(chosen).await["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
    assert_eq!(app.login("ES00002", "Chosen-2026").await.status(), StatusCode::OK, "no second change asked");
    assert_eq!(
        app.login("ES00002", &temporary).await.status(),
        StatusCode::UNAUTHORIZED,
        "the temporary one is gone"
    );
    assert_eq!(listed(&app, &admin, "ES00002").await["account_id"], account);

    let audit = audit_actions(&app).await;
    let line = audit.iter().find(|a| a["action"] == "password_reset").expect("the reset is audited");
    assert!(!line["detail"].as_str().unwrap().contains(&temporary), "never the password itself");
}

#[tokio::test]
async fn a_reset_lifts_a_lockout() {
    let app = spawn_seeded_app().await;
    for _ in 0..5 {
        app.login("ES00002", "wrong-password").await;
    }
    assert_eq!(app.login("ES00002", seed::DEMO_PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    let admin = app.token("admin").await;
    let account = listed(&app, &admin, "ES00002").await["account_id"].as_i64().unwrap();
    let reset =
        json_of(app.post(&admin, &format!("/api/v1/accounts/{account}/password-reset"), json!({})).await)
            .await;
    let body = json!({"username": "ES00002", "password": reset["temporary_password"], "new_password": "Chosen-2026"});
    let login = app.client.post(app.url("/api/v1/auth/login")).json(&body).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK);
}

#[tokio::test]
async fn resets_keep_to_the_admins_subtree_and_not_to_their_own_account() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let far = listed(&app, &admin, "ES00065").await["account_id"].as_i64().unwrap();
    let near = listed(&app, &admin, "ES00002").await["account_id"].as_i64().unwrap();
    let county = app.token("county.admin").await;
    assert_problem(reset(&app, &county, far).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(reset(&app, &app.token("trainer").await, near).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    assert_problem(reset(&app, &app.token("hr").await, near).await, StatusCode::FORBIDDEN, "forbidden").await;
    let own = json_of(app.get(&county, "/api/v1/me").await).await["account"]["id"].as_i64().unwrap();
    assert_problem(reset(&app, &county, own).await, StatusCode::CONFLICT, "cannot_reset_self").await;
    assert_eq!(reset(&app, &county, near).await.status(), StatusCode::OK);
}
