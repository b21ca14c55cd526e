//! `spawn_app()`: a real server on an ephemeral port over a fresh database of its own (a SQLite
//! file, or a new PostgreSQL database when `TEST_DATABASE_URL` is set), plus typed helpers.

use std::sync::Arc;

use kernel::ManualClock;
use reqwest::{Response, StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use secrecy::SecretString;
use serde_json::{Value, json};
use server::config::Settings;
use server::startup::Application;

/// The credit policy the test server runs with: the national default.
fn credit_policy() -> credit::CreditPolicy {
    credit::CreditPolicy::default()
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub db: DatabaseConnection,
}

/// A fresh, migrated, empty database: a SQLite file, or a database of its own on PostgreSQL.
pub async fn fresh_database() -> (String, DatabaseConnection) {
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let url = match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let admin = server::db::connect(&admin_url).await.expect("connect to TEST_DATABASE_URL");
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
            admin.close().await.ok();
            let (base, _) = admin_url.rsplit_once('/').expect("database URL has a path");
            format!("{base}/{name}")
        }
        _ => {
            let dir = std::env::temp_dir().join("qualify-tests");
            std::fs::create_dir_all(&dir).expect("create temp dir");
            format!("sqlite://{}?mode=rwc", dir.join(format!("{name}.db")).display())
        }
    };
    let db = server::db::connect(&url).await.expect("connect to the test database");
    server::db::migrate(&db).await.expect("migrate");
    (url, db)
}

/// A server over an empty, migrated database.
pub async fn spawn_app() -> TestApp {
    let (url, db) = fresh_database().await;
    spawn_on(url, db).await
}

/// A server over a database holding the demo seed.
pub async fn spawn_seeded_app() -> TestApp {
    spawn_seeded_app_with(|_| {}).await
}

/// A seeded server whose settings a test changes first (e.g. a low rate limit to hit).
pub async fn spawn_seeded_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let (url, db) = fresh_database().await;
    seed::load_demo(&db).await.expect("seed");
    spawn_configured(url, db, adjust).await
}

async fn spawn_on(url: String, db: DatabaseConnection) -> TestApp {
    spawn_configured(url, db, |_| {}).await
}

/// The settings of a test server over `url`: a fresh JWT secret and signing-key directory, no
/// background jobs, generous rate limits; tests change what they exercise.
pub fn test_settings(url: String) -> Settings {
    Settings {
        database_url: url,
        report_database_url: None,
        bind: "127.0.0.1:0".parse().expect("address"),
        jwt_secret: SecretString::from(format!("test-secret-{}", uuid::Uuid::new_v4())),
        public_url: "http://qualify.test".to_owned(),
        data_dir: std::env::temp_dir(),
        credit: credit_policy(),
        progress: courses::ProgressRules::default(),
        research_events_per_year: 3,
        minutes_per_class_hour: 45,
        smtp_url: None,
        mail_from: "心育 Qualify <noreply@qualify.test>".to_owned(),
        background_jobs: false,
        signing_key_dir: std::env::temp_dir().join(format!("qualify-keys-{}", uuid::Uuid::new_v4())),
        verify_per_minute: 30,
        login_per_minute: 1000,
        cors_origins: vec!["https://app.qualify.test".to_owned()],
        web_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist"),
    }
}

async fn spawn_configured(
    url: String,
    db: DatabaseConnection,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = test_settings(url);
    adjust(&mut settings);
    let clock = ManualClock::default();
    let app = Application::build(settings, db.clone(), Arc::new(clock.clone())).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp { address, client: reqwest::Client::new(), clock, db }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("request")
    }

    /// The access token of a demo account (password `demo1234`).
    pub async fn token(&self, username: &str) -> String {
        self.token_with(username, seed::DEMO_PASSWORD).await
    }

    /// The access token of any account.
    pub async fn token_with(&self, username: &str, password: &str) -> String {
        let response = self.login(username, password).await;
        assert_eq!(response.status(), StatusCode::OK, "login as {username}");
        let body: Value = response.json().await.expect("json");
        body["access_token"].as_str().expect("access_token").to_owned()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request")
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Response {
        self.client.post(self.url(path)).bearer_auth(token).json(&body).send().await.expect("request")
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> Response {
        self.client.put(self.url(path)).bearer_auth(token).json(&body).send().await.expect("request")
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Response {
        self.client.patch(self.url(path)).bearer_auth(token).json(&body).send().await.expect("request")
    }

    /// The id of an org unit by its code, read through the API as the prefecture admin.
    pub async fn org_unit_id(&self, admin_token: &str, code: &str) -> i64 {
        let body =
            json_of(self.get(admin_token, &format!("/api/v1/org-units?q={code}&per_page=200")).await).await;
        body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|u| u["code"] == code)
            .and_then(|u| u["id"].as_i64())
            .unwrap_or_else(|| panic!("no org unit {code}"))
    }
}

/// The JSON body of a response.
pub async fn json_of(response: Response) -> Value {
    response.json().await.expect("json body")
}

/// Asserts a problem+json error with the given status and code; returns the body.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "status");
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(content_type.starts_with("application/problem+json"), "content type was {content_type}");
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(body["code"], code, "problem: {body}");
    assert_eq!(body["status"], status.as_u16());
    body
}

/// The `field` of every entry of a 422's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().map_or_else(Vec::new, |errors| {
        errors.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect()
    })
}
