//! Teaching research: events at every level run through the shared attendance component, the
//! "three county-level events a year" rule and its report, mentor pairs and studios, and MH
//! teachers' counselling workload converted to subsidised class hours, and the recognised
//! titles (州级名师, 县级骨干) counted against the plan's targets, with the periodic
//! commendation list.

pub mod domain;
mod entity;
mod service;

pub use domain::{
    EventForm, EventLevel, EventStatus, TargetStanding, TitleKind, WorkloadKind, WorkloadStatus,
};
pub use service::*;
