//! What every handler shares, built once at start-up.

use std::sync::Arc;

use kernel::Clock;
use sea_orm::DatabaseConnection;

use crate::auth::JwtKeys;
use crate::config::Settings;

/// Shared application state, registered as `web::Data<AppState>`.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub jwt: JwtKeys,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
}
