//! One event held through the real attendance flow, at the times it took place: the event
//! announced, teachers registering and scanning the code in and out, the organiser marking a
//! forgotten check-out and a late paper sheet by hand and closing it, which posts the hours.

use attendance::{AttendanceStatus, Closing, Scan};
use chrono::{DateTime, Duration, Utc};
use kernel::Actor;
use rand::Rng;
use rand::rngs::StdRng;
use research::{Events, NewEvent};
use sea_orm::DatabaseConnection;

use crate::cast::Member;

/// What became of one registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Scanned in before the start and out in the closing window.
    Present,
    /// Came at half time: partial, no hours.
    CameLate,
    /// Forgot to scan out; the organiser marks them present before closing.
    NoCheckOut,
    /// The phone failed; the paper sheet is entered after the event was closed.
    PaperSheet,
    NoShow,
}

impl Outcome {
    fn draw(rng: &mut StdRng) -> Self {
        match rng.random_range(0..100) {
            0..80 => Outcome::Present,
            80..85 => Outcome::CameLate,
            85..90 => Outcome::NoCheckOut,
            90..93 => Outcome::PaperSheet,
            _ => Outcome::NoShow,
        }
    }

    fn earns_hours(self) -> bool {
        matches!(self, Outcome::Present | Outcome::NoCheckOut | Outcome::PaperSheet)
    }
}

/// Holds one event: announced two weeks ahead, sign-ups a week ahead, scans at the event,
/// a forgotten check-out marked and the event closed after it, a paper sheet two days later.
/// Returns how many attendances earned the hours.
pub(super) async fn hold(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    system: &Actor,
    (body, attendees): (&NewEvent, &[&Member]),
    rng: &mut StdRng,
) -> anyhow::Result<u64> {
    let (starts_at, ends_at) = (body.starts_at, body.ends_at);
    let announced = starts_at - Duration::days(14);
    let event = research::create_event(db, announced, system, body.clone()).await.map_err(crate::describe)?;
    let registrants: Vec<(&Member, Outcome)> = attendees.iter().map(|&m| (m, Outcome::draw(rng))).collect();
    for (member, _) in &registrants {
        attendance::register(db, &Events, starts_at - Duration::days(7), &member.actor, event.id, None)
            .await
            .map_err(crate::describe)?;
    }
    for (member, outcome) in &registrants {
        for (at, scan) in scans(*outcome, (starts_at, ends_at), rng) {
            let code =
                attendance::sign_in_code(db, &Events, at, system, event.id).await.map_err(crate::describe)?;
            attendance::check(db, &Events, at, &member.actor, event.id, &code.code, scan)
                .await
                .map_err(crate::describe)?;
        }
    }
    let by_hand = |wanted: Outcome| registrants.iter().filter(move |(_, o)| *o == wanted).map(|(m, _)| m.id);
    for teacher in by_hand(Outcome::NoCheckOut) {
        let reason = "未签退，经主持人核实全程在场";
        mark(db, ledger, ends_at + Duration::minutes(30), system, (event.id, teacher), reason).await?;
    }
    attendance::close(
        db,
        ledger,
        &Events,
        ends_at + Duration::hours(1),
        system,
        event.id,
        Closing::default(),
    )
    .await
    .map_err(crate::describe)?;
    for teacher in by_hand(Outcome::PaperSheet) {
        let reason = "手机签到失败，据纸质签到表补录";
        mark(db, ledger, (ends_at + Duration::days(2)).min(now), system, (event.id, teacher), reason).await?;
    }
    Ok(registrants.iter().filter(|(_, o)| o.earns_hours()).count() as u64)
}

/// The scans a registrant makes, when.
fn scans(
    outcome: Outcome,
    (starts_at, ends_at): (DateTime<Utc>, DateTime<Utc>),
    rng: &mut StdRng,
) -> Vec<(DateTime<Utc>, Scan)> {
    let early = starts_at - Duration::minutes(rng.random_range(1..=20));
    let leaving = ends_at - Duration::minutes(rng.random_range(1..=10));
    match outcome {
        Outcome::Present => vec![(early, Scan::In), (leaving, Scan::Out)],
        Outcome::CameLate => vec![(starts_at + (ends_at - starts_at) / 2, Scan::In), (leaving, Scan::Out)],
        Outcome::NoCheckOut => vec![(early, Scan::In)],
        Outcome::PaperSheet | Outcome::NoShow => Vec::new(),
    }
}

/// The organiser marks a teacher present by hand, with the reason on record.
async fn mark(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    at: DateTime<Utc>,
    system: &Actor,
    (event_id, teacher_id): (i64, i64),
    reason: &str,
) -> anyhow::Result<()> {
    let marked = attendance::HandMark { teacher_id, status: AttendanceStatus::Present, reason };
    attendance::mark_by_hand(db, ledger, &Events, at, system, event_id, marked)
        .await
        .map_err(crate::describe)?;
    Ok(())
}
