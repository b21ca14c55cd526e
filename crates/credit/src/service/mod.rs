//! The ledger's use cases beyond posting.

mod access;
mod adjustments;
mod chain;
mod claims;
mod evidence;
mod search;
mod statement;
mod transcript;

pub use adjustments::{Adjustment, adjust};
pub use chain::verify_teacher_chain;
pub use claims::{
    ClaimDecision, CreditClaim, NewClaim, approve_claim, claims_in_scope, my_claims, reject_claim,
    submit_claim,
};
pub use evidence::{EntryFact, entry_facts};
pub use search::{CreditExport, CreditSearch, SearchSort, TeacherCredits, search_credits};
pub use statement::{
    CreditStatement, EntryFilter, EntryWindow, Totals, hours_by_category, teacher_credits, year_by_delivery,
};
pub use transcript::{Transcript, TranscriptTeacher, TranscriptVerification, transcript, verify_transcript};
