use serde::{Deserialize, Serialize};

/// What kind of achievement an entry records; totals are reported per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    OnlineCourse,
    OfflineTraining,
    Exam,
    ResearchEvent,
    Certificate,
    /// Training done elsewhere, recognised by an admin or through an approved claim.
    External,
    /// A manual correction by an admin.
    Adjustment,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::OnlineCourse,
        Category::OfflineTraining,
        Category::Exam,
        Category::ResearchEvent,
        Category::Certificate,
        Category::External,
        Category::Adjustment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::OnlineCourse => "online_course",
            Category::OfflineTraining => "offline_training",
            Category::Exam => "exam",
            Category::ResearchEvent => "research_event",
            Category::Certificate => "certificate",
            Category::External => "external",
            Category::Adjustment => "adjustment",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The Chinese name, for exports and printed transcripts.
    pub fn zh(self) -> &'static str {
        match self {
            Category::OnlineCourse => "网络课程",
            Category::OfflineTraining => "线下培训",
            Category::Exam => "考试",
            Category::ResearchEvent => "教研活动",
            Category::Certificate => "资格证书",
            Category::External => "外部培训认定",
            Category::Adjustment => "学时调整",
        }
    }

    /// Whether an admin may post this category by hand; the others come only from the
    /// activity that earned them.
    pub fn is_manual(self) -> bool {
        matches!(self, Category::External | Category::Adjustment)
    }
}
