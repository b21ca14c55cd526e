//! Ledger values and pure rules, no I/O.

mod category;
mod chain;
mod claim;
mod policy;
mod tenths;

pub use category::Category;
pub(crate) use chain::{EntryContent, GENESIS_HASH};
pub use claim::{ClaimStatus, TrainingForm};
pub use policy::{CreditPolicy, Cycle};
pub(crate) use tenths::{from_tenths, to_tenths};
