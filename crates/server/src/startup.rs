//! Building the HTTP server: state built once, a listener bound (port 0 in tests), middleware.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use kernel::Clock;
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::JwtKeys;
use crate::config::Settings;
use crate::contract::{self, Contract};
use crate::credential::CredentialKeys;
use crate::routes::teachers::IMPORT_LIMIT;
use crate::state::AppState;
use crate::web_app::WebApp;
use crate::{db, extract, fallback, lang, openapi, pipeline, rate, routes, security};

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds `settings.bind` and prepares the server. Refuses a database that is not fully
    /// migrated: migrations are their own command, never run implicitly by a replica.
    pub async fn build(
        settings: Settings,
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let pending = db::pending_migrations(&db).await.context("failed to read the migration state")?;
        if pending > 0 {
            anyhow::bail!(
                "the database is not fully migrated ({pending} pending); run `qualify migrate` first"
            );
        }
        let listener =
            TcpListener::bind(settings.bind).with_context(|| format!("failed to bind {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        if settings.background_jobs {
            spawn_background_jobs(&db, &clock, &settings)?;
        }
        let credentials = Arc::new(CredentialKeys::load_or_create(&settings.signing_key_dir, clock.now())?);
        let verify_limiter = rate::per_minute(settings.verify_per_minute);
        let login_limiter = rate::per_minute(settings.login_per_minute);
        let ledger = pipeline::ledger();
        let progress = courses::progress_writer(db.clone(), ledger, settings.progress);
        let answers = exams::answer_writer(db.clone());
        let replica = match &settings.report_database_url {
            Some(url) => {
                Some(db::connect_replica(url).await.context("failed to set up the report replica's pool")?)
            }
            None => None,
        };
        let state = web::Data::new(AppState {
            jwt: JwtKeys::new(&settings.jwt_secret)?,
            actors: Arc::default(),
            progress,
            answers,
            ledger,
            db,
            replica,
            clock,
            settings,
            credentials,
            verify_limiter,
            login_limiter,
        });
        let contract = web::Data::new(Contract::new(&openapi::document()));
        let web_app = web::Data::new(WebApp::load(&state.settings.web_dir).with_context(|| {
            format!("failed to read the web app in {}", state.settings.web_dir.display())
        })?);
        let cors_origins: Vec<String> = std::iter::once(state.settings.public_url.clone())
            .chain(state.settings.cors_origins.clone())
            .collect();
        let server = HttpServer::new(move || {
            let (app, api) = App::new()
                .into_utoipa_app()
                .openapi(openapi::base())
                .app_data(state.clone())
                .app_data(contract.clone())
                .app_data(web_app.clone())
                .app_data(extract::json_config())
                .app_data(extract::query_config())
                .app_data(extract::path_config())
                .app_data(web::PayloadConfig::new(IMPORT_LIMIT))
                .configure(routes::all)
                .split_for_parts();
            app.service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", openapi::complete(api)))
                .route(
                    "/docs",
                    web::get().to(|| async {
                        HttpResponse::Found().insert_header(("Location", "/docs/")).finish()
                    }),
                )
                .default_service(web::to(contract::unrouted))
                .wrap(from_fn(contract::strict_query))
                .wrap(fallback::problem_errors())
                .wrap(from_fn(lang::detect))
                .wrap(from_fn(security::headers))
                .wrap(security::cors(&cors_origins))
                .wrap(TracingLogger::default())
        })
        .listen(listener)?
        .run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Starts the background jobs: the mail sender (every 5 s); every 30 s, submitting exam
/// attempts left past their deadline and queueing due reminders and expiry notices; and once a
/// day, re-judging every teacher against the rule set in force so what became due is issued.
/// Safe on several instances: mail is claimed by one worker, submitting is idempotent, scheduled
/// mail has dedup keys and reassessment issues a level once.
pub fn spawn_background_jobs(
    db: &DatabaseConnection,
    clock: &Arc<dyn Clock>,
    settings: &Settings,
) -> anyhow::Result<()> {
    let sender = settings.mail_sender()?;
    tokio::spawn(notify::run(db.clone(), clock.clone(), sender, std::time::Duration::from_secs(5)));
    let (daily_db, daily_clock) = (db.clone(), clock.clone());
    tokio::spawn(async move {
        // A day after start, then daily: a start (or a restart under load) does no extra work.
        let day = std::time::Duration::from_secs(24 * 3600);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + day, day);
        loop {
            tick.tick().await;
            if let Err(error) = certification::reassess(&daily_db, daily_clock.now(), None).await {
                tracing::warn!(%error, "daily reassessment failed");
            }
        }
    });
    let (db, clock, required) = (db.clone(), clock.clone(), settings.research_events_per_year);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        loop {
            tick.tick().await;
            let now = clock.now();
            let results = [
                exams::submit_overdue(&db, &pipeline::ledger(), now).await.map(|_| ()),
                courses::enqueue_session_reminders(&db, now).await.map(|_| ()),
                research::enqueue_event_reminders(&db, now).await.map(|_| ()),
                research::enqueue_behind_pace(&db, now, required).await.map(|_| ()),
                certification::enqueue_expiry_notices(&db, now).await.map(|_| ()),
            ];
            for error in results.into_iter().filter_map(Result::err) {
                tracing::warn!(%error, "background job failed");
            }
        }
    });
    Ok(())
}
