//! End-to-end tests: each spawns the real server over HTTP on its own database.

mod helpers;

mod auth;
mod directory;
mod errors;
mod import;
mod openapi;
mod staffing;
