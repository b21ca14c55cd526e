//! Building the HTTP server: state built once, a listener bound (port 0 in tests), middleware.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use kernel::Clock;
use sea_orm::DatabaseConnection;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::JwtKeys;
use crate::config::Settings;
use crate::routes::teachers::IMPORT_LIMIT;
use crate::state::AppState;
use crate::{db, extract, fallback, lang, openapi, routes};

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
        spawn_sweeper(db.clone(), clock.clone());
        let state =
            web::Data::new(AppState { jwt: JwtKeys::new(&settings.jwt_secret)?, db, clock, settings });
        let server = HttpServer::new(move || {
            let (app, api) = App::new()
                .into_utoipa_app()
                .openapi(openapi::base())
                .app_data(state.clone())
                .app_data(extract::json_config())
                .app_data(extract::query_config())
                .app_data(extract::path_config())
                .app_data(web::PayloadConfig::new(IMPORT_LIMIT))
                .configure(routes::all)
                .split_for_parts();
            app.service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", api))
                .route(
                    "/docs",
                    web::get().to(|| async {
                        HttpResponse::Found().insert_header(("Location", "/docs/")).finish()
                    }),
                )
                .wrap(fallback::problem_errors())
                .wrap(from_fn(lang::detect))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "no-referrer")),
                )
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

/// Submits exam attempts left past their deadline every 30 s, so an abandoned attempt is
/// graded even if nobody opens it again. Safe on several instances: submitting is idempotent.
fn spawn_sweeper(db: DatabaseConnection, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        loop {
            tick.tick().await;
            if let Err(error) = exams::submit_overdue(&db, clock.now()).await {
                tracing::warn!(%error, "failed to submit overdue exam attempts");
            }
        }
    });
}
