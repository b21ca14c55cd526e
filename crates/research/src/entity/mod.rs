//! sea-orm entities of the research tables; private to the crate.

pub(crate) mod commendation;
pub(crate) mod commendation_entry;
pub(crate) mod mentorship;
pub(crate) mod recognised_title;
pub(crate) mod research_event;
pub(crate) mod studio;
pub(crate) mod studio_member;
pub(crate) mod workload_entry;
