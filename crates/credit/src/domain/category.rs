use rust_decimal::Decimal;
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
    /// Training done elsewhere, recognised by an admin or through an approved claim: offline,
    /// unless it is an approved claim of `form: online`.
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

    /// A category read back from the ledger: an unknown value is corrupt data, refused
    /// loudly (`corrupt_record`), never relabelled.
    pub fn read(value: &str) -> kernel::Result<Self> {
        Self::parse(value).ok_or_else(|| kernel::Error::corrupt("credit_entry.category", value))
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

    /// Whether an entry's hours are online or offline training: the one mapping the dashboard,
    /// qualification progress, statements and transcripts share (applied when an entry is
    /// posted, stored on it and added to the kept totals). Online: courses, exams; offline:
    /// sessions, research events, external training — except an approved claim, which keeps its
    /// `form` (`claim_form`). Certificates and adjustments are neither.
    pub fn delivery(self, claim_form: Option<super::TrainingForm>) -> Option<Delivery> {
        match (self, claim_form) {
            (Category::External, Some(super::TrainingForm::Online)) => Some(Delivery::Online),
            (category, _) => category.delivery_by_default(),
        }
    }

    fn delivery_by_default(self) -> Option<Delivery> {
        match self {
            Category::OnlineCourse | Category::Exam => Some(Delivery::Online),
            Category::OfflineTraining | Category::ResearchEvent | Category::External => {
                Some(Delivery::Offline)
            }
            Category::Certificate | Category::Adjustment => None,
        }
    }
}

/// How training was delivered: what the qualification's online and offline hours count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Online,
    Offline,
}

impl Delivery {
    /// As stored on a ledger entry.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Online => "online",
            Delivery::Offline => "offline",
        }
    }

    /// A stored delivery read back: an unknown value is corrupt data (`corrupt_record`).
    pub fn read(value: &str) -> kernel::Result<Self> {
        [Delivery::Online, Delivery::Offline]
            .into_iter()
            .find(|d| d.as_str() == value)
            .ok_or_else(|| kernel::Error::corrupt("credit_entry.delivery", value))
    }
}

/// Hours split by [`Category::delivery`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByDelivery {
    pub online: Decimal,
    pub offline: Decimal,
}

impl ByDelivery {
    /// Sums hours per category into online and offline (certificates and adjustments count
    /// for neither); `online_claims` are the hours of approved online claims, counted among
    /// `external` but online.
    pub fn of<'a>(
        hours: impl IntoIterator<Item = (&'a Category, &'a Decimal)>,
        online_claims: Decimal,
    ) -> Self {
        let mut out = Self::default();
        for (category, hours) in hours {
            match category.delivery(None) {
                Some(Delivery::Online) => out.online += *hours,
                Some(Delivery::Offline) => out.offline += *hours,
                None => {}
            }
        }
        out.offline -= online_claims;
        out.online += online_claims;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_one_delivery_and_online_claims_count_online() {
        let hours: std::collections::BTreeMap<Category, Decimal> =
            Category::ALL.into_iter().map(|c| (c, Decimal::ONE)).collect();
        let split = ByDelivery::of(&hours, Decimal::ZERO);
        assert_eq!((split.online, split.offline), (Decimal::from(2), Decimal::from(3)));
        let split = ByDelivery::of(&hours, Decimal::ONE);
        assert_eq!((split.online, split.offline), (Decimal::from(3), Decimal::from(2)));
        let online = Some(crate::domain::TrainingForm::Online);
        assert_eq!(Category::External.delivery(online), Some(Delivery::Online));
        assert_eq!(Category::External.delivery(None), Some(Delivery::Offline));
        assert_eq!(Category::Exam.delivery(None), Some(Delivery::Online));
    }
}
