use std::collections::HashSet;

use chrono::{DateTime, Utc};
use kernel::{Actor, Error, Result};
use rand::Rng;
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use super::access::authorize_read;
use super::statement::{Totals, totals};
use crate::domain::{Category, CreditPolicy, GENESIS_HASH, from_tenths, to_tenths};
use crate::entity::{credit_chain, credit_entry, transcript};
use crate::ledger::Entry;

/// Who a transcript is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptTeacher {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "ES00101"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
}

/// The 学时证明 an HR office files: every counted entry, totals, certificates, and a code
/// anyone can check at the verify URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transcript {
    #[cfg_attr(feature = "openapi", schema(example = "K7M2QX9TRB4WH3NP"))]
    pub verification_code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://qualify.example/api/v1/verify/transcripts/K7M2QX9TRB4WH3NP")
    )]
    pub verify_url: String,
    pub generated_at: DateTime<Utc>,
    pub teacher: TranscriptTeacher,
    /// Entries that count: reversed entries and their reversals cancel out and are left out.
    pub entries: Vec<Entry>,
    pub totals: Totals,
    /// Certificate entries of the ledger.
    pub certificates: Vec<Entry>,
}

/// What a verifier learns from a transcript code (names masked: this answer is public).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptVerification {
    #[cfg_attr(feature = "openapi", schema(example = "K7M2QX9TRB4WH3NP"))]
    pub verification_code: String,
    pub valid: bool,
    #[cfg_attr(feature = "openapi", schema(example = "李*"))]
    pub teacher_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "ES***01"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    pub generated_at: DateTime<Utc>,
    #[cfg_attr(feature = "openapi", schema(example = 14))]
    pub entry_count: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "96.5"))]
    pub total_hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "36.5"))]
    pub cycle_hours: Decimal,
    /// Whether the ledger is unchanged since the transcript was generated.
    pub current: bool,
}

/// Generates a transcript for the teacher (or staff in scope, audited) and records what it
/// showed under a verification code: a fresh one when the ledger changed since the last, else
/// the last one's.
pub async fn transcript(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    policy: &CreditPolicy,
    actor: &Actor,
    teacher_id: i64,
    public_url: &str,
) -> Result<Transcript> {
    authorize_read(db, actor, teacher_id, "transcript", now).await?;
    let teacher = directory::get_teacher(db, actor, teacher_id).await?;
    let all = credit_entry::Entity::find()
        .filter(credit_entry::Column::TeacherId.eq(teacher_id))
        .order_by_asc(credit_entry::Column::Seq)
        .all(db)
        .await?;
    let reversed: HashSet<i64> = all.iter().filter_map(|e| e.reverses_entry_id).collect();
    let entries: Vec<Entry> = all
        .into_iter()
        .filter(|e| e.reverses_entry_id.is_none() && !reversed.contains(&e.id))
        .map(Entry::read)
        .collect::<Result<_>>()?;
    let totals = totals(db, now, policy, teacher_id).await?;
    let head_hash = credit_chain::Entity::find_by_id(teacher_id)
        .one(db)
        .await?
        .map_or_else(|| GENESIS_HASH.to_owned(), |h| h.head_hash);
    let (total_tenths, cycle_tenths) = (to_tenths(totals.total_hours), to_tenths(totals.cycle_hours));
    // The same record certifies the same ledger: while nothing changed, every fetch shows the
    // code (and time) of the first one, so a printed and a downloaded copy carry one code.
    let latest = transcript::Entity::find()
        .filter(transcript::Column::TeacherId.eq(teacher_id))
        .order_by_desc(transcript::Column::Id)
        .one(db)
        .await?
        .filter(|t| {
            t.head_hash == head_hash && t.total_tenths == total_tenths && t.cycle_tenths == cycle_tenths
        });
    let (code, generated_at) = match latest {
        Some(same) => (same.code, same.generated_at),
        None => {
            let code = verification_code();
            transcript::ActiveModel {
                code: Set(code.clone()),
                teacher_id: Set(teacher_id),
                generated_at: Set(now),
                generated_by: Set(actor.account_id),
                entry_count: Set(entries.len() as i64),
                total_tenths: Set(total_tenths),
                cycle_tenths: Set(cycle_tenths),
                head_hash: Set(head_hash),
                ..Default::default()
            }
            .insert(db)
            .await?;
            (code, now)
        }
    };
    Ok(Transcript {
        verify_url: format!("{public_url}/verify/transcripts/{code}"),
        verification_code: code,
        generated_at,
        teacher: TranscriptTeacher {
            id: teacher.id,
            employee_no: teacher.employee_no,
            name: teacher.name,
            school_name: teacher.school_name,
        },
        certificates: entries.iter().filter(|e| e.category == Category::Certificate).cloned().collect(),
        entries,
        totals,
    })
}

/// Public check of a transcript code: what it showed, and whether the ledger changed since.
pub async fn verify_transcript(db: &DatabaseConnection, code: &str) -> Result<TranscriptVerification> {
    let found = transcript::Entity::find()
        .filter(transcript::Column::Code.eq(code.trim().to_ascii_uppercase()))
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let teacher = directory::teacher_identity(db, found.teacher_id).await?;
    let head = credit_chain::Entity::find_by_id(found.teacher_id).one(db).await?;
    let current_head = head.map_or_else(|| GENESIS_HASH.to_owned(), |h| h.head_hash);
    Ok(TranscriptVerification {
        valid: true,
        current: current_head == found.head_hash,
        teacher_name: mask_name(&teacher.name),
        employee_no: mask_middle(&teacher.employee_no),
        school_name: teacher.school_name,
        generated_at: found.generated_at,
        entry_count: found.entry_count,
        total_hours: from_tenths(found.total_tenths),
        cycle_hours: from_tenths(found.cycle_tenths),
        verification_code: found.code,
    })
}

/// 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L): about 79 bits.
fn verification_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..16).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    let first = chars.next().map(String::from).unwrap_or_default();
    first + &"*".repeat(chars.count().max(1))
}

fn mask_middle(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}***{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_answers_mask_names_and_numbers() {
        assert_eq!(mask_name("李明"), "李*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_middle("ES00101"), "ES***01");
    }

    #[test]
    fn codes_are_long_and_unambiguous() {
        let code = verification_code();
        assert_eq!(code.len(), 16);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_ne!(code, verification_code());
    }
}
