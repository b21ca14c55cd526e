//! Who may sit a level's exam: what the rule set asks of the level before its exam (the level
//! below held and active, an eligible role). Pure, so the refusal and the exam list's flag say
//! the same thing.

use directory::MhRole;
use kernel::{Level, Text};
use serde::Serialize;

use super::requirements::RequirementKind;
use super::rules::LevelRule;

/// One thing a teacher lacks before sitting a level's exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingForExam {
    /// The level whose exam this is.
    pub level: Level,
    /// `prerequisite` or `eligibility`.
    pub kind: RequirementKind,
    /// What is asked: the level to hold ("B"), or the roles of which one is needed.
    #[cfg_attr(feature = "openapi", schema(example = "B"))]
    pub required: String,
}

/// What a teacher holding `highest_held` (active) with `roles` lacks before sitting `rule`'s exam.
pub fn missing_for_exam(
    rule: &LevelRule,
    highest_held: Option<Level>,
    roles: &[MhRole],
) -> Vec<MissingForExam> {
    let mut out = Vec::new();
    if let Some(prerequisite) = rule.prerequisite
        && highest_held.is_none_or(|held| held < prerequisite)
    {
        out.push(MissingForExam {
            level: rule.level,
            kind: RequirementKind::Prerequisite,
            required: prerequisite.label().to_owned(),
        });
    }
    if !rule.eligible_roles.is_empty() && !rule.eligible_roles.iter().any(|r| roles.contains(r)) {
        let names: Vec<&str> = rule.eligible_roles.iter().map(|r| r.as_str()).collect();
        out.push(MissingForExam {
            level: rule.level,
            kind: RequirementKind::Eligibility,
            required: names.join("|"),
        });
    }
    out
}

fn role_zh(role: &str) -> &str {
    match role {
        "mh_fulltime" => "专职心理健康教师",
        "mh_parttime" => "兼职心理健康教师",
        "head_teacher" => "班主任",
        "school_leader" => "学校领导班子成员",
        "middle_manager" => "中层干部",
        "key_teacher" => "骨干教师",
        other => other,
    }
}

/// A sentence naming everything missing, for the refusal's `detail`.
pub fn explain(missing: &[MissingForExam]) -> Text {
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    for m in missing {
        match m.kind {
            RequirementKind::Prerequisite => {
                zh.push(format!("须先持有有效的 {} 级证书", m.required));
                en.push(format!("an active level {} certificate is required first", m.required));
            }
            _ => {
                let roles: Vec<&str> = m.required.split('|').map(role_zh).collect();
                zh.push(format!("{} 级仅限以下身份报考：{}", m.level.label(), roles.join("、")));
                en.push(format!(
                    "level {} is open only to these roles: {}",
                    m.level.label(),
                    m.required.replace('|', ", ")
                ));
            }
        }
    }
    Text::owned(
        format!("不具备参加该考试的资格：{}", zh.join("；")),
        format!("not eligible to sit this exam: {}", en.join("; ")),
    )
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::domain::Issuance;

    fn a_rule() -> LevelRule {
        LevelRule {
            level: Level::A,
            online_hours: Decimal::ZERO,
            offline_hours: Decimal::ZERO,
            exam_id: Some(3),
            min_score: None,
            prerequisite: Some(Level::B),
            practice_counseling_hours: Decimal::ZERO,
            practice_mh_lessons: 0,
            eligible_roles: vec![MhRole::MhFulltime, MhRole::KeyTeacher],
            validity_years: 5,
            renewal_hours: Decimal::ZERO,
            issuance: Issuance::Review,
        }
    }

    #[test]
    fn a_c_holder_without_a_role_lacks_b_and_the_role() {
        let got = missing_for_exam(&a_rule(), Some(Level::C), &[MhRole::HeadTeacher]);
        let kinds: Vec<_> = got.iter().map(|m| (m.kind, m.required.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (RequirementKind::Prerequisite, "B"),
                (RequirementKind::Eligibility, "mh_fulltime|key_teacher")
            ]
        );
        let text = explain(&got);
        assert!(text.zh.contains("B 级证书") && text.zh.contains("骨干教师"), "{}", text.zh);
    }

    #[test]
    fn a_b_holder_in_an_eligible_role_may_sit_and_a_higher_level_counts() {
        assert!(missing_for_exam(&a_rule(), Some(Level::B), &[MhRole::KeyTeacher]).is_empty());
        assert!(missing_for_exam(&a_rule(), Some(Level::A), &[MhRole::MhFulltime]).is_empty());
    }
}
