//! `qualify`: migrate, seed, serve, print the OpenAPI document.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use kernel::SystemClock;
use server::config::Settings;
use server::{db, openapi, startup::Application};

#[derive(Parser)]
#[command(name = "qualify", about = "心育 Qualify: teachers' mental-health-education qualification")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply all pending migrations (idempotent).
    Migrate,
    /// Load data: `--demo` the demo prefecture (with `--history`, a semester of generated
    /// history so reports show real shapes); `--scale prefecture|province` generated data for
    /// benchmarks on top of it (all idempotent).
    Seed {
        #[arg(long)]
        demo: bool,
        #[arg(long)]
        history: bool,
        #[arg(long, value_parser = ["prefecture", "province"])]
        scale: Option<String>,
    },
    /// Serve the API (the database must be migrated).
    Serve,
    /// Print the OpenAPI document.
    Openapi,
    /// Run the background jobs (mail, reminders, overdue attempts) apart from serving; pair it
    /// with `serve` under QUALIFY_BACKGROUND_JOBS=0.
    Worker,
    /// Judge every teacher again under the rule set in force and issue what is due (idempotent;
    /// run it daily, and after importing certificates or hours).
    Reassess,
    /// Add a newer credential signing key; it signs from now on and older keys stay published.
    RotateSigningKey,
    /// Write a consistent copy of the SQLite database to FILE while serving goes on (an
    /// existing FILE is refused). PostgreSQL is backed up with `pg_dump -Fc` instead; the
    /// signing keys (QUALIFY_SIGNING_KEY_DIR) are not in the database: back them up apart.
    Backup {
        /// Where to write the copy; must not exist yet.
        file: std::path::PathBuf,
    },
}

/// Large allocations (an argon2 hash takes 19 MiB) are mapped and unmapped on free. Left to
/// itself, glibc raises its mmap threshold after the first such free and keeps the next ones in
/// per-thread arenas, so a burst of logins on the blocking pool left hundreds of MiB resident.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_allocations() {
    // SAFETY: `mallopt` only sets an allocator parameter; called once before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_allocations() {}

fn main() -> ExitCode {
    return_large_allocations();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(start()),
        Err(error) => {
            eprintln!("qualify: cannot start the runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> ExitCode {
    // Request spans are printed when they close: one access-log line per request, with its
    // route, status and time (never headers or bodies, so no token or password).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("QUALIFY_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into()),
        )
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse().command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("qualify: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    if let Command::Openapi = command {
        use std::io::Write;
        let json = openapi::document().to_pretty_json()?;
        return Ok(writeln!(std::io::stdout().lock(), "{json}")?);
    }
    let settings = Settings::from_env()?;
    let connection = db::connect(&settings.database_url).await?;
    match command {
        Command::Migrate => {
            db::migrate(&connection).await?;
            println!("database is up to date");
        }
        Command::Seed { demo, history, scale } => match scale.as_deref() {
            Some(size) => {
                let scale = if size == "province" { seed::Scale::Province } else { seed::Scale::Prefecture };
                let report = seed::load_scale(&connection, scale).await?;
                println!(
                    "generated {} schools, {} teachers, {} ledger entries, {} certificates, {} exam attempts",
                    report.schools, report.teachers, report.entries, report.certificates, report.attempts
                );
            }
            None => {
                anyhow::ensure!(
                    demo,
                    "say what to load: `qualify seed --demo` or `--scale prefecture|province`"
                );
                println!("{}", seed::load_demo(&connection).await?);
                if history {
                    println!(
                        "{}",
                        seed::load_history(&connection, &server::pipeline::ledger(), chrono::Utc::now())
                            .await?
                    );
                }
            }
        },
        Command::Serve => {
            settings.check_for_serving()?;
            let public_url = settings.public_url.clone();
            let mut connection = connection;
            if let Some(path) = std::env::var_os("QUALIFY_STATEMENT_COUNT_FILE") {
                db::count_statements(&mut connection, path.into());
            }
            let app = Application::build(settings, connection, Arc::new(SystemClock)).await?;
            tracing::info!("serving on {public_url} (API docs at {public_url}/docs/)");
            app.run_until_stopped().await?;
        }
        Command::Worker => {
            let clock: Arc<dyn kernel::Clock> = Arc::new(SystemClock);
            server::startup::spawn_background_jobs(&connection, &clock, &settings)?;
            tracing::info!("running background jobs");
            tokio::signal::ctrl_c().await?;
        }
        Command::Reassess => {
            let done = certification::reassess(&connection, chrono::Utc::now(), None).await?;
            println!("re-judged {} teachers, issued {} certificates", done.reassessed, done.issued);
        }
        Command::RotateSigningKey => {
            let path = server::credential::create_key(&settings.signing_key_dir, chrono::Utc::now())?;
            println!("new signing key {}", path.display());
        }
        Command::Backup { file } => {
            db::backup(&connection, &file).await?;
            println!("backed up the database to {}", file.display());
        }
        Command::Openapi => {}
    }
    Ok(())
}
