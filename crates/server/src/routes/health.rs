use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// Liveness and database reachability, for load balancers and monitoring.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    #[schema(example = "ok")]
    pub database: &'static str,
}

/// Health check
///
/// 200 when the database answers, 503 (with `database: "unreachable"`) when it does not.
#[utoipa::path(operation_id = "getHealth", 
    tag = "system",
    responses(
        (status = 200, description = "Serving, database reachable", body = Health),
        (status = 503, description = "Database unreachable", body = Health,
         example = json!({"status": "degraded", "database": "unreachable"})),
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let reachable = state.db.execute_unprepared("SELECT 1").await.is_ok();
    if reachable {
        HttpResponse::Ok().json(Health { status: "ok", database: "ok" })
    } else {
        HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
            .json(Health { status: "degraded", database: "unreachable" })
    }
}
