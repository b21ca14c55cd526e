//! Research values and pure rules, no I/O.

use kernel::string_enum;

string_enum! {
    /// The forms of teaching research the plan names.
    EventForm {
        /// 大教研
        Collective => "collective",
        /// 小教研（分学段）
        Stage => "stage",
        /// 微教研（协作体）
        Micro => "micro",
        /// 青蓝教研（师徒结对）
        Mentoring => "mentoring",
        Training => "training",
        Exchange => "exchange",
        Showcase => "showcase",
        /// 名师工作室
        Studio => "studio",
        /// 沙龙、读书会
        Workshop => "workshop",
    }
}

string_enum! {
    /// Who organises an event; only county level and above counts toward the three-a-year rule.
    EventLevel { Prefecture => "prefecture", County => "county", School => "school" }
}

string_enum! {
    /// An event is open for sign-in until it is closed (or cancelled, for good).
    EventStatus { Scheduled => "scheduled", Closed => "closed", Cancelled => "cancelled" }
}

string_enum! {
    /// MH work that counts as subsidised class hours.
    WorkloadKind {
        IndividualCounseling => "individual_counseling",
        GroupCounseling => "group_counseling",
        MhClass => "mh_class",
        Activity => "activity",
    }
}

string_enum! {
    /// A workload entry waits for a school admin's decision.
    WorkloadStatus { Pending => "pending", Confirmed => "confirmed", Rejected => "rejected" }
}

string_enum! {
    /// The titles the plan sets targets for (item 8): 州级心理健康教育名师 and
    /// 县级骨干教师/名师.
    TitleKind { PrefectureMhMaster => "prefecture_mh_master", CountyKeyTeacher => "county_key_teacher" }
}

impl TitleKind {
    pub const ALL: [TitleKind; 2] = [TitleKind::PrefectureMhMaster, TitleKind::CountyKeyTeacher];

    /// The title as certificates and lists print it.
    pub fn label(self, english: bool) -> &'static str {
        match (self, english) {
            (TitleKind::PrefectureMhMaster, false) => "州级心理健康教育名师",
            (TitleKind::CountyKeyTeacher, false) => "县级骨干教师/名师",
            (TitleKind::PrefectureMhMaster, true) => "prefecture MH education master teacher",
            (TitleKind::CountyKeyTeacher, true) => "county key teacher / master teacher",
        }
    }

    /// How many holders the plan asks for across the prefecture: (at least, at most).
    pub fn target(self) -> (u32, u32) {
        match self {
            TitleKind::PrefectureMhMaster => (5, 10),
            TitleKind::CountyKeyTeacher => (50, 80),
        }
    }

    /// The deepest org level (1 prefecture, 2 county) whose admins may grant it: a county
    /// names its key teachers, only the prefecture its master teachers.
    pub fn granted_from_depth(self) -> usize {
        match self {
            TitleKind::PrefectureMhMaster => 1,
            TitleKind::CountyKeyTeacher => 2,
        }
    }
}

string_enum! {
    /// Where a count of holders stands against its target range.
    TargetStanding { Short => "short", Within => "within", Over => "over" }
}

impl TargetStanding {
    /// `held` against `(at least, at most)`.
    pub fn of(held: u32, (min, max): (u32, u32)) -> Self {
        if held < min {
            TargetStanding::Short
        } else if held > max {
            TargetStanding::Over
        } else {
            TargetStanding::Within
        }
    }
}

impl EventLevel {
    /// Whether attending counts toward the three-a-year rule.
    pub fn counts_toward_rule(self) -> bool {
        matches!(self, EventLevel::Prefecture | EventLevel::County)
    }
}

/// Whether a note would identify someone: an 11-digit mainland mobile number or an 18-character
/// resident ID number. Workload notes must not name students.
pub fn identifies_someone(note: &str) -> bool {
    let chars: Vec<char> = note.chars().collect();
    let digit_run = |start: usize, len: usize| {
        chars.get(start..start + len).is_some_and(|s| s.iter().all(char::is_ascii_digit))
    };
    (0..chars.len()).any(|i| {
        let bounded = |len: usize| {
            let before = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
            let after = chars.get(i + len).is_none_or(|c| !c.is_ascii_alphanumeric());
            before && after
        };
        let phone = digit_run(i, 11) && chars[i] == '1' && ('3'..='9').contains(&chars[i + 1]) && bounded(11);
        let id_card = digit_run(i, 17)
            && chars.get(i + 17).is_some_and(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
            && bounded(18);
        phone || id_card
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_with_phone_or_id_numbers_are_caught() {
        assert!(identifies_someone("联系家长 13812345678 了解情况"));
        assert!(identifies_someone("学生身份证42280119990101123X"));
        assert!(!identifies_someone("初二（3）班团体辅导，12 人参加，45 分钟"));
        assert!(!identifies_someone("编号 2026010112"));
    }

    #[test]
    fn holders_stand_against_the_plans_ranges() {
        assert_eq!(TargetStanding::of(4, TitleKind::PrefectureMhMaster.target()), TargetStanding::Short);
        assert_eq!(TargetStanding::of(10, TitleKind::PrefectureMhMaster.target()), TargetStanding::Within);
        assert_eq!(TargetStanding::of(81, TitleKind::CountyKeyTeacher.target()), TargetStanding::Over);
        assert_eq!(TitleKind::parse("county_key_teacher"), Some(TitleKind::CountyKeyTeacher));
    }

    #[test]
    fn only_county_and_above_count() {
        assert!(EventLevel::County.counts_toward_rule() && !EventLevel::School.counts_toward_rule());
    }
}
