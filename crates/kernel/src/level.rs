use serde::{Deserialize, Serialize};

/// The tiered qualification: C < B < A, each requiring the one below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    C,
    B,
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
