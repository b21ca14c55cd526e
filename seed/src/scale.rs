//! Generated data at the size of a real prefecture or province, for benchmarks: schools,
//! teachers (through the same import as the API), five years of ledger history (through the
//! ledger's bulk path, so every chain verifies), certificates and the exam attempts behind them.

use anyhow::Context;
use chrono::{Datelike, NaiveDate, Utc};
use directory::{ImportOptions, NewOrgUnit, OrgKind, Stage, TeacherFilter};
use kernel::{Actor, Level, Role, Scope};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 8 counties, 800 schools of 150–1,000 students (about 460,000 in all), 35,000 teachers,
    /// about 400,000 ledger entries, about 30,000 certificates.
    Prefecture,
    /// Ten times the schools, 600,000 teachers, 6.6 million ledger entries.
    Province,
}

impl Scale {
    fn schools_per_county(self) -> usize {
        match self {
            Scale::Prefecture => 100,
            Scale::Province => 1000,
        }
    }

    fn teachers(self) -> usize {
        match self {
            Scale::Prefecture => 35_000,
            Scale::Province => 600_000,
        }
    }
}

/// What a scale run added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ScaleReport {
    pub schools: u64,
    pub teachers: u64,
    pub entries: u64,
    pub certificates: u64,
    pub attempts: u64,
}

const COUNTIES: [&str; 8] = ["ES-ESS", "ES-LCS", "ES-JSX", "ES-BDX", "ES-XEX", "ES-XFX", "ES-LFX", "ES-HFX"];
const CATEGORIES: [credit::Category; 4] = [
    credit::Category::OnlineCourse,
    credit::Category::OfflineTraining,
    credit::Category::ResearchEvent,
    credit::Category::External,
];

/// Generates the scale on top of the demo data; running it again adds nothing.
pub async fn load_scale(db: &DatabaseConnection, scale: Scale) -> anyhow::Result<ScaleReport> {
    crate::load_demo(db).await?;
    let (prefecture, path) = directory::org_unit_by_code(db, "ES").await?.context("no prefecture")?;
    let system = Actor {
        account_id: 0,
        role: Role::Admin,
        scope: Scope::Subtree { org_unit_id: prefecture.id, path },
    };
    let mut rng = StdRng::seed_from_u64(20261128);
    let mut report = ScaleReport::default();
    let per_school = scale.teachers().div_ceil(COUNTIES.len() * scale.schools_per_county());
    for (c, county_code) in COUNTIES.iter().enumerate() {
        let (county, _) = directory::org_unit_by_code(db, county_code).await?.context("no county")?;
        let mut csv = String::from("employee_no,name,phone,school_code,roles\n");
        for s in 0..scale.schools_per_county() {
            let code = format!("{county_code}-G{s:04}");
            if directory::org_unit_by_code(db, &code).await?.is_none() {
                let unit = NewOrgUnit {
                    kind: OrgKind::School,
                    code: code.clone(),
                    name: format!("{}第{}学校", county.name, s + 1),
                    parent_id: Some(county.id),
                    stage: Some([Stage::Primary, Stage::Junior, Stage::Senior, Stage::NineYear][s % 4]),
                    student_count: Some(rng.random_range(150..1000)),
                };
                directory::create_org_unit(db, &system, unit).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
                report.schools += 1;
            }
            for t in 0..per_school {
                let n = (c * scale.schools_per_county() + s) * per_school + t;
                let roles = match t {
                    0 => "mh_fulltime",
                    1 => "mh_parttime|head_teacher",
                    _ if t % 3 == 0 => "head_teacher",
                    _ => "",
                };
                csv.push_str(&format!("G{n:07},教师{n},15{n:09},{code},{roles}\n"));
            }
        }
        let options = ImportOptions {
            dry_run: false,
            default_password: Some(crate::DEMO_PASSWORD.to_owned()),
            skip_existing: true,
        };
        let created =
            directory::import_teachers(db, credit::teachers_placed, &system, csv.as_bytes(), options)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .created;
        report.teachers += created;
        if created > 0 {
            let path = county_path(db, county_code).await?;
            let generated = generated_teachers(db, &path).await?;
            report.entries += history(db, &generated, 11, Span::SCALE, &mut rng).await?;
            let ids: Vec<i64> = generated.iter().map(|(id, _)| *id).collect();
            let teachers: Vec<_> = directory::teachers_with_roles(db, &path)
                .await?
                .into_iter()
                .filter(|t| ids.contains(&t.id))
                .collect();
            let (certificates, attempts) = certificates(db, teachers, Span::SCALE, &mut rng).await?;
            report.certificates += certificates;
            report.attempts += attempts;
            refresh_statistics(db).await?;
        }
    }
    Ok(report)
}

