//! End-to-end tests: each spawns the real server over HTTP on its own database.

mod helpers;

mod account_admin;
mod auth;
mod certification;
mod claims;
mod course_edit;
mod credits;
mod demo_history;
mod directory;
mod errors;
mod exams;
mod exports;
mod hr;
mod import;
mod integrity;
mod learning;
mod lesson_progress;
mod mail;
mod matrix;
mod offices;
mod openapi;
mod reliability;
mod replica;
mod research;
mod session_edit;
mod sessions;
mod staffing;
mod teacher_app;
mod titles;
mod web_app;
