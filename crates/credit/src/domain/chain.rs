use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

/// The `prev_hash` of a teacher's first entry.
pub(crate) const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything an entry's hash covers: its content and the hash before it, so changing any
/// stored field, or removing or reordering entries, breaks the chain from there on.
pub(crate) struct EntryContent<'a> {
    pub teacher_id: i64,
    pub seq: i64,
    pub category: &'a str,
    pub hours_tenths: i64,
    pub occurred_on: NaiveDate,
    pub source_kind: &'a str,
    pub source_id: &'a str,
    pub description: &'a str,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
    pub reverses_entry_id: Option<i64>,
    pub prev_hash: &'a str,
}

impl EntryContent<'_> {
    /// SHA-256 over a length-prefixed encoding of every field (no field can bleed into the
    /// next), hex encoded.
    pub(crate) fn hash(&self) -> String {
        let recorded_by = self.recorded_by.map(|v| v.to_string()).unwrap_or_default();
        let reverses = self.reverses_entry_id.map(|v| v.to_string()).unwrap_or_default();
        let fields = [
            self.teacher_id.to_string(),
            self.seq.to_string(),
            self.category.to_owned(),
            self.hours_tenths.to_string(),
            self.occurred_on.to_string(),
            self.source_kind.to_owned(),
            self.source_id.to_owned(),
            self.description.to_owned(),
            recorded_by,
            self.recorded_at.timestamp_micros().to_string(),
            reverses,
            self.prev_hash.to_owned(),
        ];
        let mut digest = Sha256::new();
        for field in &fields {
            digest.update((field.len() as u64).to_be_bytes());
            digest.update(field.as_bytes());
        }
        hex::encode(digest.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(description: &str, prev_hash: &str) -> String {
        EntryContent {
            teacher_id: 1,
            seq: 1,
            category: "external",
            hours_tenths: 25,
            occurred_on: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            source_kind: "adjustment",
            source_id: "a",
            description,
            recorded_by: Some(3),
            recorded_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
            reverses_entry_id: None,
            prev_hash,
        }
        .hash()
    }

    #[test]
    fn hash_is_stable_and_covers_content_and_predecessor() {
        let base = content("省培计划", GENESIS_HASH);
        assert_eq!(base, content("省培计划", GENESIS_HASH));
        assert_ne!(base, content("省培计划 ", GENESIS_HASH));
        assert_ne!(base, content("省培计划", &base));
        assert_eq!(base.len(), 64);
    }
}
