//! What every handler shares, built once at start-up.

use std::sync::Arc;

use kernel::Clock;
use sea_orm::DatabaseConnection;

use crate::auth::{ActorCache, JwtKeys};
use crate::config::Settings;
use crate::credential::CredentialKeys;
use crate::error::{ApiError, ApiResult};
use crate::rate::AddressLimiter;

/// Shared application state, registered as `web::Data<AppState>`.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// The streaming replica HR search, exports and reports read from, when configured.
    pub replica: Option<DatabaseConnection>,
    pub jwt: JwtKeys,
    /// Callers' actors of the last moment, so a request does not re-read its account.
    pub actors: Arc<ActorCache>,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    pub credentials: Arc<CredentialKeys>,
    /// Public verifications per client address, against enumeration of codes.
    pub verify_limiter: AddressLimiter,
    /// Login attempts per client address, against credential stuffing across accounts.
    pub login_limiter: AddressLimiter,
    /// Credits heartbeat batches of many teachers in shared transactions.
    pub progress: courses::ProgressWriter,
    /// Writes exam autosaves of many candidates in shared transactions.
    pub answers: exams::AnswerWriter,
    /// The ledger every producer posts through, with what a post sets off ([`crate::pipeline`]).
    pub ledger: credit::Ledger,
}

impl AppState {
    /// Where HR search, exports and reports read: the replica when configured, else the
    /// primary. Their audit lines and scope checks still go to the primary (`db`).
    pub fn reports(&self) -> &DatabaseConnection {
        self.replica.as_ref().unwrap_or(&self.db)
    }

    /// A report's outcome, with the replica's absence said as such: when a read fails and the
    /// replica does not answer a ping, 503 `report_database_unavailable` (with `Retry-After`),
    /// never a silent fall back to the primary, whose capacity the replica exists to protect.
    pub async fn reported<T>(&self, outcome: kernel::Result<T>) -> ApiResult<T> {
        match (outcome, &self.replica) {
            (Err(kernel::Error::Db(cause)), Some(replica)) if replica.ping().await.is_err() => {
                tracing::error!(%cause, "the report replica is unreachable");
                Err(ApiError::request(
                    actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                    "report_database_unavailable",
                    kernel::Text::fixed(
                        "报表数据库暂时不可用，请稍后重试；学习与考试不受影响",
                        "the report database is unavailable; retry shortly (learning and exams are unaffected)",
                    ),
                ))
            }
            (outcome, _) => Ok(outcome?),
        }
    }
}