/// PostgreSQL plans from statistics its autovacuum refreshes only now and then; after a
/// county's bulk load they would still describe near-empty tables, and the next county's
/// lookups would scan instead of using their indexes.
async fn refresh_statistics(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

async fn county_path(db: &DatabaseConnection, code: &str) -> anyhow::Result<String> {
    Ok(directory::org_unit_by_code(db, code).await?.context("no county")?.1)
}

/// The days generated history falls on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Span {
    /// Five years into the plan, for benchmarks.
    const SCALE: Span = Span {
        first: NaiveDate::from_ymd_opt(2021, 1, 1).expect("a date"),
        last: NaiveDate::from_ymd_opt(2026, 10, 28).expect("a date"),
    };

    /// A day of the span from `from` on, uniformly.
    pub(crate) fn day_from(self, from: NaiveDate, rng: &mut StdRng) -> NaiveDate {
        let from = from.clamp(self.first, self.last);
        from + chrono::Duration::days(rng.random_range(0..=(self.last - from).num_days()))
    }
}

/// The generated teachers of a subtree (employee numbers from `G`) with their numbers.
async fn generated_teachers(db: &DatabaseConnection, path: &str) -> anyhow::Result<Vec<(i64, String)>> {
    let filter = TeacherFilter { org_unit: None, role: None, q: Some("G".to_owned()) };
    let mut out = Vec::new();
    for row in db.query_all(&directory::teacher_selection(path, &filter)).await? {
        out.push((row.try_get("", directory::TEACHER_ID)?, row.try_get("", "employee_no")?));
    }
    Ok(out)
}

/// Certificates as a prefecture a few years into the plan might hold them: about 70 % of
/// teachers at C (some issued long enough ago to have expired), about half of the target group
/// at B, a handful of full-time MH teachers at A; each with the passed exam of its level a
/// month before, and one in four after a failed first try.
pub(crate) async fn certificates(
    db: &DatabaseConnection,
    teachers: Vec<directory::RosterTeacher>,
    span: Span,
    rng: &mut StdRng,
) -> anyhow::Result<(u64, u64)> {
    let exams = level_exams(db).await?;
    let mut attempts = Vec::new();
    let mut rows = Vec::new();
    for teacher in teachers {
        if !rng.random_bool(0.7) {
            continue;
        }
        let c_day = span.day_from(span.first, rng);
        rows.push(certification::HistoricCertificate {
            teacher_id: teacher.id,
            level: Level::C,
            issued_on: c_day,
        });
        if teacher.roles.is_empty() || !rng.random_bool(0.5) {
            continue;
        }
        let b_day = span.day_from(c_day, rng);
        rows.push(certification::HistoricCertificate {
            teacher_id: teacher.id,
            level: Level::B,
            issued_on: b_day,
        });
        if teacher.roles.contains(&directory::MhRole::MhFulltime) && rng.random_bool(0.3) {
            rows.push(certification::HistoricCertificate {
                teacher_id: teacher.id,
                level: Level::A,
                issued_on: b_day,
            });
        }
    }
    for row in &rows {
        let Some(&exam_id) = exams.get(&row.level) else { continue };
        let taken_at =
            (row.issued_on - chrono::Duration::days(30)).and_hms_opt(1, 30, 0).context("time")?.and_utc();
        let attempt = |taken_at, score: i64, passed| exams::HistoricAttempt {
            exam_id,
            teacher_id: row.teacher_id,
            taken_at,
            score: Decimal::from(score),
            passed,
        };
        if rng.random_bool(0.25) {
            attempts.push(attempt(taken_at - chrono::Duration::days(60), rng.random_range(30..60), false));
        }
        attempts.push(attempt(taken_at, rng.random_range(60..100), true));
    }
    let txn = kernel::begin_write(db).await?;
    let attempts = exams::import_attempts(&txn, attempts).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let count = certification::import_certificates(&txn, Utc::now(), rows)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    txn.commit().await?;
    Ok((count, attempts))
}

/// The exam of each level in the rule set in force.
async fn level_exams(db: &DatabaseConnection) -> anyhow::Result<std::collections::HashMap<Level, i64>> {
    let rule_sets = certification::list_rule_sets(db, kernel::PageRequest::parse(None, None)?)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(rule_sets
        .items
        .into_iter()
        .filter(|r| r.status == certification::RuleSetStatus::Active)
        .flat_map(|r| r.levels)
        .filter_map(|level| Some((level.level, level.exam_id?)))
        .collect())
}

/// `per_teacher` entries for each teacher on days of the span, of the categories training
/// comes in, through the ledger's bulk path (so every chain verifies).
pub(crate) async fn history(
    db: &DatabaseConnection,
    teachers: &[(i64, String)],
    per_teacher: usize,
    span: Span,
    rng: &mut StdRng,
) -> anyhow::Result<u64> {
    let mut entries = Vec::new();
    for (teacher_id, employee_no) in teachers {
        for i in 0..per_teacher {
            let occurred_on = span.day_from(span.first, rng);
            let year = occurred_on.year();
            entries.push(credit::NewEntry {
                teacher_id: *teacher_id,
                source: credit::Source::History {
                    category: CATEGORIES[rng.random_range(0..CATEGORIES.len())],
                    key: format!("{employee_no}:{i}"),
                },
                hours: Decimal::new(rng.random_range(10..120), 1),
                occurred_on,
                description: format!("{year} 年继续教育培训"),
                recorded_by: None,
            });
        }
    }
    let txn = kernel::begin_write(db).await?;
    let count =
        credit::import_history(&txn, Utc::now(), entries).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    txn.commit().await?;
    Ok(count)
}
