//! The research use cases.

mod events;
mod groups;
mod report;
mod workload;

pub use events::{
    Event, EventFilter, EventPatch, EventRow, Events, NewEvent, ResearchProgress, create_event,
    enqueue_event_reminders, event_attendance, get_event, list_events, my_events, research_progress,
    update_event,
};
pub use groups::{
    Mentorship, NewMentorship, NewStudio, Studio, create_mentorship, create_studio, list_mentorships,
    list_studios,
};
pub use report::{ResearchReport, ResearchRow, UnitCompliance, enqueue_behind_pace, research_report};
pub use workload::{
    NewWorkload, PracticeRecord, WorkloadEntry, WorkloadReport, WorkloadRow, decide_workload, log_workload,
    my_workload, practice_facts, workload_report,
};
