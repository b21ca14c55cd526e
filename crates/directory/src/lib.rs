//! The org directory: org units (prefecture → county → school), teachers and their MH roles,
//! accounts with their scope, authentication, and the staffing-ratio report.
//!
//! Services take a database connection and an [`kernel::Actor`], check scope through
//! [`kernel::Actor::authorize`], and return domain values; nothing here knows about HTTP.

mod domain;
mod entity;
mod repo;
mod service;

pub use domain::{Email, EmployeeNo, Gender, MhRole, OrgKind, Password, Phone, Stage, required_fulltime};
pub use service::*;
