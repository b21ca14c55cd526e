use serde::{Deserialize, Serialize};

/// The tiered qualification: C < B < A, each requiring the one below. Clients write and read
/// it as printed on certificates ("C"); the lower-case spelling of earlier clients is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Level {
    #[serde(alias = "c")]
    C,
    #[serde(alias = "b")]
    B,
    #[serde(alias = "a")]
    A,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::C => "c",
            Level::B => "b",
            Level::A => "a",
        }
    }

    pub const ALL: [Level; 3] = [Level::C, Level::B, Level::A];

    /// The level as printed: "C", "B" or "A".
    pub fn label(self) -> &'static str {
        match self {
            Level::C => "C",
            Level::B => "B",
            Level::A => "A",
        }
    }

    /// The level directly below, which must be held first.
    pub fn below(self) -> Option<Level> {
        match self {
            Level::C => None,
            Level::B => Some(Level::C),
            Level::A => Some(Level::B),
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "c" => Some(Level::C),
            "b" => Some(Level::B),
            "a" => Some(Level::A),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_c_below_b_below_a() {
        assert!(Level::C < Level::B && Level::B < Level::A);
        assert_eq!(Level::parse("B"), Some(Level::B));
    }
}
