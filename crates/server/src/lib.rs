//! The `qualify` server: HTTP routes, authentication, error mapping, OpenAPI, configuration and
//! start-up. Every rule lives in the domain crates; this crate only translates HTTP to calls.

pub mod auth;
pub mod config;
mod contract;
pub mod credential;
pub mod db;
pub mod error;
pub(crate) mod extract;
mod fallback;
mod invalid;
mod lang;
pub mod openapi;
pub mod pipeline;
mod rate;
mod render;
pub mod routes;
mod security;
pub mod startup;
pub mod state;
mod table;
mod verify_pages;
mod web_app;
