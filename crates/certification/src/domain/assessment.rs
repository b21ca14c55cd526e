//! Judging a teacher, pure: every level of a rule set against the evidence read beforehand
//! (certificates, ledger entries, roles, exam passes, practice), so the judgement is the same
//! function wherever it is asked for — progress screens, automatic issuance, applications,
//! renewals — and is tested without a database.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use credit::{ByDelivery, EntryFact};
use directory::MhRole;
use kernel::Level;
use rust_decimal::Decimal;
use serde::Serialize;

use super::certificate::{CertificateStatus, status_on};
use super::requirements::{Evidence, Requirement, RequirementKind, requirements};
use super::rules::{Issuance, LevelRule};

/// A certificate is "expiring" this many days before its last valid day.
pub const EXPIRING_WITHIN_DAYS: i64 = 90;

/// One of the teacher's certificates, as judging needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFact {
    pub id: i64,
    pub level: Level,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub revoked_on: Option<NaiveDate>,
    /// Its own ledger entry: the boundary after which hours count toward the level above.
    pub ledger_entry_id: Option<i64>,
}

/// Everything a teacher's levels are judged on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeacherEvidence {
    /// Oldest first.
    pub certificates: Vec<CertificateFact>,
    pub roles: Vec<MhRole>,
    pub entries: Vec<EntryFact>,
    /// The best released passing score per exam.
    pub best_passes: BTreeMap<i64, Decimal>,
    pub counseling_minutes: u32,
    pub mh_lessons: u32,
}

/// Where a teacher stands on one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelProgress {
    pub level: Level,
    /// An active certificate of this level is held today.
    pub held: bool,
    /// The latest certificate of this level, whatever its status.
    #[cfg_attr(feature = "openapi", schema(example = 17))]
    pub certificate_id: Option<i64>,
    pub certificate_status: Option<CertificateStatus>,
    pub expires_on: Option<NaiveDate>,
    /// Held, and within 90 days of its last valid day: time to renew.
    pub expiring: bool,
    pub issuance: Issuance,
    pub requirements: Vec<Requirement>,
    /// The requirements still unmet.
    pub missing: Vec<RequirementKind>,
}

/// One level judged, with what issuing it would record.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub rule: LevelRule,
    pub progress: LevelProgress,
    /// Online plus offline hours counted towards the level.
    pub hours_counted: Decimal,
    /// A certificate of this level was revoked: it is never re-issued automatically.
    pub ever_revoked: bool,
}

impl Judgement {
    /// Not held, and nothing missing.
    pub fn issuable(&self) -> bool {
        !self.progress.held && self.progress.missing.is_empty()
    }

    /// Due for automatic issuance: issuable, automatic, never issued and never revoked.
    pub fn due_automatically(&self) -> bool {
        self.rule.issuance == Issuance::Automatic
            && self.progress.certificate_id.is_none()
            && !self.ever_revoked
            && self.issuable()
    }
}

