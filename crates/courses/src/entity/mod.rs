//! sea-orm entities of the training tables; private to the crate.

pub(crate) mod course;
pub(crate) mod course_module;
pub(crate) mod enrollment;
pub(crate) mod learning_interval;
pub(crate) mod lesson;
pub(crate) mod lesson_progress;
pub(crate) mod offline_session;
pub(crate) mod presence_challenge;
