//! A semester of history for the demo prefecture, so that `make run` opens on reports and
//! charts with real shapes instead of zeros: ledger entries, exam attempts and certificates
//! (some expired, a few revoked), generated through the same machinery as `--scale`; then,
//! through the domain services at the times they happened, teaching-research events with their
//! attendance (`events/`), MH workload (`workload.rs`), titles, research officers and other
//! subjects (`recognition.rs`). The demo login `teacher` is left untouched: it is the one
//! people (and the browser tests) use to reach C by doing the work.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use kernel::{Actor, Level, Role, Scope};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::DatabaseConnection;

use crate::cast::members;
use crate::events::research_history;
use crate::recognition::recognition_history;
use crate::scale::{Span, certificates, history};
use crate::workload::workload_history;

/// What the history added; all zero when it was there already.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HistoryReport {
    pub entries: u64,
    pub certificates: u64,
    pub attempts: u64,
    pub revoked: u64,
    /// Teaching-research events held, and attendances that earned their hours.
    pub events: u64,
    pub attendances: u64,
    /// MH workload entries confirmed, sent back and still waiting for the school.
    pub workload_confirmed: u64,
    pub workload_rejected: u64,
    pub workload_pending: u64,
    /// Recognised titles granted, and how many of them were revoked since.
    pub titles: u64,
    pub titles_revoked: u64,
    pub research_officers: u64,
    /// Full-time MH teachers who also teach another subject.
    pub other_subject: u64,
}

impl std::fmt::Display for HistoryReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "demo history: {} ledger entries, {} certificates ({} revoked), {} exam attempts, \
             {} research events ({} attendances earning hours), {} workload entries confirmed \
             ({} sent back, {} pending), {} titles ({} revoked), {} research officers, \
             {} full-time MH teachers teaching another subject",
            self.entries,
            self.certificates,
            self.revoked,
            self.attempts,
            self.events,
            self.attendances,
            self.workload_confirmed,
            self.workload_rejected,
            self.workload_pending,
            self.titles,
            self.titles_revoked,
            self.research_officers,
            self.other_subject
        )
    }
}

/// Loads the demo (if needed), then the history before `now` (a semester of ledger and
/// certificates; research since the start of last year) for every demo teacher but the demo
/// login; running it again adds nothing. Hours go through `ledger`, the server's one pipeline,
/// so what they complete is issued as in production.
pub async fn load_history(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
) -> anyhow::Result<HistoryReport> {
    crate::load_demo(db).await?;
    let (prefecture, path) = directory::org_unit_by_code(db, "ES").await?.context("no prefecture")?;
    let system = Actor {
        account_id: 0,
        role: Role::Admin,
        scope: Scope::Subtree { org_unit_id: prefecture.id, path: path.clone() },
    };
    let everyone = directory::teachers_with_roles(db, &path).await?;
    let ids: Vec<i64> = everyone.iter().map(|t| t.id).collect();
    let login = crate::demo_teacher_employee_no()?;
    let people: Vec<directory::Teacher> = directory::teachers_by_ids(db, &ids)
        .await
        .map_err(crate::describe)?
        .into_iter()
        .filter(|t| t.employee_no != login)
        .collect();
    let numbered: Vec<(i64, String)> = people.iter().map(|t| (t.id, t.employee_no.clone())).collect();
    let teachers: Vec<directory::RosterTeacher> =
        everyone.into_iter().filter(|t| numbered.iter().any(|(id, _)| *id == t.id)).collect();
    let cast = members(&people, &teachers);
    let Some(&(first, _)) = numbered.first() else { return Ok(HistoryReport::default()) };
    let already = credit::hours_by_category(db, first, &credit::EntryWindow::default())
        .await
        .map_err(crate::describe)?;
    if !already.is_empty() {
        return Ok(HistoryReport::default());
    }
    let mut rng = StdRng::seed_from_u64(20260901);
    let today = kernel::china_date(now);
    let semester = Span { first: today - Duration::days(180), last: today - Duration::days(1) };
    let mut report =
        HistoryReport { entries: history(db, &numbered, 3, semester, &mut rng).await?, ..Default::default() };

    // Most certificates of the semester; one teacher in twenty holds a C from six years ago,
    // long expired.
    let (old, recent): (Vec<_>, Vec<_>) = teachers.into_iter().partition(|_| rng.random_bool(0.05));
    let long_ago =
        Span { first: today - Duration::days(6 * 365), last: today - Duration::days(5 * 365 + 30) };
    let (issued, attempts) = certificates(db, recent, semester, &mut rng).await?;
    let (expired, old_attempts) = certificates(db, old, long_ago, &mut rng).await?;
    (report.certificates, report.attempts) = (issued + expired, attempts + old_attempts);

    // A few revoked, as an admin would, with the reason on record.
    let listed = certification::certificates(
        db,
        now,
        &system,
        certification::CertificateFilter {
            level: Some(Level::C),
            status: Some(certification::CertificateStatus::Active),
            ..Default::default()
        },
        kernel::PageRequest::parse(None, Some(200))?,
    )
    .await
    .map_err(crate::describe)?;
    for certificate in listed.items.iter().step_by(40).take(4) {
        let reason = certification::Revocation { reason: "培训学时经核查系重复登记".to_owned() };
        certification::revoke(db, now, &system, certificate.id, reason).await.map_err(crate::describe)?;
        report.revoked += 1;
    }

    let counties = directory::counties_under(db, &path).await.map_err(crate::describe)?;
    let tree = (&prefecture, counties.as_slice());
    (report.events, report.attendances) =
        research_history(db, ledger, now, &system, tree, &cast, &mut rng).await?;
    let logged = workload_history(db, now, &system, &cast, &mut rng).await?;
    (report.workload_confirmed, report.workload_rejected, report.workload_pending) =
        (logged.confirmed, logged.rejected, logged.pending);
    let recognised = recognition_history(db, now, &system, tree, &cast, &mut rng).await?;
    report.titles = recognised.titles;
    report.titles_revoked = recognised.titles_revoked;
    report.research_officers = recognised.officers;
    report.other_subject = recognised.other_subject;
    Ok(report)
}
