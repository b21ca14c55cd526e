//! Ledger values and pure rules, no I/O.

mod category;
mod chain;
mod claim;
mod policy;
mod source;

pub use category::{ByDelivery, Category, Delivery};
pub(crate) use chain::{EntryContent, GENESIS_HASH};
pub use claim::{ClaimStatus, TrainingForm};
pub(crate) use kernel::{from_tenths, to_tenths};
pub use policy::{CreditPolicy, Cycle};
pub use source::{SOURCE_KINDS, Source};
