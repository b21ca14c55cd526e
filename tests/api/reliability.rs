//! Reliability under faults: a backup restores with every ledger chain intact, a server killed
//! mid-write loses no acknowledged write and duplicates none, a database outage heals without
//! a restart, and two instances on one PostgreSQL database neither duplicate nor skip.
//! docs/RELIABILITY.md says what each proves and how to back up and restore.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kernel::{Clock, ManualClock};
use mailin_embedded::{Handler, Server as SmtpServer, SslConfig, response};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, Statement};
use secrecy::SecretString;
use serde_json::{Value, json};
use server::startup::Application;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::helpers::{TestApp, fresh_database, json_of, spawn_seeded_app, test_settings};

/// The admin URL of the PostgreSQL server when the suite runs on PostgreSQL.
fn postgres() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|url| !url.is_empty())
}

/// A client whose every request gives up after 30 s: a bound on waiting (three times the
/// pool's 10 s acquire timeout), never an assertion about speed.
fn bounded_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

/// Ledger entries per teacher, for every teacher who has any.
async fn entries_per_teacher(db: &impl ConnectionTrait) -> BTreeMap<i64, i64> {
    let sql = "SELECT teacher_id, COUNT(*) AS n FROM credit_entry GROUP BY teacher_id";
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| (r.try_get::<i64>("", "teacher_id").unwrap(), r.try_get("", "n").unwrap())).collect()
}

/// `(entry id, description)` of every admin adjustment.
async fn adjustments(db: &impl ConnectionTrait) -> Vec<(i64, String)> {
    let sql = "SELECT id, description FROM credit_entry WHERE source_kind = 'adjustment'";
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| (r.try_get("", "id").unwrap(), r.try_get("", "description").unwrap())).collect()
}

/// The ids of the first `n` teachers the prefecture admin sees.
async fn teacher_ids(app: &TestApp, admin: &str, n: usize) -> Vec<i64> {
    let page = json_of(app.get(admin, &format!("/api/v1/teachers?per_page={n}")).await).await;
    let ids: Vec<i64> = page["items"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), n, "the demo seed has at least {n} teachers");
    ids
}

fn external(hours: &str, occurred_on: chrono::NaiveDate, reason: &str) -> Value {
    json!({"category": "external", "hours": hours, "occurred_on": occurred_on, "reason": reason})
}

// ---------------------------------------------------------------------------------------------
// a. Backup

