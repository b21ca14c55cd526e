//! sea-orm entities of the attendance tables; private to the crate.

pub(crate) mod attendance_closure;
pub(crate) mod attendance_mark_log;
pub(crate) mod attendance_record;
pub(crate) mod attendance_registration;
