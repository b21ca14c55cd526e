use directory::MhRole;
use kernel::{FieldError, Level, Text, Violations, string_enum};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

string_enum! {
    /// Whether a level is issued the moment its requirements are met, or on an admin's review.
    Issuance { Automatic => "automatic", Review => "review" }
}

string_enum! {
    /// A rule set is drafted, then put in force (which retires the one before).
    RuleSetStatus { Draft => "draft", Active => "active", Retired => "retired" }
}

string_enum! {
    ApplicationStatus { Pending => "pending", Approved => "approved", Rejected => "rejected" }
}

/// The MH and management roles whose share at ≥B the plan sets a target for.
pub const TARGET_GROUP: [MhRole; 5] = [
    MhRole::MhFulltime,
    MhRole::MhParttime,
    MhRole::HeadTeacher,
    MhRole::SchoolLeader,
    MhRole::MiddleManager,
];

/// What one level asks for. Hours are decimal strings with at most one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    pub level: Level,
    /// Minimum hours of online courses and online exams.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "24"))]
    pub online_hours: Decimal,
    /// Minimum hours of offline training, research events and recognised external training.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "8"))]
    pub offline_hours: Decimal,
    /// The exam to pass, if any.
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub exam_id: Option<i64>,
    /// A minimum score on top of the exam's own pass mark.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "60"))]
    pub min_score: Option<Decimal>,
    /// The level that must already be held: the one directly below, or none for C.
    pub prerequisite: Option<Level>,
    /// Confirmed individual counselling hours from the workload log.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0"))]
    pub practice_counseling_hours: Decimal,
    /// Confirmed MH lessons taught, from the workload log.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = 0))]
    pub practice_mh_lessons: u32,
    /// Who may qualify: teachers holding any of these roles; empty means every teacher.
    #[serde(default)]
    pub eligible_roles: Vec<MhRole>,
    #[cfg_attr(feature = "openapi", schema(example = 5, minimum = 1, maximum = 20))]
    pub validity_years: u32,
    /// Hours to earn within the validity window to renew.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "32"))]
    pub renewal_hours: Decimal,
    pub issuance: Issuance,
}

/// The plan's targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Share of all teachers holding C or above.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.8"))]
    pub c_share: Decimal,
    /// Share of the target group holding B or above.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.9"))]
    pub b_share: Decimal,
    /// Holders of A, prefecture-wide.
    #[cfg_attr(feature = "openapi", schema(example = 100))]
    pub a_count: u32,
    #[cfg_attr(feature = "openapi", schema(example = "2028-12-31"))]
    pub deadline: chrono::NaiveDate,
}

const MAX_HOURS: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);

fn hours_ok(value: Decimal) -> bool {
    value >= Decimal::ZERO && value <= MAX_HOURS && Decimal::new(kernel::to_tenths(value), 1) == value
}

fn invalid(field: String, code: &'static str, zh: &str, en: &str) -> FieldError {
    FieldError::new(field, code, Text::owned(zh.to_owned(), en.to_owned()))
}

