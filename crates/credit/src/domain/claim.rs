use serde::{Deserialize, Serialize};

/// Where a claim stands; only a pending claim can be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Pending,
    Approved,
    Rejected,
}

impl ClaimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Pending => "pending",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [ClaimStatus::Pending, ClaimStatus::Approved, ClaimStatus::Rejected]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// How the claimed training was delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrainingForm {
    Online,
    Offline,
}

impl TrainingForm {
    pub fn as_str(self) -> &'static str {
        match self {
            TrainingForm::Online => "online",
            TrainingForm::Offline => "offline",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [TrainingForm::Online, TrainingForm::Offline].into_iter().find(|f| f.as_str() == value)
    }
}
