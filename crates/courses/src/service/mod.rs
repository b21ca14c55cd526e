//! The training use cases.

mod catalog;
mod dashboard;
mod enrollment;
mod learning;
mod lesson_edit;
mod session_edit;
mod sessions;

pub use catalog::{
    Course, CourseFilter, CoursePatch, LessonProgressView, LessonView, ModuleView, NewCourse, NewLesson,
    NewModule, create_course, get_course, list_courses, update_course,
};
pub use dashboard::{Dashboard, DashboardCourse, DashboardSession, dashboard};
pub use enrollment::{EnrollmentView, enroll, my_enrollments};
pub use learning::{
    Challenge, HeartbeatInput, ProgressBatch, ProgressReport, ProgressWriter, answer_challenge,
    check_progress, credit_progress, progress_writer,
};
pub use lesson_edit::{LessonPatch, update_lesson};
pub use session_edit::{NewSession, SessionPatch, create_session, update_session};
pub use sessions::{
    Session, SessionAttendance, SessionFilter, SessionRow, Sessions, enqueue_session_reminders, get_session,
    list_sessions, session_attendance,
};
