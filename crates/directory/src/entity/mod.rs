//! sea-orm entities of the directory tables; private to the crate.

pub(crate) mod account;
pub(crate) mod audit_log;
pub(crate) mod org_unit;
pub(crate) mod person;
pub(crate) mod person_role;
pub(crate) mod refresh_token;
pub(crate) mod research_officer;
