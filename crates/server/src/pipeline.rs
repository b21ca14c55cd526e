//! What a write in one domain sets off in another, in one place. A domain below cannot name the
//! one above it (certification reads the ledger; the ledger cannot call certification), so the
//! steps are composed here and handed down explicitly:
//!
//! **post → assess → issue → mail.** Every producer (the attendance flow for sessions and
//! events, course completion, exam passes, approved claims, adjustments and reversals) posts
//! through the one [`ledger`]. A new entry runs [`certification::after_ledger_post`] in the
//! same transaction: the teacher is judged against the rule set in force
//! (`certification::domain::judge`), every level now due is issued with its own ledger entry,
//! and the "certificate issued" mail is queued in the outbox, which the mail worker sends.
//! Whatever a post did not issue (a rule set activated later, imported hours) is caught by
//! `certification::reassess`, run on activation, after imports and daily.

/// The ledger every producer posts through, with certification's assessment after each new
/// entry.
pub const fn ledger() -> credit::Ledger {
    credit::Ledger::new(certification::after_ledger_post)
}

/// **add or move a teacher → place the kept totals.** The ledger's per-teacher totals carry the
/// teacher's school and county (the HR search's index), so whatever adds or moves teachers
/// (the teacher routes and the import) tells credit in its own transaction.
pub const PLACED: directory::Placed = credit::teachers_placed;
