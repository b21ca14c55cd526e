//! The research use cases.

mod commendations;
mod events;
mod groups;
mod report;
mod titles;
mod workload;

pub use commendations::{
    Commendation, CommendationEntry, CommendationSummary, NewCommendation, NewCommendationEntry,
    create_commendation, get_commendation, list_commendations,
};
pub use events::{
    Event, EventAttendance, EventFilter, EventPatch, EventRow, Events, NewEvent, ResearchProgress,
    create_event, enqueue_event_reminders, event_attendance, get_event, list_events, my_events,
    research_progress, update_event,
};
pub use groups::{
    Mentorship, NewMentorship, NewStudio, Studio, create_mentorship, create_studio, list_mentorships,
    list_studios,
};
pub use report::{ResearchReport, ResearchRow, UnitCompliance, enqueue_behind_pace, research_report};
pub use titles::{
    NewTitle, Title, TitleCountyRow, TitleFilter, TitleReport, TitleRevocation, TitleSummary, TitleTarget,
    grant_title, list_titles, revoke_title, title_report,
};
pub use workload::{
    NewWorkload, PracticeRecord, WorkloadEntry, WorkloadReport, WorkloadRow, decide_workload, log_workload,
    my_workload, practice_facts, workload_report,
};
