//! Teaching research: events at every level run through the shared attendance component, the
//! "three county-level events a year" rule and its report, mentor pairs and studios, and MH
//! teachers' counselling workload converted to subsidised class hours.

pub mod domain;
mod entity;
mod service;

pub use domain::{EventForm, EventLevel, EventStatus, WorkloadKind, WorkloadStatus};
pub use service::*;