#[tokio::test]
async fn a_backup_restores_and_every_chain_verifies() {
    let app = spawn_seeded_app().await;
    let dir = std::env::temp_dir().join(format!("qualify-backup-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    // A quote in the name: the path goes into SQL as a literal and must be escaped.
    let target = dir.join("qualify-o'backup.db");
    if postgres().is_some() {
        // PostgreSQL is backed up with `pg_dump -Fc` and restored with `pg_restore`
        // (docs/RELIABILITY.md); `qualify backup` refuses it and says so.
        let refused = server::db::backup(&app.db, &target).await.unwrap_err();
        assert!(refused.to_string().contains("pg_dump -Fc"), "{refused}");
        assert!(!target.exists());
        std::fs::remove_dir_all(&dir).ok();
        return;
    }
    let admin = app.token("admin").await;
    let today = kernel::china_date(app.clock.now());
    let teachers = teacher_ids(&app, &admin, 5).await;
    for (n, teacher) in teachers.iter().enumerate() {
        let path = format!("/api/v1/teachers/{teacher}/credits/adjustments");
        let mut first = None;
        for k in 1..=3 {
            let posted =
                app.post(&admin, &path, external(&k.to_string(), today, &format!("外部培训 {k}"))).await;
            assert_eq!(posted.status(), StatusCode::CREATED);
            first = first.or(json_of(posted).await["id"].as_i64());
        }
        if n % 2 == 0 {
            let reversal =
                json!({"occurred_on": today, "reason": "录入错误，冲销", "reverses_entry_id": first});
            assert_eq!(app.post(&admin, &path, reversal).await.status(), StatusCode::CREATED);
        }
    }

    server::db::backup(&app.db, &target).await.unwrap();
    let again = server::db::backup(&app.db, &target).await.unwrap_err();
    assert!(again.to_string().contains("already exists"), "an existing file is never overwritten: {again}");

    let copy = Database::connect(format!("sqlite://{}?mode=ro", target.display())).await.unwrap();
    assert_eq!(server::db::pending_migrations(&copy).await.unwrap(), 0, "the copy has the whole schema");
    let original = entries_per_teacher(&app.db).await;
    let restored = entries_per_teacher(&copy).await;
    assert_eq!(restored, original, "the copy holds every entry of every teacher");
    for (n, teacher) in teachers.iter().enumerate() {
        assert!(restored[teacher] >= if n % 2 == 0 { 4 } else { 3 }, "teacher {teacher}'s entries are in it");
    }
    for teacher in restored.keys() {
        let check = credit::verify_chain(&copy, *teacher).await.unwrap();
        assert!(check.ok, "teacher {teacher}'s chain in the copy: {check:?}");
    }
    copy.close().await.ok();
    std::fs::remove_dir_all(&dir).ok();
}

// ---------------------------------------------------------------------------------------------
// b. Crash

/// The `qualify` binary, built from the current source first: a stale binary left in target/
/// would test old code. The variables cargo sets for this test process are removed first, or
/// build scripts that watch them (ring's watches `CARGO_MANIFEST_DIR`) would rebuild half the
/// workspace on every run; cargo then finds everything fresh and returns at once.
fn qualify_binary() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut build = Command::new(cargo);
    build.args(["build", "--quiet", "-p", "server", "--bin", "qualify"]).current_dir(&root);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        let per_package = [
            "CARGO_MANIFEST_DIR",
            "CARGO_MANIFEST_PATH",
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
        ];
        if name.starts_with("CARGO_PKG_") || per_package.contains(&name.as_str()) {
            build.env_remove(name);
        }
    }
    let status = build.status().expect("run cargo build");
    assert!(status.success(), "cargo build -p server --bin qualify failed");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let binary = target.join("debug").join("qualify");
    assert!(binary.exists(), "{} is missing", binary.display());
    binary
}

