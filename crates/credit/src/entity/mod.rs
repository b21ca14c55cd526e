//! sea-orm entities of the credit tables; private to the crate.

pub(crate) mod credit_chain;
pub(crate) mod credit_claim;
pub(crate) mod credit_entry;
pub(crate) mod credit_year_total;
pub(crate) mod transcript;
