//! The schema, one migration per change, written with sea-query so the same migration runs on
//! SQLite and PostgreSQL. Migrations never import entity code: entities change, history does not.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_directory;
mod m20261128_000002_credit;
mod m20261128_000003_training;
mod m20261128_000004_exams;
mod m20261128_000005_research;
mod m20261128_000006_outbox;
mod m20261128_000007_lesson_quiz;
mod m20261130_000008_certification;
mod m20261130_000009_credit_totals;
mod m20261130_000010_person_school_index;
mod m20261201_000011_presence;
mod m20261201_000012_lesson_content;
mod m20261201_000013_notification_read;
mod m20261202_000014_occasions_and_accounts;
mod m20261202_000015_titles_and_offices;
mod m20261202_000016_kept_totals_place;
mod util;

/// Applies every migration in order; `qualify migrate` and the tests run it.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_directory::Migration),
            Box::new(m20261128_000002_credit::Migration),
            Box::new(m20261128_000003_training::Migration),
            Box::new(m20261128_000004_exams::Migration),
            Box::new(m20261128_000005_research::Migration),
            Box::new(m20261128_000006_outbox::Migration),
            Box::new(m20261128_000007_lesson_quiz::Migration),
            Box::new(m20261130_000008_certification::Migration),
            Box::new(m20261130_000009_credit_totals::Migration),
            Box::new(m20261130_000010_person_school_index::Migration),
            Box::new(m20261201_000011_presence::Migration),
            Box::new(m20261201_000012_lesson_content::Migration),
            Box::new(m20261201_000013_notification_read::Migration),
            Box::new(m20261202_000014_occasions_and_accounts::Migration),
            Box::new(m20261202_000015_titles_and_offices::Migration),
            Box::new(m20261202_000016_kept_totals_place::Migration),
        ]
    }
}
