//! MH teachers' counselling and MH work over the demo's semester, logged by the teachers and
//! decided by the school's admin through the research service, as on the desk: most entries
//! confirmed (so the workload report shows class hours), a few sent back with a reason, the
//! last days' still waiting.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use kernel::Actor;
use rand::Rng;
use rand::rngs::StdRng;
use research::{NewWorkload, WorkloadKind};
use sea_orm::DatabaseConnection;

use crate::cast::Member;
use crate::scale::Span;

/// Each kind of work: how long it takes (minutes) and what teachers write about it (never who).
const WORK: [(WorkloadKind, (u32, u32), [&str; 3]); 4] = [
    (
        WorkloadKind::IndividualCounseling,
        (30, 60),
        ["个体心理辅导（学业压力）", "个体心理辅导（人际关系）", "个体心理辅导（情绪困扰）"],
    ),
    (
        WorkloadKind::GroupCounseling,
        (40, 90),
        ["初二年级团体心理辅导", "高一新生适应团体辅导", "毕业班考前减压团体辅导"],
    ),
    (
        WorkloadKind::MhClass,
        (40, 45),
        ["心理健康教育课：认识情绪", "心理健康教育课：学会合作", "心理健康教育课：珍爱生命"],
    ),
    (
        WorkloadKind::Activity,
        (60, 120),
        ["“5·25”心理健康活动周主题活动", "家长心理健康讲座", "班级心理委员培训"],
    ),
];

/// What the history logged: confirmed, sent back and still pending entries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Logged {
    pub confirmed: u64,
    pub rejected: u64,
    pub pending: u64,
}

/// Logs and decides the semester's work of the MH members: four to eight entries for each
/// full-time MH teacher, up to three for half of the part-time ones; each teacher's first in
/// the current term, so this term's report is never empty.
pub(crate) async fn workload_history(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    system: &Actor,
    members: &[Member],
    rng: &mut StdRng,
) -> anyhow::Result<Logged> {
    let yesterday = kernel::china_date(now) - Duration::days(1);
    let term = Span { first: term_start(yesterday), last: yesterday };
    let semester = Span { first: yesterday - Duration::days(180), last: yesterday };
    let mut logged = Logged::default();
    for member in members.iter().filter(|m| m.mh()) {
        let entries = match (member.fulltime(), rng.random_bool(0.5)) {
            (true, _) => rng.random_range(4..=8),
            (false, true) => rng.random_range(1..=3),
            (false, false) => continue,
        };
        for i in 0..entries {
            let day =
                if i == 0 { term.day_from(term.first, rng) } else { semester.day_from(semester.first, rng) };
            log_and_decide(db, now, system, member, day, rng, &mut logged).await?;
        }
    }
    Ok(logged)
}

/// The first day of the term `day` falls in: 1 February (spring) or 1 August (autumn).
fn term_start(day: NaiveDate) -> NaiveDate {
    let (year, month) = match day.month() {
        1 => (day.year() - 1, 8),
        2..=7 => (day.year(), 2),
        _ => (day.year(), 8),
    };
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(day)
}

/// One entry, logged the evening of `day`; decided two days later unless that is still to come.
async fn log_and_decide(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    system: &Actor,
    member: &Member,
    day: NaiveDate,
    rng: &mut StdRng,
    logged: &mut Logged,
) -> anyhow::Result<()> {
    let (kind, (shortest, longest), notes) = WORK[rng.random_range(0..WORK.len())];
    let evening = day.and_hms_opt(10, 0, 0).unwrap_or_default().and_utc();
    let work = NewWorkload {
        date: day,
        kind,
        minutes: rng.random_range(shortest..=longest),
        note: notes[rng.random_range(0..notes.len())].to_owned(),
    };
    let entry = research::log_workload(db, evening, &member.actor, work).await.map_err(crate::describe)?;
    let decided_at = evening + Duration::days(2);
    if decided_at > now {
        logged.pending += 1;
        return Ok(());
    }
    let confirm = rng.random_bool(0.92);
    let reason = (!confirm).then(|| "与课表及辅导记录不符，请核实后重新填报".to_owned());
    research::decide_workload(db, decided_at, system, entry.id, confirm, reason)
        .await
        .map_err(crate::describe)?;
    if confirm {
        logged.confirmed += 1;
    } else {
        logged.rejected += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_term_starts_in_february_or_august_and_january_belongs_to_the_autumn_before() {
        assert_eq!(term_start(day(2026, 12, 7)), day(2026, 8, 1));
        assert_eq!(term_start(day(2027, 1, 31)), day(2026, 8, 1));
        assert_eq!(term_start(day(2027, 2, 1)), day(2027, 2, 1));
        assert_eq!(term_start(day(2027, 7, 31)), day(2027, 2, 1));
        assert_eq!(term_start(day(2027, 8, 1)), day(2027, 8, 1));
    }
}
