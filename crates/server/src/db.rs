//! Connecting to SQLite or PostgreSQL, knowing whether the schema is current, and taking an
//! online backup of a SQLite database.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Opens a pool. SQLite runs in WAL mode with a busy timeout, so readers never block the
/// writer and concurrent writers wait their turn instead of failing with "database is locked".
/// PostgreSQL runs without JIT compilation: its cost estimate for the compliance report's
/// grouped query crosses `jit_above_cost`, and compiling took 0.6 s of a 0.75 s report whose
/// work is 0.14 s; nothing here runs long enough to win it back.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(15))
                .foreign_keys(true)
                .create_if_missing(true)
        })
        .map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
    if url.starts_with("sqlite:") {
        options.max_connections(8);
    } else {
        options.max_connections(20);
    }
    Database::connect(options).await
}

/// Opens the pool of a read-only streaming replica (`QUALIFY_REPORT_DATABASE_URL`) without
/// connecting yet: the server starts, and serves everything but reports, while the replica is
/// down. A dead replica is noticed within seconds (short connect and acquire timeouts), so a
/// report answers 503 `report_database_unavailable` instead of hanging (docs/SCALING.md).
pub async fn connect_replica(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(3))
        .acquire_timeout(Duration::from_secs(3))
        .max_connections(20)
        .connect_lazy(true)
        .map_sqlx_postgres_opts(|o| o.options([("jit", "off"), ("default_transaction_read_only", "on")]));
    Database::connect(options).await
}

/// For `make bench`: counts every statement the pool sends (sea-orm's metric callback, which
/// sees each query and execute, inside transactions too, but not BEGIN and COMMIT) and writes
/// the running count to `path` ten times a second, so the bench divides counted statements by
/// the requests it made instead of estimating them. Set by `QUALIFY_STATEMENT_COUNT_FILE`.
pub fn count_statements(db: &mut DatabaseConnection, path: std::path::PathBuf) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    db.set_metric_callback(|_| {
        COUNT.fetch_add(1, Ordering::Relaxed);
    });
    tokio::spawn(async move {
        // Written aside and renamed, so a reader never sees a half-written (empty) file.
        let aside = path.with_extension("tmp");
        loop {
            let written = std::fs::write(&aside, COUNT.load(Ordering::Relaxed).to_string())
                .and_then(|()| std::fs::rename(&aside, &path));
            if let Err(error) = written {
                tracing::warn!(%error, "failed to write the statement count");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
}

/// Applies every pending migration; a no-op on a current schema.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// How many migrations have not been applied yet.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.len())
}

/// Writes a consistent copy of a SQLite database to `target` while the server keeps serving.
///
/// `VACUUM INTO` reads one snapshot inside a read transaction, so the copy holds every commit
/// made before it began and none made during it: no torn ledger chain, no half-issued
/// certificate. Copying the `.db` file by hand is not safe in WAL mode (recent commits live in
/// the `-wal` file until a checkpoint). An existing `target` is refused rather than
/// overwritten, so a backup never destroys the previous one. The path is written as an SQL
/// string literal, its single quotes doubled (SQLite's only escape inside a literal).
///
/// PostgreSQL has its own online, consistent dump (`pg_dump -Fc`, restored with `pg_restore`;
/// see docs/RELIABILITY.md), so this refuses it with one line saying so instead of doing a
/// worse copy itself.
pub async fn backup(db: &DatabaseConnection, target: &Path) -> anyhow::Result<()> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {}
        DbBackend::Postgres => anyhow::bail!(
            "backup copies SQLite only; back up PostgreSQL with `pg_dump -Fc` and restore with `pg_restore` (docs/RELIABILITY.md)"
        ),
        other => anyhow::bail!("backup does not support {other:?} databases"),
    }
    if target.symlink_metadata().is_ok() {
        anyhow::bail!("{} already exists; a backup never overwrites a file", target.display());
    }
    let path = target.to_str().with_context(|| format!("{} is not valid UTF-8", target.display()))?;
    db.execute_unprepared(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
        .await
        .with_context(|| format!("failed to back up the database into {}", target.display()))?;
    Ok(())
}
