//! The credit ledger: one append-only, hash-chained record of every training hour (学时) a
//! teacher earns. Activities post into it through the [`Ledger`] handle inside their own transaction;
//! certification and HR read from it. Also: admin adjustments and reversals, claims for
//! training done elsewhere, statements and totals against the continuing-education cycle,
//! HR search, verifiable transcripts and the audit log of who read whose credits.

mod domain;
mod entity;
mod ledger;
mod posting;
mod service;

pub use domain::{
    ByDelivery, Category, ClaimStatus, CreditPolicy, Cycle, Delivery, SOURCE_KINDS, Source, TrainingForm,
};
pub use ledger::{
    ChainCheck, Entry, MAX_ENTRY_HOURS, NewEntry, Posted, entries_of_sources, import_history,
    live_entry_of_source_prefix, lock_chain, teachers_placed, teachers_with_ledger, verify_chain,
};
pub use posting::{AfterPost, Ledger, post_certificate};
pub use service::*;