/// The `qualify` binary with an environment of its own (nothing inherited from `QUALIFY_*`).
struct Qualify {
    binary: PathBuf,
    dir: PathBuf,
    env: Vec<(&'static str, String)>,
    port: u16,
}

impl Qualify {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("QUALIFY_") {
                command.env_remove(name);
            }
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v))).args(args).current_dir(&self.dir);
        command
    }

    fn run(&self, args: &[&str]) {
        let output = self.command(args).output().unwrap();
        assert!(output.status.success(), "qualify {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    }

    /// `qualify serve` logging at `trace`, the most an operator could turn on; its stderr (the
    /// log) in `dir/<log>`.
    fn serve(&self, log: &str) -> Running {
        let stderr = std::fs::File::create(self.dir.join(log)).unwrap();
        let mut command = self.command(&["serve"]);
        command.env("QUALIFY_LOG", "trace").stdout(Stdio::null()).stderr(stderr);
        let child = command.spawn().unwrap();
        Running { child, log: self.dir.join(log) }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// A running `qualify serve`; killed when dropped, so a failing test leaves no process behind.
struct Running {
    child: Child,
    log: PathBuf,
}

impl Running {
    /// Waits (at most 60 s) for `/health` to answer 200.
    async fn until_healthy(&mut self, qualify: &Qualify, client: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("qualify serve exited ({status}): {}", std::fs::read_to_string(&self.log).unwrap());
            }
            let health = client.get(qualify.url("/health")).send().await;
            if health.is_ok_and(|r| r.status() == StatusCode::OK) {
                return;
            }
            assert!(Instant::now() < deadline, "qualify serve did not become healthy");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown hook, no flush, no rollback; whatever was in flight is cut off.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Logs in through the real server; returns the access and refresh tokens.
async fn login(client: &reqwest::Client, qualify: &Qualify) -> (String, String) {
    let response = client
        .post(qualify.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": seed::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    (body["access_token"].as_str().unwrap().to_owned(), body["refresh_token"].as_str().unwrap().to_owned())
}

/// Request `i` of the crash test: a unique reason text and Idempotency-Key.
fn crash_request(
    client: &reqwest::Client,
    qualify: &Qualify,
    token: &str,
    teacher: i64,
    i: usize,
) -> reqwest::RequestBuilder {
    let occurred_on = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    client
        .post(qualify.url(&format!("/api/v1/teachers/{teacher}/credits/adjustments")))
        .bearer_auth(token)
        .header("Idempotency-Key", format!("crash-{i}"))
        .json(&external("0.5", occurred_on, &crash_reason(i)))
}

fn crash_reason(i: usize) -> String {
    format!("崩溃测试第 {i} 笔")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crash_every_acknowledged_write_survives_exactly_once() {
    const TEACHERS: usize = 4;
    const WORKERS: usize = 8;
    const KILL_AFTER: usize = 24;
    const LIMIT: usize = 2_000;

    let dir = std::env::temp_dir().join(format!("qualify-crash-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let jwt_secret = format!("crash-test-secret-{}", uuid::Uuid::new_v4().simple());
    let mut env = vec![
        ("QUALIFY_DATA_DIR", dir.display().to_string()),
        ("QUALIFY_BIND", format!("127.0.0.1:{port}")),
        ("QUALIFY_BACKGROUND_JOBS", "0".to_owned()),
        ("QUALIFY_JWT_SECRET", jwt_secret.clone()),
    ];
    let database_url = match postgres() {
        Some(admin_url) => {
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = server::db::connect(&admin_url).await.unwrap();
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            admin.close().await.ok();
            let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
            env.push(("QUALIFY_DATABASE_URL", url.clone()));
            url
        }
        None => format!("sqlite://{}?mode=rwc", dir.join("qualify.db").display()),
    };
    let qualify = Qualify { binary: qualify_binary(), dir: dir.clone(), env, port };
    qualify.run(&["migrate"]);
    qualify.run(&["seed", "--demo"]);

    let client = bounded_client();
    let mut first = qualify.serve("serve-1.log");
    first.until_healthy(&qualify, &client).await;
    let (token, refresh) = login(&client, &qualify).await;
    let page: Value = client
        .get(qualify.url(&format!("/api/v1/teachers?per_page={TEACHERS}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let teachers: Vec<i64> =
        page["items"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(teachers.len(), TEACHERS);

    // Concurrent writes; the server is killed once KILL_AFTER of them have been acknowledged,
    // while the others are in flight.
    let qualify = Arc::new(qualify);
    let acknowledged = Arc::new(Mutex::new(BTreeMap::<usize, i64>::new()));
    let unexpected = Arc::new(Mutex::new(Vec::<String>::new()));
    let cut_off = Arc::new(Mutex::new(Vec::<usize>::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(Notify::new());
    let workers: Vec<JoinHandle<()>> = (0..WORKERS)
        .map(|_| {
            let (qualify, client, token, teachers) =
                (qualify.clone(), client.clone(), token.clone(), teachers.clone());
            let (acknowledged, unexpected, cut_off, next, enough) =
                (acknowledged.clone(), unexpected.clone(), cut_off.clone(), next.clone(), enough.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= LIMIT {
                        return;
                    }
                    let request = crash_request(&client, &qualify, &token, teachers[i % TEACHERS], i);
                    let answer = match request.send().await {
                        Ok(response) if response.status() == StatusCode::CREATED => {
                            response.json::<Value>().await
                        }
                        Ok(response) => {
                            unexpected.lock().unwrap().push(format!("request {i}: {}", response.status()));
                            return;
                        }
                        Err(error) => Err(error),
                    };
                    match answer {
                        Ok(entry) => {
                            let mut acknowledged = acknowledged.lock().unwrap();
                            acknowledged.insert(i, entry["id"].as_i64().unwrap());
                            if acknowledged.len() == KILL_AFTER {
                                enough.notify_one();
                            }
                        }
                        Err(error) => {
                            // Refused at connect: sent after the kill. Anything else was cut off.
                            if !error.is_connect() {
                                cut_off.lock().unwrap().push(i);
                            }
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    tokio::time::timeout(Duration::from_secs(60), enough.notified()).await.expect("writes are acknowledged");
    first.kill();
    for worker in workers {
        worker.await.unwrap();
    }
    let qualify = Arc::into_inner(qualify).unwrap();
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    let sent = next.load(Ordering::SeqCst).min(LIMIT);
    let in_flight = cut_off.lock().unwrap().len();
    eprintln!("killed with {} acknowledged, {in_flight} in flight, {sent} attempted", acknowledged.len());
    let unexpected = unexpected.lock().unwrap().clone();
    assert!(unexpected.is_empty(), "before the kill every write succeeds: {unexpected:?}");
    assert!(acknowledged.len() >= KILL_AFTER);
    assert!(sent < LIMIT, "the kill came before the load ran out");
    assert!(in_flight > 0, "some requests were in flight when the server died");

    // Restart on the same database.
    let mut second = qualify.serve("serve-2.log");
    second.until_healthy(&qualify, &client).await;
    let (token_after, refresh_after) = login(&client, &qualify).await;
    let db = server::db::connect(&database_url).await.unwrap();
    // The crash test's entries by reason text.
    let in_ledger = |rows: Vec<(i64, String)>| {
        let mut by_reason: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (id, reason) in rows.into_iter().filter(|(_, reason)| reason.starts_with("崩溃测试")) {
            by_reason.entry(reason).or_default().push(id);
        }
        by_reason
    };
    let after_crash = in_ledger(adjustments(&db).await);
    let landed =
        (0..sent).filter(|i| !acknowledged.contains_key(i) && after_crash.contains_key(&crash_reason(*i)));
    eprintln!("{} unacknowledged requests committed before the kill", landed.count());
    for (i, id) in &acknowledged {
        assert_eq!(
            after_crash.get(&crash_reason(*i)),
            Some(&vec![*id]),
            "acknowledged request {i} is there once"
        );
    }
    for i in 0..sent {
        assert!(
            after_crash.get(&crash_reason(i)).is_none_or(|ids| ids.len() == 1),
            "request {i} is there at most once"
        );
    }
    assert!(
        after_crash.keys().all(|reason| (0..sent).any(|i| crash_reason(i) == *reason)),
        "no other crash-test entry was written"
    );
    for teacher in &teachers {
        let check = credit::verify_chain(&db, *teacher).await.unwrap();
        assert!(check.ok, "teacher {teacher}'s chain after the crash: {check:?}");
    }

    // Clients retry: an acknowledged request adds nothing; an unanswered one lands once.
    for i in 0..sent {
        let retried =
            crash_request(&client, &qualify, &token_after, teachers[i % TEACHERS], i).send().await.unwrap();
        assert_eq!(retried.status(), StatusCode::CREATED, "retry of request {i}");
        let id = json_of(retried).await["id"].as_i64().unwrap();
        if let Some(acknowledged_id) = acknowledged.get(&i) {
            assert_eq!(id, *acknowledged_id, "a retry answers the entry already acknowledged");
        }
    }
    let after_retries = in_ledger(adjustments(&db).await);
    assert_eq!(after_retries.len(), sent, "every request is in the ledger");
    assert!(after_retries.values().all(|ids| ids.len() == 1), "and each exactly once");
    for teacher in &teachers {
        let check: Value = client
            .get(qualify.url(&format!("/api/v1/teachers/{teacher}/credits/verify")))
            .bearer_auth(&token_after)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(check["ok"], true, "teacher {teacher}: {check}");
    }
    second.kill();
    db.close().await.ok();

    // No secrets in the logs, even at trace level.
    for log in ["serve-1.log", "serve-2.log"] {
        let text = std::fs::read_to_string(dir.join(log)).unwrap();
        assert!(text.contains("serving on"), "{log} is the server's log");
        assert!(!text.contains(seed::DEMO_PASSWORD), "{log} holds the password");
        for secret in [&token, &refresh, &token_after, &refresh_after, &jwt_secret] {
            assert!(!text.contains(secret.as_str()), "{log} holds a token or the signing secret");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

// ---------------------------------------------------------------------------------------------
// c. Database outage

/// A TCP proxy in front of PostgreSQL that can cut every connection and refuse new ones.
struct Proxy {
    port: u16,
    upstream: String,
    accept: Mutex<Option<JoinHandle<()>>>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let proxy = Proxy { port, upstream, accept: Mutex::new(None), links: Arc::default() };
        proxy.listen(listener);
        proxy
    }

    fn listen(&self, listener: TcpListener) {
        let (upstream, links) = (self.upstream.clone(), self.links.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                links.lock().unwrap().push(link);
            }
        });
        *self.accept.lock().unwrap() = Some(accept);
    }

    /// The outage: the port stops listening (connections are refused, as when PostgreSQL is
    /// down) and every open connection is closed.
    async fn cut(&self) {
        let accept = self.accept.lock().unwrap().take();
        if let Some(accept) = accept {
            accept.abort();
            let _ = accept.await;
        }
        let links = std::mem::take(&mut *self.links.lock().unwrap());
        for link in links {
            link.abort();
            let _ = link.await;
        }
    }

    /// The database is back, on the same address.
    async fn restore(&self) {
        self.listen(TcpListener::bind(("127.0.0.1", self.port)).await.unwrap());
    }
}

/// A server over `url` with a pool of its own, as a separate instance would have. Instances of
/// one deployment share the JWT secret and the signing keys.
async fn spawn_with_url(url: &str, clock: &ManualClock, jwt_secret: &str, keys: &Path) -> TestApp {
    let db = server::db::connect(url).await.expect("connect");
    let mut settings = test_settings(url.to_owned());
    settings.jwt_secret = SecretString::from(jwt_secret.to_owned());
    settings.signing_key_dir = keys.to_owned();
    let app = Application::build(settings, db.clone(), Arc::new(clock.clone())).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp { address, client: bounded_client(), clock: clock.clone(), db }
}

/// Polls `/health` until it answers `status`; at most 60 s.
async fn health_becomes(app: &TestApp, status: StatusCode) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let response =
            app.client.get(app.url("/health")).send().await.expect("health answers in bounded time");
        if response.status() == status {
            return json_of(response).await;
        }
        assert!(Instant::now() < deadline, "health did not become {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn database_outage_the_server_recovers_by_itself() {
    // SQLite is a file inside the server's own process: there is no connection to lose.
    // (tests/api/errors.rs checks the 503 when the database is gone.)
    if postgres().is_none() {
        return;
    }
    let (direct_url, db) = fresh_database().await;
    seed::load_demo(&db).await.unwrap();
    db.close().await.ok();
    // postgres://user@host:port/name → the same database through the proxy.
    let (base, name) = direct_url.rsplit_once('/').unwrap();
    let (scheme_and_user, host) = base.rsplit_once('@').unwrap();
    let upstream = if host.contains(':') { host.to_owned() } else { format!("{host}:5432") };
    let proxy = Proxy::start(upstream).await;
    let url = format!("{scheme_and_user}@127.0.0.1:{}/{name}", proxy.port);
    let keys = std::env::temp_dir().join(format!("qualify-keys-{}", uuid::Uuid::new_v4()));
    let app =
        spawn_with_url(&url, &ManualClock::default(), &format!("outage-{}", uuid::Uuid::new_v4()), &keys)
            .await;
    let admin = app.token("admin").await;
    let teacher = teacher_ids(&app, &admin, 1).await[0];
    let today = kernel::china_date(app.clock.now());
    let write = |key: &str| {
        app.client
            .post(app.url(&format!("/api/v1/teachers/{teacher}/credits/adjustments")))
            .bearer_auth(&admin)
            .header("Idempotency-Key", key)
            .json(&external("1", today, &format!("断库测试 {key}")))
            .send()
    };
    assert_eq!(write("before").await.unwrap().status(), StatusCode::CREATED);

    proxy.cut().await;
    let outage = Instant::now();
    let (health, during) =
        tokio::join!(health_becomes(&app, StatusCode::SERVICE_UNAVAILABLE), write("during"));
    assert_eq!(health["database"], "unreachable");
    let during = during.expect("a write during the outage is answered, not left hanging");
    assert!(during.status().is_server_error(), "a write during the outage fails: {}", during.status());
    let content_type = during.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/problem+json"), "{content_type}");
    let problem = json_of(during).await;
    assert!(problem["status"].as_u64().is_some_and(|s| s >= 500), "{problem}");

    eprintln!("outage answered after {:?}", outage.elapsed());
    proxy.restore().await;
    assert_eq!(health_becomes(&app, StatusCode::OK).await["database"], "ok");
    let after = write("after").await.unwrap();
    assert_eq!(after.status(), StatusCode::CREATED, "writes work again without a restart");
    // The client retries the failed write with its key: it lands once.
    assert_eq!(write("during").await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(write("during").await.unwrap().status(), StatusCode::CREATED);
    let reasons: Vec<String> = adjustments(&app.db).await.into_iter().map(|(_, reason)| reason).collect();
    for key in ["before", "during", "after"] {
        let reason = format!("断库测试 {key}");
        assert_eq!(reasons.iter().filter(|r| **r == reason).count(), 1, "{reason} is in the ledger once");
    }
    let check = json_of(app.get(&admin, &format!("/api/v1/teachers/{teacher}/credits/verify")).await).await;
    assert_eq!(check["ok"], true, "{check}");
    std::fs::remove_dir_all(&keys).ok();
}

// ---------------------------------------------------------------------------------------------
// d. Two instances on one PostgreSQL database

const TARGET_GROUP: [&str; 5] =
    ["mh_fulltime", "mh_parttime", "head_teacher", "school_leader", "middle_manager"];

/// A rule set in which C takes 1 h of recognised external training and is issued
/// automatically (as `rule_set(simple_levels(5))` in tests/api/certification.rs).
fn c_after_one_hour() -> Value {
    let level = |level: &str, offline: &str, prerequisite: Value, roles: Value| {
        json!({"level": level, "online_hours": "0", "offline_hours": offline, "exam_id": null,
            "min_score": null, "prerequisite": prerequisite, "eligible_roles": roles, "validity_years": 5,
            "renewal_hours": "4", "issuance": "automatic"})
    };
    json!({"name": "可靠性测试标准", "effective_from": "2026-01-01", "levels": [
            level("C", "1", Value::Null, json!([])),
            level("B", "2", json!("C"), json!(TARGET_GROUP)),
            level("A", "3", json!("B"), json!(["mh_fulltime", "key_teacher"])),
        ],
        "targets": {"c_share": "0.8", "b_share": "0.9", "a_count": 100, "deadline": "2028-12-31"}})
}

/// Collects what a real SMTP listener receives: the recipients of each message.
#[derive(Clone)]
struct Inbox {
    received: Arc<Mutex<Vec<Vec<String>>>>,
    current: Vec<String>,
}

impl Handler for Inbox {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> response::Response {
        self.current = to.to_vec();
        response::OK
    }

    fn data(&mut self, _buf: &[u8]) -> std::io::Result<()> {
        Ok(())
    }

    fn data_end(&mut self) -> response::Response {
        self.received.lock().unwrap().push(std::mem::take(&mut self.current));
        response::OK
    }
}

/// An SMTP server on an ephemeral port; returns the port and what it receives.
fn smtp_listener() -> (u16, Arc<Mutex<Vec<Vec<String>>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let mut server = SmtpServer::new(Inbox { received: received.clone(), current: Vec::new() });
    server.with_name("smtp.test").with_ssl(SslConfig::None).unwrap().with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgresql_neither_duplicate_nor_skip() {
    // Several instances need a shared server database; SQLite is one process's file, and the
    // in-process SQLite suite covers the one instance it supports.
    if postgres().is_none() {
        return;
    }
    let (url, db) = fresh_database().await;
    seed::load_demo(&db).await.unwrap();
    db.close().await.ok();
    let clock = ManualClock::default();
    let secret = format!("two-instances-{}", uuid::Uuid::new_v4());
    let keys = std::env::temp_dir().join(format!("qualify-keys-{}", uuid::Uuid::new_v4()));
    let (a, b) = (
        spawn_with_url(&url, &clock, &secret, &keys).await,
        spawn_with_url(&url, &clock, &secret, &keys).await,
    );
    let instances = [&a, &b];
    let admin = a.token("admin").await;
    let created = a.post(&admin, "/api/v1/rule-sets", c_after_one_hour()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let rules = json_of(created).await["id"].as_i64().unwrap();
    assert_eq!(
        b.post(&admin, &format!("/api/v1/rule-sets/{rules}/activate"), json!({})).await.status(),
        StatusCode::OK
    );
    let today = kernel::china_date(clock.now());
    let year = clock.now().format("%Y").to_string();
    let teachers = teacher_ids(&a, &admin, 13).await;
    let (racing, twin_teacher) = (&teachers[..12], teachers[12]);

    // (1) Certificates completed at the same moment through both instances.
    let posts = racing.iter().enumerate().map(|(n, teacher)| {
        let (app, admin) = (instances[n % 2], admin.clone());
        async move {
            let path = format!("/api/v1/teachers/{teacher}/credits/adjustments");
            app.post(&admin, &path, external("1", today, "外部培训认定")).await.status()
        }
    });
    for status in futures_util::future::join_all(posts).await {
        assert_eq!(status, StatusCode::CREATED);
    }
    let certificates = json_of(b.get(&admin, "/api/v1/certificates?level=C&per_page=200").await).await;
    let items = certificates["items"].as_array().unwrap();
    let mut issued: Vec<String> = items.iter().map(|c| c["number"].as_str().unwrap().to_owned()).collect();
    issued.sort();
    let expected: Vec<String> = (1..=racing.len()).map(|n| format!("ES-{year}-C-{n:06}")).collect();
    assert_eq!(issued, expected, "distinct numbers, 1..n without gaps");
    let holders: BTreeSet<i64> = items.iter().map(|c| c["teacher_id"].as_i64().unwrap()).collect();
    assert_eq!(holders, racing.iter().copied().collect(), "one certificate per teacher");

    // (2) One request with one Idempotency-Key, sent through both instances at once.
    let key = format!("twin-{}", uuid::Uuid::new_v4());
    let twins = (0..8).map(|n| {
        let (app, admin, key) = (instances[n % 2], admin.clone(), key.clone());
        async move {
            let response = app
                .client
                .post(app.url(&format!("/api/v1/teachers/{twin_teacher}/credits/adjustments")))
                .bearer_auth(&admin)
                .header("Idempotency-Key", key)
                .json(&external("1", today, "双实例同一请求"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            json_of(response).await["id"].as_i64().unwrap()
        }
    });
    let ids = futures_util::future::join_all(twins).await;
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "every copy answers the one entry: {ids:?}");
    let twin_entries =
        adjustments(&a.db).await.into_iter().filter(|(_, reason)| reason == "双实例同一请求").count();
    assert_eq!(twin_entries, 1, "exactly one ledger entry");
    let after_twin = json_of(a.get(&admin, "/api/v1/certificates?level=C&per_page=200").await).await;
    assert_eq!(after_twin["total"], racing.len() + 1, "and the certificate it completed was issued once");
    for teacher in &teachers {
        assert!(credit::verify_chain(&a.db, *teacher).await.unwrap().ok, "teacher {teacher}'s chain");
    }

    // (3) Two mail workers, one per instance, against one SMTP server.
    let now = clock.now();
    for i in 0..20 {
        let mail = notify::Mail::GradingAssigned {
            exam: format!("考试 {i}"),
            answers: 1,
            path: "/grading".to_owned(),
        };
        let envelope =
            notify::Envelope { to: format!("grader{i}@es.edu.cn"), english: false, mail, dedup_key: None };
        notify::enqueue(&instances[i % 2].db, now, envelope).await.unwrap();
    }
    let backend = a.db.get_database_backend();
    let pending_sql = "SELECT recipient FROM outbox_message WHERE status = 'pending'";
    let mut queued: Vec<String> =
        a.db.query_all_raw(Statement::from_string(backend, pending_sql))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("", "recipient").unwrap())
            .collect();
    queued.sort();
    assert!(queued.len() >= racing.len() + 1 + 20, "13 certificate mails and 20 more are queued: {queued:?}");
    let (port, received) = smtp_listener();
    let sender = || {
        notify::Sender::smtp(
            &format!("smtp://127.0.0.1:{port}"),
            "心育 Qualify <noreply@qualify.test>",
            "http://qualify.test",
        )
        .unwrap()
    };
    let (first, second) = (sender(), sender());
    for round in 0.. {
        assert!(round < 100, "the outbox drains");
        let (x, y) =
            tokio::join!(notify::deliver_due(&a.db, now, &first), notify::deliver_due(&b.db, now, &second));
        if x.unwrap().sent + y.unwrap().sent == 0 {
            break;
        }
    }
    let mut delivered: Vec<String> = received.lock().unwrap().iter().flatten().cloned().collect();
    delivered.sort();
    assert_eq!(delivered, queued, "each queued message delivered exactly once");
    let unsent =
        a.db.query_all_raw(Statement::from_string(
            backend,
            "SELECT id FROM outbox_message WHERE status <> 'sent'",
        ))
        .await
        .unwrap();
    assert!(unsent.is_empty(), "every message is marked sent");
    std::fs::remove_dir_all(&keys).ok();
}