/// Refuses a rule set that could never be satisfied or that breaks the tier model: each of
/// C, B and A exactly once, each requiring the level directly below, sane hours, scores,
/// validity and targets, and no level whose eligible roles exclude everyone who could hold its
/// prerequisite. Exams are checked against the database by the caller.
pub fn check_rules(levels: &[LevelRule], targets: &Targets) -> Violations {
    let mut v = Violations::default();
    for level in Level::ALL {
        let count = levels.iter().filter(|rule| rule.level == level).count();
        if count != 1 {
            v.push(invalid(
                "levels".to_owned(),
                "levels_incomplete",
                &format!("C、B、A 每级须且只须定义一次（{} 级出现 {count} 次）", level.label()),
                &format!(
                    "each of C, B and A must be defined exactly once (level {} appears {count} times)",
                    level.label()
                ),
            ));
        }
    }
    for (i, rule) in levels.iter().enumerate() {
        let field = |name: &str| format!("levels[{i}].{name}");
        if rule.prerequisite != rule.level.below() {
            let wanted = rule.level.below().map_or("无", Level::label);
            v.push(invalid(
                field("prerequisite"),
                "prerequisite_mismatch",
                &format!("{} 级的前置等级须为 {wanted}", rule.level.label()),
                &format!(
                    "level {} must require {}",
                    rule.level.label(),
                    rule.level.below().map_or("no level", Level::label)
                ),
            ));
        }
        for (name, value) in [
            ("online_hours", rule.online_hours),
            ("offline_hours", rule.offline_hours),
            ("practice_counseling_hours", rule.practice_counseling_hours),
            ("renewal_hours", rule.renewal_hours),
        ] {
            if !hours_ok(value) {
                v.push(invalid(
                    field(name),
                    "out_of_range",
                    "学时须在 0 到 1000 之间，最多一位小数",
                    "hours must be 0 to 1000 with at most one decimal place",
                ));
            }
        }
        if rule.min_score.is_some() && rule.exam_id.is_none() {
            v.push(invalid(
                field("min_score"),
                "min_score_without_exam",
                "设置最低分须同时指定考试",
                "a minimum score needs an exam",
            ));
        }
        if rule.min_score.is_some_and(|s| s < Decimal::ZERO || s > Decimal::from(1000)) {
            v.push(invalid(
                field("min_score"),
                "out_of_range",
                "最低分须在 0 到 1000 之间",
                "the minimum score must be 0 to 1000",
            ));
        }
        if !(1..=20).contains(&rule.validity_years) {
            v.push(invalid(
                field("validity_years"),
                "out_of_range",
                "有效期须为 1 到 20 年",
                "validity must be 1 to 20 years",
            ));
        }
        let below = rule.level.below().and_then(|b| levels.iter().find(|r| r.level == b));
        if let Some(below) = below
            && !rule.eligible_roles.is_empty()
            && !below.eligible_roles.is_empty()
            && !rule.eligible_roles.iter().any(|role| below.eligible_roles.contains(role))
        {
            v.push(invalid(
                field("eligible_roles"),
                "unreachable_level",
                "可申请本级的角色都不能取得前置等级",
                "no role eligible for this level can hold its prerequisite",
            ));
        }
    }
    for (name, share) in [("targets.c_share", targets.c_share), ("targets.b_share", targets.b_share)] {
        if share <= Decimal::ZERO || share > Decimal::ONE {
            v.push(invalid(
                name.to_owned(),
                "out_of_range",
                "比例须大于 0、不超过 1",
                "a share must be above 0 and at most 1",
            ));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn rule(level: Level) -> LevelRule {
        LevelRule {
            level,
            online_hours: Decimal::from(24),
            offline_hours: Decimal::from(8),
            exam_id: None,
            min_score: None,
            prerequisite: level.below(),
            practice_counseling_hours: Decimal::ZERO,
            practice_mh_lessons: 0,
            eligible_roles: Vec::new(),
            validity_years: 5,
            renewal_hours: Decimal::from(32),
            issuance: Issuance::Automatic,
        }
    }

    fn targets() -> Targets {
        Targets {
            c_share: Decimal::new(8, 1),
            b_share: Decimal::new(9, 1),
            a_count: 100,
            deadline: chrono::NaiveDate::from_ymd_opt(2028, 12, 31).unwrap_or_default(),
        }
    }

    fn codes(levels: &[LevelRule]) -> Vec<(String, &'static str)> {
        check_rules(levels, &targets()).into_errors().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn the_tier_model_passes() {
        assert!(codes(&[rule(Level::C), rule(Level::B), rule(Level::A)]).is_empty());
    }

    #[test]
    fn b_without_c_is_refused() {
        let mut b = rule(Level::B);
        b.prerequisite = None;
        assert_eq!(
            codes(&[rule(Level::C), b, rule(Level::A)]),
            vec![("levels[1].prerequisite".to_owned(), "prerequisite_mismatch")]
        );
    }

    #[test]
    fn a_missing_or_doubled_level_is_refused() {
        assert_eq!(
            codes(&[rule(Level::C), rule(Level::B)]),
            vec![("levels".to_owned(), "levels_incomplete")]
        );
        assert!(
            codes(&[rule(Level::C), rule(Level::C), rule(Level::B), rule(Level::A)])
                .contains(&("levels".to_owned(), "levels_incomplete"))
        );
    }

    #[test]
    fn disjoint_eligibility_makes_a_level_unreachable() {
        let mut c = rule(Level::C);
        c.eligible_roles = vec![MhRole::HeadTeacher];
        let mut b = rule(Level::B);
        b.eligible_roles = vec![MhRole::MhFulltime];
        assert_eq!(
            codes(&[c, b, rule(Level::A)]),
            vec![("levels[1].eligible_roles".to_owned(), "unreachable_level")]
        );
    }

    #[test]
    fn hours_with_two_decimals_and_scores_without_exam_are_refused() {
        let mut c = rule(Level::C);
        c.online_hours = Decimal::new(1205, 2);
        c.min_score = Some(Decimal::from(60));
        assert_eq!(
            codes(&[c, rule(Level::B), rule(Level::A)]),
            vec![
                ("levels[0].online_hours".to_owned(), "out_of_range"),
                ("levels[0].min_score".to_owned(), "min_score_without_exam")
            ]
        );
    }
}