/// Judges every level of `levels` (lowest first) on `today`. For a level that builds on the one
/// below, only hours earned after the latest certificate of that level count ("64 h more").
pub fn judge(levels: &[LevelRule], evidence: &TeacherEvidence, today: NaiveDate) -> Vec<Judgement> {
    let status = |c: &CertificateFact| status_on(today, c.expires_on, c.revoked_on);
    let latest: BTreeMap<Level, &CertificateFact> =
        evidence.certificates.iter().map(|c| (c.level, c)).collect();
    let highest_held = evidence
        .certificates
        .iter()
        .filter(|c| status(c) == CertificateStatus::Active)
        .map(|c| c.level)
        .max();
    let mut rules: Vec<&LevelRule> = levels.iter().collect();
    rules.sort_by_key(|r| r.level);
    rules
        .into_iter()
        .map(|rule| {
            let last = latest.get(&rule.level).copied();
            let last_status = last.map(status);
            let held = last_status == Some(CertificateStatus::Active);
            let below = rule.prerequisite.and_then(|p| latest.get(&p).copied());
            let boundary = below.map(|c| (c.issued_on, c.ledger_entry_id.unwrap_or(0)));
            let hours =
                ByDelivery::sum(evidence.entries.iter().filter(|e| boundary.is_none_or(|b| e.after(b))));
            let facts = Evidence {
                eligible: rule.eligible_roles.is_empty()
                    || rule.eligible_roles.iter().any(|r| evidence.roles.contains(r)),
                prerequisite_held: highest_held,
                online_hours: hours.online,
                offline_hours: hours.offline,
                exam_score: rule.exam_id.and_then(|exam| evidence.best_passes.get(&exam).copied()),
                counseling_hours: Decimal::from(evidence.counseling_minutes) / Decimal::from(60),
                mh_lessons: evidence.mh_lessons,
                counted_after: below.map(|c| (c.issued_on, c.number.clone())),
            };
            let requirements = requirements(rule, &facts);
            let missing = requirements.iter().filter(|r| !r.met).map(|r| r.kind).collect();
            Judgement {
                hours_counted: facts.online_hours + facts.offline_hours,
                ever_revoked: evidence
                    .certificates
                    .iter()
                    .any(|c| c.level == rule.level && c.revoked_on.is_some()),
                progress: LevelProgress {
                    level: rule.level,
                    held,
                    certificate_id: last.map(|c| c.id),
                    certificate_status: last_status,
                    expires_on: last.map(|c| c.expires_on),
                    expiring: held
                        && last.is_some_and(|c| (c.expires_on - today).num_days() < EXPIRING_WITHIN_DAYS),
                    issuance: rule.issuance,
                    requirements,
                    missing,
                },
                rule: rule.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use credit::Delivery;

    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn rule(level: Level) -> LevelRule {
        LevelRule {
            level,
            online_hours: Decimal::from(2),
            offline_hours: Decimal::from(1),
            exam_id: Some(level as i64 + 100),
            min_score: Some(Decimal::from(60)),
            prerequisite: match level {
                Level::C => None,
                Level::B => Some(Level::C),
                Level::A => Some(Level::B),
            },
            practice_counseling_hours: if level == Level::A { Decimal::from(1) } else { Decimal::ZERO },
            practice_mh_lessons: if level == Level::A { 2 } else { 0 },
            eligible_roles: if level == Level::A { vec![MhRole::MhFulltime] } else { Vec::new() },
            validity_years: 5,
            renewal_hours: Decimal::ZERO,
            issuance: Issuance::Automatic,
        }
    }

    fn rules() -> Vec<LevelRule> {
        vec![rule(Level::A), rule(Level::C), rule(Level::B)]
    }

    fn entry(id: i64, on: NaiveDate, hours: i64, delivery: Delivery) -> EntryFact {
        EntryFact { id, occurred_on: on, hours: Decimal::from(hours), delivery: Some(delivery) }
    }

    fn certificate(id: i64, level: Level, issued_on: NaiveDate, ledger_entry_id: i64) -> CertificateFact {
        CertificateFact {
            id,
            level,
            number: format!("ES-2026-{}-{id:06}", level.as_str().to_uppercase()),
            issued_on,
            expires_on: NaiveDate::from_ymd_opt(2031, 1, 1).unwrap(),
            revoked_on: None,
            ledger_entry_id: Some(ledger_entry_id),
        }
    }

    /// Enough for C: 2 h online, 1 h offline and a pass of C's exam.
    fn c_work() -> TeacherEvidence {
        TeacherEvidence {
            entries: vec![
                entry(1, day(3, 1), 2, Delivery::Online),
                entry(2, day(3, 2), 1, Delivery::Offline),
            ],
            best_passes: BTreeMap::from([(Level::C as i64 + 100, Decimal::from(75))]),
            ..TeacherEvidence::default()
        }
    }

    fn unmet(judgement: &Judgement) -> Vec<&str> {
        judgement.progress.missing.iter().map(|k| k.as_str()).collect()
    }

    #[test]
    fn levels_are_judged_lowest_first_and_work_for_c_makes_c_due() {
        let judged = judge(&rules(), &c_work(), day(4, 1));
        let levels: Vec<Level> = judged.iter().map(|j| j.progress.level).collect();
        assert_eq!(levels, [Level::C, Level::B, Level::A]);
        assert!(judged[0].due_automatically(), "{:?}", unmet(&judged[0]));
        assert_eq!(judged[0].hours_counted, Decimal::from(3));
        assert_eq!(unmet(&judged[1]), ["prerequisite", "exam"], "B's hours count without a C yet");
    }

    #[test]
    fn hours_before_the_certificate_below_do_not_count_and_say_from_when() {
        let mut evidence = c_work();
        evidence.certificates.push(certificate(9, Level::C, day(3, 2), 3));
        evidence.entries.push(entry(4, day(3, 2), 5, Delivery::Online));
        let judged = judge(&rules(), &evidence, day(4, 1));
        assert!(judged[0].progress.held && !judged[0].due_automatically());
        let b = &judged[1];
        let online = b.progress.requirements.iter().find(|r| r.kind == RequirementKind::OnlineHours).unwrap();
        assert_eq!(online.actual.as_deref(), Some("5"), "only the entry after C's own counts");
        assert_eq!(online.counted_from, Some(day(3, 2)));
        assert_eq!(online.counted_after_certificate.as_deref(), Some("ES-2026-C-000009"));
        assert_eq!(unmet(b), ["offline_hours", "exam"]);
    }

    #[test]
    fn an_imported_certificate_bounds_by_its_day_although_its_entry_came_later() {
        let mut evidence = c_work();
        evidence.certificates.push(certificate(9, Level::C, day(3, 5), 50));
        let judged = judge(&rules(), &evidence, day(4, 1));
        assert_eq!(judged[1].hours_counted, Decimal::ZERO, "March work predates the imported C");
    }

    #[test]
    fn a_revoked_level_is_never_due_again_and_an_expired_one_is_not_held() {
        let mut evidence = c_work();
        evidence.certificates.push(CertificateFact {
            revoked_on: Some(day(3, 20)),
            ..certificate(9, Level::C, day(3, 10), 3)
        });
        let c = &judge(&rules(), &evidence, day(4, 1))[0];
        assert!(c.ever_revoked && c.issuable() && !c.due_automatically());

        let mut evidence = c_work();
        evidence
            .certificates
            .push(CertificateFact { expires_on: day(3, 31), ..certificate(9, Level::C, day(3, 10), 3) });
        let judged = judge(&rules(), &evidence, day(4, 1));
        assert!(!judged[0].progress.held);
        assert_eq!(judged[0].progress.certificate_status, Some(CertificateStatus::Expired));
        assert!(unmet(&judged[1]).contains(&"prerequisite"), "an expired C is no prerequisite");
    }

    #[test]
    fn a_held_level_near_its_end_is_expiring() {
        let mut evidence = c_work();
        evidence
            .certificates
            .push(CertificateFact { expires_on: day(5, 1), ..certificate(9, Level::C, day(3, 10), 3) });
        assert!(judge(&rules(), &evidence, day(4, 1))[0].progress.expiring);
        assert!(!judge(&rules(), &evidence, day(1, 15))[0].progress.expiring, "more than 90 days left");
    }

    #[test]
    fn a_judges_roles_practice_and_every_kind_of_requirement() {
        let mut evidence = TeacherEvidence {
            certificates: vec![
                certificate(1, Level::C, day(1, 1), 1),
                certificate(2, Level::B, day(2, 1), 2),
            ],
            entries: vec![
                entry(3, day(3, 1), 2, Delivery::Online),
                entry(4, day(3, 1), 1, Delivery::Offline),
            ],
            best_passes: BTreeMap::from([(Level::A as i64 + 100, Decimal::from(60))]),
            counseling_minutes: 60,
            mh_lessons: 2,
            roles: vec![MhRole::MhFulltime],
        };
        let a = |e: &TeacherEvidence| judge(&rules(), e, day(4, 1)).remove(2);
        assert!(a(&evidence).issuable(), "{:?}", unmet(&a(&evidence)));
        evidence.roles = vec![MhRole::HeadTeacher];
        evidence.counseling_minutes = 59;
        evidence.mh_lessons = 1;
        evidence.best_passes.clear();
        evidence.entries.pop();
        assert_eq!(
            unmet(&a(&evidence)),
            ["eligibility", "offline_hours", "exam", "practice_counseling_hours", "practice_mh_lessons"]
        );
    }
}
