//! Where hours come from: every producer of ledger entries, with the kind and id it is stored
//! under and the category it posts. The map of every way hours arrive; a stored kind outside it
//! is corrupt data.

use kernel::Result;

use super::category::Category;

/// The achievement behind a ledger entry. `(kind, id)` is unique in the ledger, so posting the
/// same source twice posts once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An online course completed (`course/{course}:{teacher}`), online hours.
    Course { course_id: i64, teacher_id: i64 },
    /// An offline training session attended (`offline_session/{session}:{teacher}`).
    OfflineSession { session_id: i64, teacher_id: i64 },
    /// A teaching-research event attended (`research_event/{event}:{teacher}`).
    ResearchEvent { event_id: i64, teacher_id: i64 },
    /// An exam passed, once per exam and teacher (`exam_pass/{exam}:{teacher}`; after a
    /// reversal a later pass posts `{exam}:{teacher}:{again}`).
    ExamPass { exam_id: i64, teacher_id: i64, again: Option<String> },
    /// An approved claim for training elsewhere (`credit_claim/{claim}`), external hours.
    Claim { claim_id: i64 },
    /// An admin's manual entry (`adjustment/{account}:{key}`), external or adjustment.
    Adjustment { category: Category, key: String },
    /// The reversal of an entry (`reversal/{entry}`), in the reversed entry's category.
    Reversal { entry_id: i64, category: Category },
    /// A certificate issued or imported (`certificate/{certificate}`), zero hours.
    Certificate { certificate_id: i64 },
    /// Hours migrated from an older system (`history/{key}`).
    History { category: Category, key: String },
}

/// Every kind the ledger may hold, including `exam_attempt`, the per-attempt exam entries
/// posted before exam hours were kept per exam and teacher.
pub const SOURCE_KINDS: [&str; 10] = [
    "course",
    "offline_session",
    "research_event",
    "exam_pass",
    "exam_attempt",
    "credit_claim",
    "adjustment",
    "reversal",
    "certificate",
    "history",
];

impl Source {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Course { .. } => "course",
            Source::OfflineSession { .. } => "offline_session",
            Source::ResearchEvent { .. } => "research_event",
            Source::ExamPass { .. } => "exam_pass",
            Source::Claim { .. } => "credit_claim",
            Source::Adjustment { .. } => "adjustment",
            Source::Reversal { .. } => "reversal",
            Source::Certificate { .. } => "certificate",
            Source::History { .. } => "history",
        }
    }

    /// The stored id, unique within the kind.
    pub fn id(&self) -> String {
        match self {
            Source::Course { course_id: a, teacher_id: t }
            | Source::OfflineSession { session_id: a, teacher_id: t }
            | Source::ResearchEvent { event_id: a, teacher_id: t }
            | Source::ExamPass { exam_id: a, teacher_id: t, again: None } => format!("{a}:{t}"),
            Source::ExamPass { exam_id, teacher_id, again: Some(again) } => {
                format!("{exam_id}:{teacher_id}:{again}")
            }
            Source::Claim { claim_id: id } | Source::Certificate { certificate_id: id } => id.to_string(),
            Source::Reversal { entry_id, .. } => entry_id.to_string(),
            Source::Adjustment { key, .. } | Source::History { key, .. } => key.clone(),
        }
    }

    /// The category the entry posts.
    pub fn category(&self) -> Category {
        match self {
            Source::Course { .. } => Category::OnlineCourse,
            Source::OfflineSession { .. } => Category::OfflineTraining,
            Source::ResearchEvent { .. } => Category::ResearchEvent,
            Source::ExamPass { .. } => Category::Exam,
            Source::Claim { .. } => Category::External,
            Source::Certificate { .. } => Category::Certificate,
            Source::Adjustment { category, .. }
            | Source::Reversal { category, .. }
            | Source::History { category, .. } => *category,
        }
    }

    /// The entry a reversal cancels.
    pub fn reverses(&self) -> Option<i64> {
        match self {
            Source::Reversal { entry_id, .. } => Some(*entry_id),
            _ => None,
        }
    }

    /// Checks a stored kind: an unknown one is corrupt data (`corrupt_record`).
    pub fn check_kind(kind: &str) -> Result<&str> {
        if SOURCE_KINDS.contains(&kind) {
            Ok(kind)
        } else {
            Err(kernel::Error::corrupt("credit_entry.source_kind", kind))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_producer_names_its_kind_id_and_category() {
        let pass = Source::ExamPass { exam_id: 3, teacher_id: 101, again: None };
        assert_eq!(
            (pass.kind(), pass.id(), pass.category()),
            ("exam_pass", "3:101".to_owned(), Category::Exam)
        );
        let reversal = Source::Reversal { entry_id: 9, category: Category::OfflineTraining };
        assert_eq!(
            (reversal.id(), reversal.category(), reversal.reverses()),
            ("9".to_owned(), Category::OfflineTraining, Some(9))
        );
        assert!(Source::check_kind("bogus").is_err());
        assert!(Source::check_kind("exam_attempt").is_ok());
    }
}
