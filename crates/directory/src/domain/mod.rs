//! Directory values and pure rules, no I/O: once you hold one of these values it is valid.

mod org;
mod password;
mod person;
mod staffing;

pub use org::{OrgKind, Stage};
pub use password::Password;
pub(crate) use password::{hash_password, verify_password};
pub use person::{Email, EmployeeNo, Gender, MhRole, Phone};
pub use staffing::required_fulltime;
