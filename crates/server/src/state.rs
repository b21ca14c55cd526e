//! What every handler shares, built once at start-up.

use std::sync::Arc;

use kernel::Clock;
use sea_orm::DatabaseConnection;

use crate::auth::JwtKeys;
use crate::config::Settings;
use crate::credential::CredentialKeys;
use crate::rate::AddressLimiter;

/// Shared application state, registered as `web::Data<AppState>`.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub jwt: JwtKeys,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub credentials: Arc<CredentialKeys>,
    /// Public verifications per client address, against enumeration of codes.
    pub verify_limiter: AddressLimiter,
    /// Login attempts per client address, against credential stuffing across accounts.
    pub login_limiter: AddressLimiter,
    /// Credits heartbeat batches of many teachers in shared transactions.
    pub progress: courses::ProgressWriter,
}
