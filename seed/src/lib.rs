//! Demo data: the 恩施州 prefecture, its 8 counties and cities, 48 schools, about 500 teachers,
//! one account per staff role and a few published courses (one of sub-minute videos to try the
//! learning flow by hand). The data are the CSV and JSON files in `seed/data/` (regenerate them with
//! `seed/generate.py`); loading goes through the directory's services, so every rule the API
//! enforces holds for the demo too. Loading twice changes nothing.

mod cast;
mod events;
mod history;
mod qualification;
mod recognition;
mod scale;
mod workload;

use std::fmt;

pub use history::{HistoryReport, load_history};
pub use scale::{Scale, ScaleReport, load_scale};

use anyhow::Context;
use directory::{ImportOptions, NewAccount, NewOrgUnit, OrgKind, Stage};
use kernel::{Actor, Role, Scope};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

const ORG_UNITS: &str = include_str!("../data/org_units.csv");
const TEACHERS: &str = include_str!("../data/teachers.csv");
const ACCOUNTS: &str = include_str!("../data/accounts.csv");
const COURSES: &str = include_str!("../data/courses.json");

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo1234";
/// The demo teacher's login name, given to the first teacher of `teachers.csv` (a head teacher).
pub const DEMO_TEACHER_LOGIN: &str = "teacher";

#[derive(Deserialize)]
struct OrgRow {
    code: String,
    name: String,
    kind: String,
    parent_code: String,
    stage: String,
    student_count: Option<u32>,
}

/// A course of `courses.json`: the API's create body, with the owner named by org code.
#[derive(Deserialize)]
struct CourseRow {
    org_code: String,
    #[serde(flatten)]
    body: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct AccountRow {
    username: String,
    role: String,
    org_code: String,
    email: String,
}

/// What a seed run added; all zeros on a second run.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub org_units: u64,
    pub teachers: u64,
    pub accounts: u64,
    pub courses: u64,
    pub exams: u64,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "demo data loaded: {} org units, {} teachers, {} staff accounts, {} courses, {} qualification exams added (existing ones kept); default rule set in force",
            self.org_units, self.teachers, self.accounts, self.courses, self.exams
        )
    }
}

/// Loads the demo prefecture; existing records (by code, employee number, username) are kept.
pub async fn load_demo(db: &DatabaseConnection) -> anyhow::Result<SeedReport> {
    let mut report = SeedReport::default();
    let mut rows = csv::Reader::from_reader(ORG_UNITS.as_bytes()).into_deserialize::<OrgRow>();
    let root: OrgRow = rows.next().context("org_units.csv is empty")??;
    let prefecture = directory::ensure_prefecture(db, &root.code, &root.name).await.map_err(describe)?;
    let (_, path) =
        directory::org_unit_by_code(db, &prefecture.code).await?.context("prefecture vanished")?;
    let system = Actor {
        account_id: 0,
        role: Role::Admin,
        scope: Scope::Subtree { org_unit_id: prefecture.id, path },
    };

    for row in rows {
        let row = row?;
        if directory::org_unit_by_code(db, &row.code).await?.is_some() {
            continue;
        }
        let (parent, _) = directory::org_unit_by_code(db, &row.parent_code)
            .await?
            .with_context(|| format!("no parent {}", row.parent_code))?;
        let unit = NewOrgUnit {
            kind: OrgKind::parse(&row.kind).with_context(|| format!("bad kind {}", row.kind))?,
            code: row.code,
            name: row.name,
            parent_id: Some(parent.id),
            stage: if row.stage.is_empty() {
                None
            } else {
                Some(Stage::parse(&row.stage).map_err(|e| anyhow::anyhow!("{e:?}"))?)
            },
            student_count: row.student_count,
        };
        directory::create_org_unit(db, &system, unit).await.map_err(describe)?;
        report.org_units += 1;
    }

    let options = ImportOptions {
        dry_run: false,
        default_password: Some(DEMO_PASSWORD.to_owned()),
        skip_existing: true,
    };
    report.teachers =
        directory::import_teachers(db, credit::teachers_placed, &system, TEACHERS.as_bytes(), options)
            .await
            .map_err(describe)?
            .created;
    let first_teacher = demo_teacher_employee_no()?;
    directory::rename_teacher_account(db, &first_teacher, DEMO_TEACHER_LOGIN).await.map_err(describe)?;

    for row in csv::Reader::from_reader(ACCOUNTS.as_bytes()).into_deserialize::<AccountRow>() {
        let row = row?;
        if directory::username_exists(db, &row.username).await? {
            continue;
        }
        let (unit, _) = directory::org_unit_by_code(db, &row.org_code)
            .await?
            .with_context(|| format!("no unit {}", row.org_code))?;
        let account = NewAccount {
            username: row.username,
            password: DEMO_PASSWORD.to_owned(),
            role: row.role,
            org_unit_id: unit.id,
            email: Some(row.email),
            language: None,
        };
        directory::create_account(db, &system, account).await.map_err(describe)?;
        report.accounts += 1;
    }

    let existing = courses::list_courses(
        db,
        &system,
        courses::CourseFilter::default(),
        kernel::PageRequest::parse(None, Some(200))?,
    )
    .await
    .map_err(describe)?;
    for row in serde_json::from_str::<Vec<CourseRow>>(COURSES)? {
        let (unit, _) = directory::org_unit_by_code(db, &row.org_code)
            .await?
            .with_context(|| format!("no unit {}", row.org_code))?;
        let mut body = row.body;
        body.insert("org_unit_id".to_owned(), unit.id.into());
        let course: courses::NewCourse = serde_json::from_value(serde_json::Value::Object(body))?;
        if existing.items.iter().any(|c| c.title == course.title) {
            continue;
        }
        courses::create_course(db, chrono::Utc::now(), &system, course).await.map_err(describe)?;
        report.courses += 1;
    }
    report.exams = qualification::load(db, &system, prefecture.id).await?;
    Ok(report)
}

/// The employee number of the teacher behind the demo login: the first of `teachers.csv`.
fn demo_teacher_employee_no() -> anyhow::Result<String> {
    let first = TEACHERS.lines().nth(1).and_then(|line| line.split(',').next()).context("no demo teacher")?;
    Ok(first.to_owned())
}

/// Domain errors in the seed are bugs in the data files: say which rule they broke.
fn describe(error: kernel::Error) -> anyhow::Error {
    match error {
        kernel::Error::Invalid(fields) => {
            let list: Vec<String> =
                fields.iter().map(|f| format!("line {:?} {}: {}", f.row, f.field, f.message.en)).collect();
            anyhow::anyhow!("demo data violates a rule: {}", list.join("; "))
        }
        other => anyhow::Error::new(other),
    }
}
