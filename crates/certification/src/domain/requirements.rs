use chrono::NaiveDate;
use kernel::{Level, string_enum};
use rust_decimal::Decimal;
use serde::Serialize;

use super::rules::LevelRule;

string_enum! {
    /// One thing a level asks for.
    RequirementKind {
        Eligibility => "eligibility",
        Prerequisite => "prerequisite",
        OnlineHours => "online_hours",
        OfflineHours => "offline_hours",
        Exam => "exam",
        PracticeCounselingHours => "practice_counseling_hours",
        PracticeMhLessons => "practice_mh_lessons",
    }
}

/// A teacher's evidence for one level, gathered from the ledger (hours, the exam pass entry),
/// the workload log (practice) and their certificates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub eligible: bool,
    pub prerequisite_held: Option<Level>,
    pub online_hours: Decimal,
    pub offline_hours: Decimal,
    /// The best score of a released pass of the level's exam.
    pub exam_score: Option<Decimal>,
    pub counseling_hours: Decimal,
    pub mh_lessons: u32,
    /// Hours count only from this certificate of the level below on: its issue date and number.
    pub counted_after: Option<(NaiveDate, String)>,
}

/// One requirement with its numbers: `required` and `actual` are what a teacher would write on
/// a form ("20" hours, "60" points, "C").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Requirement {
    pub kind: RequirementKind,
    #[cfg_attr(feature = "openapi", schema(example = "20"))]
    pub required: String,
    /// Nothing yet (no pass of the exam, no prerequisite held) is `null`.
    #[cfg_attr(feature = "openapi", schema(example = "12.5"))]
    pub actual: Option<String>,
    pub met: bool,
    /// For hours: the first day whose hours count, when not every hour does — the level builds
    /// on a certificate of the level below, and only hours earned after it count ("64 h more").
    pub counted_from: Option<NaiveDate>,
    /// Why hours count only from `counted_from`: the number of that certificate.
    #[cfg_attr(feature = "openapi", schema(example = "ES-2026-C-000017"))]
    pub counted_after_certificate: Option<String>,
}

fn at_least(kind: RequirementKind, required: Decimal, actual: Decimal) -> Requirement {
    Requirement {
        kind,
        required: required.normalize().to_string(),
        actual: Some(actual.normalize().to_string()),
        met: actual >= required,
        counted_from: None,
        counted_after_certificate: None,
    }
}

/// Hours counted since the certificate of the level below, saying so.
fn hours_since(
    kind: RequirementKind,
    required: Decimal,
    actual: Decimal,
    evidence: &Evidence,
) -> Requirement {
    let (counted_from, counted_after_certificate) = match &evidence.counted_after {
        Some((day, number)) => (Some(*day), Some(number.clone())),
        None => (None, None),
    };
    Requirement { counted_from, counted_after_certificate, ..at_least(kind, required, actual) }
}

