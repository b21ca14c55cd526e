use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, json_of, spawn_seeded_app};

#[tokio::test]
async fn login_with_right_password_returns_bearer_tokens() {
    let app = spawn_seeded_app().await;
    let response = app.login("admin", "demo1234").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json_of(response).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["access_token"].as_str().is_some_and(|t| t.split('.').count() == 3));
    assert!(body["refresh_token"].as_str().is_some_and(|t| t.len() >= 32));
}

#[tokio::test]
async fn login_with_wrong_password_or_unknown_user_returns_401() {
    let app = spawn_seeded_app().await;
    assert_problem(
        app.login("admin", "wrong-password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_problem(app.login("nobody", "demo1234").await, StatusCode::UNAUTHORIZED, "invalid_credentials")
        .await;
}

#[tokio::test]
async fn teacher_logs_in_by_employee_number_or_phone() {
    let app = spawn_seeded_app().await;
    let token = app.token("teacher").await;
    let me = json_of(app.get(&token, "/api/v1/me").await).await;
    let employee_no = me["person"]["employee_no"].as_str().unwrap().to_owned();
    let phone = me["person"]["phone"].as_str().unwrap().to_owned();
    assert_eq!(app.login(&employee_no, "demo1234").await.status(), StatusCode::OK);
    assert_eq!(app.login(&phone, "demo1234").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn five_failed_logins_lock_the_account_for_fifteen_minutes() {
    let app = spawn_seeded_app().await;
    for _ in 0..4 {
        assert_problem(
            app.login("hr", "wrong-password").await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
    }
    let locked = app.login("hr", "wrong-password").await;
    let retry_after: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "retry-after {retry_after}");
    assert_problem(locked, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Even the right password is refused while locked.
    assert_problem(app.login("hr", "demo1234").await, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    app.clock.advance(Duration::minutes(15) + Duration::seconds(1));
    assert_eq!(app.login("hr", "demo1234").await.status(), StatusCode::OK);
}

async fn refresh(app: &crate::helpers::TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn refresh_rotates_and_refuses_the_spent_token() {
    let app = spawn_seeded_app().await;
    let first: Value = json_of(app.login("trainer", "demo1234").await).await;
    let old = first["refresh_token"].as_str().unwrap();

    let second = json_of(refresh(&app, old).await).await;
    let new = second["refresh_token"].as_str().unwrap();
    assert_ne!(old, new);
    assert_eq!(
        app.get(second["access_token"].as_str().unwrap(), "/api/v1/me").await.status(),
        StatusCode::OK
    );

    assert_problem(refresh(&app, old).await, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    // Replaying the spent token ended the whole session: its successor is dead too.
    assert_problem(refresh(&app, new).await, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
}

#[tokio::test]
async fn logout_kills_the_refresh_token() {
    let app = spawn_seeded_app().await;
    let tokens: Value = json_of(app.login("trainer", "demo1234").await).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let response = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .json(&json!({"refresh_token": refresh_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(refresh(&app, refresh_token).await, StatusCode::UNAUTHORIZED, "invalid_refresh_token")
        .await;
}

#[tokio::test]
async fn access_token_expires_after_fifteen_minutes() {
    let app = spawn_seeded_app().await;
    let token = app.token("admin").await;
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), StatusCode::OK);
    app.clock.advance(Duration::minutes(15));
    assert_problem(app.get(&token, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn routes_refuse_missing_and_forged_tokens() {
    let app = spawn_seeded_app().await;
    let no_token = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_problem(no_token, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let token = app.token("admin").await;
    let forged = format!("{}x", &token[..token.len() - 1]);
    assert_problem(app.get(&forged, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn me_describes_staff_scope_and_teacher_person() {
    let app = spawn_seeded_app().await;
    let admin = json_of(app.get(&app.token("county.admin").await, "/api/v1/me").await).await;
    assert_eq!(admin["role"], "admin");
    assert_eq!(admin["scope"]["type"], "subtree");
    assert_eq!(admin["scope"]["org_unit_name"], "恩施市");
    assert!(admin["person"].is_null());

    let teacher = json_of(app.get(&app.token("teacher").await, "/api/v1/me").await).await;
    assert_eq!(teacher["role"], "teacher");
    assert_eq!(teacher["scope"]["type"], "own");
    assert!(teacher["person"]["roles"].as_array().unwrap().contains(&json!("head_teacher")));
}

#[tokio::test]
async fn changing_password_needs_the_current_one_and_replaces_it() {
    let app = spawn_seeded_app().await;
    let token = app.token("teacher").await;
    let wrong = app
        .post(
            &token,
            "/api/v1/me/password",
            json!({"current_password": "nope-nope", "new_password": "Better-2026"}),
        )
        .await;
    let problem = assert_problem(wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "current_password");

    let ok = app
        .post(
            &token,
            "/api/v1/me/password",
            json!({"current_password": "demo1234", "new_password": "Better-2026"}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.login("teacher", "demo1234").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("teacher", "Better-2026").await.status(), StatusCode::OK);
}

fn token_with(header: &str, claims: &serde_json::Value, signature: &str) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!("{}.{}.{}", b64(header), b64(&claims.to_string()), signature)
}

#[tokio::test]
async fn tokens_with_another_algorithm_or_none_are_refused() {
    let app = spawn_seeded_app().await;
    let token = app.token("admin").await;
    let claims: serde_json::Value = {
        use base64::Engine;
        let payload = token.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap())
            .unwrap()
    };
    let signature = token.rsplit('.').next().unwrap();
    for header in
        [r#"{"alg":"none","typ":"JWT"}"#, r#"{"alg":"HS512","typ":"JWT"}"#, r#"{"alg":"RS256","typ":"JWT"}"#]
    {
        for sig in ["", signature] {
            let forged = token_with(header, &claims, sig);
            assert_problem(app.get(&forged, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthorized")
                .await;
        }
    }
    let mut longer = claims.clone();
    longer["exp"] = serde_json::json!(claims["exp"].as_i64().unwrap() + 86_400);
    let tampered = token_with(r#"{"typ":"JWT","alg":"HS256"}"#, &longer, signature);
    assert_problem(app.get(&tampered, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(app.get(&token, "/api/v1/me").await.status(), StatusCode::OK, "the genuine token still works");
}

#[tokio::test]
async fn a_disabled_account_is_refused_at_once_and_can_be_enabled_again() {
    let app = spawn_seeded_app().await;
    let admin = app.token("admin").await;
    let county = app.org_unit_id(&admin, "ES-ESS").await;
    let body = json!({"username": "ess.trainer", "password": "Trainer-2026", "role": "trainer", "org_unit_id": county});
    let account = json_of(app.post(&admin, "/api/v1/accounts", body).await).await;
    let id = account["id"].as_i64().unwrap();
    let login = json_of(app.login("ess.trainer", "Trainer-2026").await).await;
    let (access, refresh_token) =
        (login["access_token"].as_str().unwrap(), login["refresh_token"].as_str().unwrap());
    assert_eq!(app.get(access, "/api/v1/me").await.status(), StatusCode::OK);

    let county_admin = app.token("county.admin").await;
    let disabled =
        json_of(app.post(&county_admin, &format!("/api/v1/accounts/{id}/disable"), json!({})).await).await;
    assert_eq!(disabled["disabled"], true);
    assert_problem(app.get(access, "/api/v1/me").await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(refresh(&app, refresh_token).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("ess.trainer", "Trainer-2026").await.status(), StatusCode::UNAUTHORIZED);

    let own = json_of(app.get(&county_admin, "/api/v1/me").await).await["account"]["id"].as_i64().unwrap();
    let itself = app.post(&county_admin, &format!("/api/v1/accounts/{own}/disable"), json!({})).await;
    assert_problem(itself, StatusCode::CONFLICT, "cannot_disable_self").await;
    let hr = app.token("hr").await;
    assert_problem(
        app.post(&hr, &format!("/api/v1/accounts/{id}/disable"), json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let prefecture_admin =
        json_of(app.get(&admin, "/api/v1/me").await).await["account"]["id"].as_i64().unwrap();
    let above =
        app.post(&county_admin, &format!("/api/v1/accounts/{prefecture_admin}/disable"), json!({})).await;
    assert_problem(above, StatusCode::NOT_FOUND, "not_found").await;

    app.post(&county_admin, &format!("/api/v1/accounts/{id}/enable"), json!({})).await;
    assert_eq!(app.login("ess.trainer", "Trainer-2026").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn logins_from_one_address_are_rate_limited_across_accounts() {
    let app = crate::helpers::spawn_seeded_app_with(|s| s.login_per_minute = 5).await;
    for n in 2..7 {
        let response = app.login(&format!("ES0000{n}"), "wrong-password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "a different account each time");
    }
    let limited = app.login("admin", "demo1234").await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn cors_answers_only_configured_origins_and_responses_carry_security_headers() {
    let app = spawn_seeded_app().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/me"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight("https://app.qualify.test").await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.qualify.test");
    let other = preflight("https://evil.example").await.unwrap();
    assert!(
        !other.headers().contains_key("access-control-allow-origin"),
        "no CORS grant for an unknown origin"
    );

    let token = app.token("admin").await;
    let response = app.get(&token, "/api/v1/me").await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
}
