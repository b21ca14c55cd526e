use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use kernel::{Clock, Result};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, Statement};

use crate::entity::outbox_message;
use crate::sender::Sender;

/// Attempts before a message is marked failed for an admin to look at.
pub const MAX_ATTEMPTS: i32 = 6;
/// How long a claimed message belongs to its worker; a worker that dies mid-send leaves it to be
/// claimed again after this.
pub const LEASE: Duration = Duration::minutes(5);
const BATCH: i64 = 20;

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: u32,
    pub retrying: u32,
    pub failed: u32,
}

/// Waits 30 s after the first failure, doubling up to an hour.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 8) - 1;
    (Duration::seconds(30) * 2_i32.pow(exponent as u32)).min(Duration::hours(1))
}

/// Claims due messages for this worker alone. PostgreSQL skips rows another worker has locked;
/// SQLite serialises writers, so its single `UPDATE … RETURNING` is atomic by itself.
async fn claim(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<outbox_message::Model>> {
    let backend = db.get_database_backend();
    let (placeholders, lock) = match backend {
        DatabaseBackend::Postgres => (["$1", "$2", "$3", "$4"], " FOR UPDATE SKIP LOCKED"),
        _ => (["?", "?", "?", "?"], ""),
    };
    let [lease, due, expired, limit] = placeholders;
    let sql = format!(
        "UPDATE outbox_message SET status = 'sending', lease_until = {lease}, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox_message \
           WHERE (status = 'pending' AND next_attempt_at <= {due}) OR (status = 'sending' AND lease_until < {expired}) \
           ORDER BY id LIMIT {limit}{lock}) \
         RETURNING *"
    );
    let statement = Statement::from_sql_and_values(
        backend,
        sql,
        [(now + LEASE).into(), now.into(), now.into(), BATCH.into()],
    );
    Ok(outbox_message::Entity::find().from_raw_sql(statement).all(db).await?)
}

/// Claims and sends what is due: sent mail is marked sent; a failure waits with backoff, and
/// after [`MAX_ATTEMPTS`] is marked failed with its last error.
pub async fn deliver_due(db: &DatabaseConnection, now: DateTime<Utc>, sender: &Sender) -> Result<Delivery> {
    let mut round = Delivery::default();
    for message in claim(db, now).await? {
        let id = message.id;
        let update = outbox_message::Entity::update_many().filter(outbox_message::Column::Id.eq(id));
        let update = match sender.send(&message).await {
            Ok(()) => {
                round.sent += 1;
                update
                    .col_expr(outbox_message::Column::Status, Expr::value("sent"))
                    .col_expr(outbox_message::Column::SentAt, Expr::value(Some(now)))
            }
            Err(error) => {
                tracing::warn!(message = id, %error, "mail not sent");
                let gave_up = message.attempts >= MAX_ATTEMPTS;
                if gave_up {
                    round.failed += 1
                } else {
                    round.retrying += 1
                }
                update
                    .col_expr(
                        outbox_message::Column::Status,
                        Expr::value(if gave_up { "failed" } else { "pending" }),
                    )
                    .col_expr(
                        outbox_message::Column::NextAttemptAt,
                        Expr::value(now + backoff(message.attempts)),
                    )
                    .col_expr(outbox_message::Column::LastError, Expr::value(Some(error)))
            }
        };
        update
            .col_expr(outbox_message::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .exec(db)
            .await?;
    }
    Ok(round)
}

/// The sender loop of `qualify serve` and `qualify worker`: a round every few seconds, for ever.
pub async fn run(db: DatabaseConnection, clock: Arc<dyn Clock>, sender: Sender, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(error) = deliver_due(&db, clock.now(), &sender).await {
            tracing::warn!(%error, "mail delivery round failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::minutes(8));
        assert_eq!(backoff(20), Duration::hours(1));
    }
}