/// Every requirement the rule asks for, in the order a teacher meets them, each judged against
/// the evidence. A level asks only for what its rule sets (no exam, no practice → no line).
pub fn requirements(rule: &LevelRule, evidence: &Evidence) -> Vec<Requirement> {
    let mut out = Vec::new();
    if !rule.eligible_roles.is_empty() {
        let roles: Vec<&str> = rule.eligible_roles.iter().map(|r| r.as_str()).collect();
        out.push(Requirement {
            kind: RequirementKind::Eligibility,
            required: roles.join("|"),
            actual: None,
            met: evidence.eligible,
            counted_from: None,
            counted_after_certificate: None,
        });
    }
    if let Some(prerequisite) = rule.prerequisite {
        out.push(Requirement {
            kind: RequirementKind::Prerequisite,
            required: prerequisite.label().to_owned(),
            actual: evidence.prerequisite_held.map(|l| l.label().to_owned()),
            met: evidence.prerequisite_held.is_some_and(|held| held >= prerequisite),
            counted_from: None,
            counted_after_certificate: None,
        });
    }
    if rule.online_hours > Decimal::ZERO {
        out.push(hours_since(
            RequirementKind::OnlineHours,
            rule.online_hours,
            evidence.online_hours,
            evidence,
        ));
    }
    if rule.offline_hours > Decimal::ZERO {
        out.push(hours_since(
            RequirementKind::OfflineHours,
            rule.offline_hours,
            evidence.offline_hours,
            evidence,
        ));
    }
    if rule.exam_id.is_some() {
        let minimum = rule.min_score.unwrap_or(Decimal::ZERO);
        out.push(Requirement {
            kind: RequirementKind::Exam,
            required: minimum.normalize().to_string(),
            actual: evidence.exam_score.map(|s| s.normalize().to_string()),
            met: evidence.exam_score.is_some_and(|s| s >= minimum),
            counted_from: None,
            counted_after_certificate: None,
        });
    }
    if rule.practice_counseling_hours > Decimal::ZERO {
        out.push(at_least(
            RequirementKind::PracticeCounselingHours,
            rule.practice_counseling_hours,
            evidence.counseling_hours,
        ));
    }
    if rule.practice_mh_lessons > 0 {
        out.push(at_least(
            RequirementKind::PracticeMhLessons,
            Decimal::from(rule.practice_mh_lessons),
            Decimal::from(evidence.mh_lessons),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Issuance;

    fn b_rule() -> LevelRule {
        LevelRule {
            level: Level::B,
            online_hours: Decimal::from(20),
            offline_hours: Decimal::from(8),
            exam_id: Some(7),
            min_score: Some(Decimal::from(60)),
            prerequisite: Some(Level::C),
            practice_counseling_hours: Decimal::ZERO,
            practice_mh_lessons: 0,
            eligible_roles: Vec::new(),
            validity_years: 5,
            renewal_hours: Decimal::ZERO,
            issuance: Issuance::Review,
        }
    }

    #[test]
    fn each_requirement_shows_its_numbers_and_whether_it_is_met() {
        let evidence = Evidence {
            eligible: true,
            prerequisite_held: Some(Level::C),
            online_hours: Decimal::new(125, 1),
            offline_hours: Decimal::from(8),
            exam_score: Some(Decimal::from(59)),
            ..Evidence::default()
        };
        let got = requirements(&b_rule(), &evidence);
        let summary: Vec<(&str, &str, Option<&str>, bool)> =
            got.iter().map(|r| (r.kind.as_str(), r.required.as_str(), r.actual.as_deref(), r.met)).collect();
        assert_eq!(
            summary,
            vec![
                ("prerequisite", "C", Some("C"), true),
                ("online_hours", "20", Some("12.5"), false),
                ("offline_hours", "8", Some("8"), true),
                ("exam", "60", Some("59"), false),
            ]
        );
    }

    #[test]
    fn a_higher_level_held_satisfies_a_prerequisite_and_no_pass_is_null() {
        let evidence = Evidence { prerequisite_held: Some(Level::A), ..Evidence::default() };
        let got = requirements(&b_rule(), &evidence);
        assert!(got[0].met);
        assert_eq!(got[3].actual, None);
        assert!(!got[3].met);
    }

    fn a_rule() -> LevelRule {
        LevelRule {
            level: Level::A,
            prerequisite: Some(Level::B),
            practice_counseling_hours: Decimal::from(50),
            practice_mh_lessons: 30,
            eligible_roles: vec![directory::MhRole::MhFulltime],
            min_score: Some(Decimal::from(80)),
            ..b_rule()
        }
    }

    fn kinds_unmet(got: &[Requirement]) -> Vec<&str> {
        got.iter().filter(|r| !r.met).map(|r| r.kind.as_str()).collect()
    }

    #[test]
    fn every_requirement_kind_is_judged_and_listed_in_order() {
        let nothing = requirements(&a_rule(), &Evidence::default());
        let kinds: Vec<&str> = nothing.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "eligibility",
                "prerequisite",
                "online_hours",
                "offline_hours",
                "exam",
                "practice_counseling_hours",
                "practice_mh_lessons"
            ]
        );
        assert_eq!(kinds_unmet(&nothing), kinds, "nothing is met without evidence");

        let all = Evidence {
            eligible: true,
            prerequisite_held: Some(Level::B),
            online_hours: Decimal::from(20),
            offline_hours: Decimal::from(8),
            exam_score: Some(Decimal::from(80)),
            counseling_hours: Decimal::from(50),
            mh_lessons: 30,
            counted_after: None,
        };
        assert!(kinds_unmet(&requirements(&a_rule(), &all)).is_empty(), "exactly the minimum meets each");
        for (kind, short) in [
            ("eligibility", Evidence { eligible: false, ..all.clone() }),
            ("prerequisite", Evidence { prerequisite_held: Some(Level::C), ..all.clone() }),
            ("online_hours", Evidence { online_hours: Decimal::new(199, 1), ..all.clone() }),
            ("offline_hours", Evidence { offline_hours: Decimal::new(79, 1), ..all.clone() }),
            ("exam", Evidence { exam_score: Some(Decimal::new(799, 1)), ..all.clone() }),
            ("practice_counseling_hours", Evidence { counseling_hours: Decimal::from(49), ..all.clone() }),
            ("practice_mh_lessons", Evidence { mh_lessons: 29, ..all.clone() }),
        ] {
            assert_eq!(kinds_unmet(&requirements(&a_rule(), &short)), [kind], "{kind} alone is short");
        }
    }

    #[test]
    fn hours_say_from_when_they_count_and_other_kinds_do_not() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let evidence =
            Evidence { counted_after: Some((day, "ES-2026-B-000001".to_owned())), ..Evidence::default() };
        for r in requirements(&a_rule(), &evidence) {
            let hours = matches!(r.kind, RequirementKind::OnlineHours | RequirementKind::OfflineHours);
            assert_eq!(r.counted_from.is_some(), hours, "{:?}", r.kind);
            assert_eq!(r.counted_after_certificate.is_some(), hours, "{:?}", r.kind);
        }
    }
}
