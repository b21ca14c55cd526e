//! Reassessment: judging teachers again when something other than a new ledger entry changes
//! what they have earned — a rule set put in force, certificates or hours imported, or the
//! daily run of `qualify reassess` — and issuing what is due. One transaction per teacher
//! (holding the teacher's chain lock, like any post), and idempotent: a level already held is
//! never issued twice, so running it again issues nothing.

use chrono::{DateTime, Utc};
use kernel::Result;
use sea_orm::DatabaseConnection;
use serde::Serialize;

use super::issue::issue_automatic;
use super::rule_sets::in_force;

/// How a reassessment went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reassessment {
    /// Teachers judged again.
    #[cfg_attr(feature = "openapi", schema(example = 1520))]
    pub reassessed: u64,
    /// Certificates issued because they were due.
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub issued: u64,
}

/// Re-judges these teachers (all with a ledger when `None`) under the rule set in force and
/// issues every automatic level now due.
pub async fn reassess(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    teachers: Option<&[i64]>,
) -> Result<Reassessment> {
    let Some(rules) = in_force(db).await? else { return Ok(Reassessment::default()) };
    let all;
    let teachers = match teachers {
        Some(given) => given,
        None => {
            all = credit::teachers_with_ledger(db).await?;
            &all[..]
        }
    };
    let mut out = Reassessment::default();
    for &teacher_id in teachers {
        let txn = kernel::begin_write(db).await?;
        credit::lock_chain(&txn, teacher_id).await?;
        out.issued += issue_automatic(&txn, now, teacher_id, &rules).await?;
        txn.commit().await?;
        out.reassessed += 1;
    }
    Ok(out)
}
