use serde::{Deserialize, Serialize};

/// A trainer's manual attendance mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    Present,
    Late,
    Absent,
    Excused,
}

impl AttendanceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AttendanceStatus::Present => "present",
            AttendanceStatus::Late => "late",
            AttendanceStatus::Absent => "absent",
            AttendanceStatus::Excused => "excused",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Present, Self::Late, Self::Absent, Self::Excused].into_iter().find(|s| s.as_str() == value)
    }

    /// Whether the mark earns the occasion's hours.
    pub fn attended(self) -> bool {
        matches!(self, AttendanceStatus::Present | AttendanceStatus::Late)
    }
}
