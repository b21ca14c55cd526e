//! sea-orm entities of the certification tables; private to the crate.

pub(crate) mod application;
pub(crate) mod certificate;
pub(crate) mod rule_set;
pub(crate) mod serial;
