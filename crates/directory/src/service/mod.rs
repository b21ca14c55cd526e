//! The directory's use cases; each owns its transaction and returns domain values.

mod account_admin;
mod accounts;
mod audit;
mod auth;
mod import;
mod names;
mod offices;
mod org_units;
mod placement;
mod staffing;
mod teachers;
mod visibility;

pub use account_admin::{PasswordReset, reset_password, set_account_disabled};
pub use accounts::{
    Account, Contact, Me, MeScope, NewAccount, actor_for, create_account, display_name, mail_address, me,
    rename_teacher_account, staff_contacts, teacher_contact, username_exists,
};
pub use audit::{AuditEntry, audit_log, record_audit};
pub use auth::{Session, change_password, login, logout, refresh};
pub use import::{ImportOptions, ImportSummary, import_teachers};
pub use names::{AboutTeacher, name_teachers, named, named_page, role_facts};
pub use offices::{
    NewResearchOfficer, ResearchOfficer, appoint_research_officer, list_research_officers,
    remove_research_officer,
};
pub use org_units::{
    NewOrgUnit, OrgUnit, OrgUnitFilter, OrgUnitPatch, counties_under, county_of, create_org_unit,
    ensure_prefecture, get_org_unit, list_org_units, org_unit_by_code, org_unit_names, prefecture,
    update_org_unit,
};
pub use placement::{Placed, Placement, placements};
pub use staffing::{
    OfficeStaffing, OtherSubjectTeacher, StaffingReport, StaffingRow, StaffingTotals, staffing_report,
};
pub use teachers::{
    NewTeacher, RosterTeacher, TEACHER_ID, Teacher, TeacherFilter, TeacherPatch, create_teacher, get_teacher,
    list_teachers, mh_roles, roster_selection, scope_path, teacher_identity, teacher_scope_path,
    teacher_scope_paths, teacher_selection, teacher_selection_anywhere, teachers_by_ids, teachers_with_roles,
    update_teacher,
};
pub use visibility::{OwnerScope, ensure_owner_visible, owner_scope};
