use kernel::{FieldError, Text};
use serde::{Deserialize, Serialize};

/// The three levels of the org tree; each level's parent is the level above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Prefecture,
    County,
    School,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Prefecture => "prefecture",
            OrgKind::County => "county",
            OrgKind::School => "school",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [OrgKind::Prefecture, OrgKind::County, OrgKind::School].into_iter().find(|k| k.as_str() == value)
    }

    /// A stored kind read back: an unknown one is `corrupt_record`, never a school or county.
    pub fn read(value: &str) -> kernel::Result<Self> {
        kernel::stored(Self::parse(value), "org_unit.kind", value)
    }

    /// The unit a subtree path (`/1/5/`) ends at, with its kind: the tree has exactly three
    /// levels, so a path's depth is its kind.
    pub fn of_path(path: &str) -> Option<(OrgKind, i64)> {
        let ids: Vec<&str> = path.trim_matches('/').split('/').collect();
        let kind = match ids.len() {
            1 => OrgKind::Prefecture,
            2 => OrgKind::County,
            3 => OrgKind::School,
            _ => return None,
        };
        Some((kind, ids.last()?.parse().ok()?))
    }

    /// The kind a parent of this kind must have; `None` for the root.
    pub fn parent_kind(self) -> Option<OrgKind> {
        match self {
            OrgKind::Prefecture => None,
            OrgKind::County => Some(OrgKind::Prefecture),
            OrgKind::School => Some(OrgKind::County),
        }
    }
}

/// School stage (学段), which decides which teachers a stage-specific event or course targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 小学
    #[serde(alias = "小学")]
    Primary,
    /// 初中
    #[serde(alias = "初中")]
    Junior,
    /// 高中
    #[serde(alias = "高中")]
    Senior,
    /// 九年一贯制
    #[serde(alias = "九年一贯制")]
    NineYear,
    /// 完全中学
    #[serde(alias = "完全中学")]
    Complete,
}

const STAGES: [(Stage, &str, &str); 5] = [
    (Stage::Primary, "primary", "小学"),
    (Stage::Junior, "junior", "初中"),
    (Stage::Senior, "senior", "高中"),
    (Stage::NineYear, "nine_year", "九年一贯制"),
    (Stage::Complete, "complete", "完全中学"),
];

impl Stage {
    pub fn as_str(self) -> &'static str {
        STAGES.iter().find(|(s, ..)| *s == self).map_or("primary", |(_, code, _)| code)
    }

    /// A stored stage read back: only the code the system writes; anything else is
    /// `corrupt_record`, never "no stage".
    pub fn read(value: &str) -> kernel::Result<Self> {
        let parsed = STAGES.iter().find(|(_, code, _)| *code == value).map(|(s, ..)| *s);
        kernel::stored(parsed, "org_unit.stage", value)
    }

    /// Accepts the code or the Chinese name, since spreadsheets carry the latter.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        STAGES.iter().find(|(_, code, zh)| *code == value || *zh == value).map(|(s, ..)| *s).ok_or_else(
            || {
                FieldError::new(
                    "stage",
                    "unknown_stage",
                    Text::owned(
                        format!("未知学段“{value}”，可选：小学、初中、高中、九年一贯制、完全中学"),
                        format!(
                            "unknown stage '{value}'; one of primary, junior, senior, nine_year, complete"
                        ),
                    ),
                )
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_parses_code_and_chinese_name() {
        assert_eq!(Stage::parse("nine_year").unwrap(), Stage::NineYear);
        assert_eq!(Stage::parse("完全中学").unwrap(), Stage::Complete);
        assert_eq!(Stage::parse("大学").unwrap_err().code, "unknown_stage");
    }

    #[test]
    fn stored_stage_and_kind_are_read_strictly() {
        assert_eq!(Stage::read("nine_year").unwrap(), Stage::NineYear);
        assert_eq!(OrgKind::read("county").unwrap(), OrgKind::County);
        for corrupt in [
            Stage::read("完全中学").map(|_| ()),
            Stage::read("Junior").map(|_| ()),
            OrgKind::read("town").map(|_| ()),
        ] {
            assert!(matches!(corrupt, Err(kernel::Error::Conflict { code: "corrupt_record", .. })));
        }
    }

    #[test]
    fn school_hangs_under_county_under_prefecture() {
        assert_eq!(OrgKind::School.parent_kind(), Some(OrgKind::County));
        assert_eq!(OrgKind::County.parent_kind(), Some(OrgKind::Prefecture));
        assert_eq!(OrgKind::Prefecture.parent_kind(), None);
        assert_eq!(OrgKind::of_path("/1/"), Some((OrgKind::Prefecture, 1)));
        assert_eq!(OrgKind::of_path("/1/5/"), Some((OrgKind::County, 5)));
        assert_eq!(OrgKind::of_path("/1/5/77/"), Some((OrgKind::School, 77)));
        assert_eq!(OrgKind::of_path("/"), None);
    }
}
