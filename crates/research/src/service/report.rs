use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Utc};
use directory::{MhRole, TEACHER_ID, TeacherFilter};
use kernel::{Actor, Permission, Result};
use rust_decimal::Decimal;
use sea_orm::{Condition, ConnectionTrait};
use serde::Serialize;

use attendance::Occasion;

use super::events::{counted_events, events_of_year, occasion};
use kernel::china_year;

/// One full-time MH teacher's year under the three-a-year rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResearchRow {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    /// 工号, as HR offices file people.
    #[cfg_attr(feature = "openapi", schema(example = "ES00017"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub teacher_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    /// Every attended event of the year, at any level.
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub attended: u32,
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub attended_county_or_above: u32,
    pub compliant: bool,
    /// Fewer county-level events than the share of the year gone by asks for.
    pub behind_pace: bool,
}

/// The share of a school's or county's full-time MH teachers who comply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitCompliance {
    #[cfg_attr(feature = "openapi", schema(example = 2))]
    pub org_unit_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市"))]
    pub org_unit_name: String,
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub fulltime_mh_teachers: u32,
    #[cfg_attr(feature = "openapi", schema(example = 9))]
    pub compliant: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.75"))]
    pub share: Decimal,
}

/// `GET /reports/research`: teachers behind pace first, then per school and county.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResearchReport {
    #[cfg_attr(feature = "openapi", schema(example = 2026))]
    pub year: i32,
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub threshold: u32,
    /// The subtree's full-time MH teachers together.
    pub summary: ResearchSummary,
    /// One row per full-time MH teacher, those behind pace first.
    pub items: Vec<ResearchRow>,
    pub schools: Vec<UnitCompliance>,
    pub counties: Vec<UnitCompliance>,
}

/// How a subtree's full-time MH teachers stand under the three-a-year rule, together.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResearchSummary {
    #[cfg_attr(feature = "openapi", schema(example = 40))]
    pub fulltime_mh_teachers: u32,
    #[cfg_attr(feature = "openapi", schema(example = 30))]
    pub compliant: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.75"))]
    pub share: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 4))]
    pub behind_pace: u32,
}

fn share(compliant: u32, total: u32) -> Decimal {
    if total == 0 {
        Decimal::ZERO
    } else {
        (Decimal::from(compliant) / Decimal::from(total)).round_dp(4).normalize()
    }
}

/// The three-a-year report over a subtree for a calendar (China-time) year.
pub async fn research_report(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    actor: &Actor,
    org_unit: Option<i64>,
    year: i32,
    threshold: u32,
) -> Result<ResearchReport> {
    let path = directory::scope_path(db, actor, org_unit, Permission::ReadDirectory).await?;
    let filter = TeacherFilter { org_unit: None, role: Some(MhRole::MhFulltime), q: None };
    let teachers = db.query_all(&directory::teacher_selection(&path, &filter)).await?;
    let counted: Vec<i64> = counted_events(db, year, Condition::all()).await?.iter().map(|e| e.id).collect();
    let all: Vec<Occasion> = events_of_year(db, year, Condition::all()).await?.iter().map(occasion).collect();
    let mut any_level: HashMap<i64, u32> = HashMap::new();
    let mut county_level: HashMap<i64, u32> = HashMap::new();
    for (event, teacher) in attendance::attended_pairs(db, &all).await? {
        *any_level.entry(teacher).or_default() += 1;
        if counted.contains(&event) {
            *county_level.entry(teacher).or_default() += 1;
        }
    }
    let elapsed = if year < china_year(now) {
        1.0
    } else if year > china_year(now) {
        0.0
    } else {
        f64::from(now.ordinal()) / 365.0
    };
    let expected_by_now = (f64::from(threshold) * elapsed).floor() as u32;
    let mut rows = Vec::new();
    let mut per_school: BTreeMap<i64, (u32, u32)> = BTreeMap::new();
    let mut per_county: BTreeMap<i64, (u32, u32)> = BTreeMap::new();
    for t in &teachers {
        let id: i64 = t.try_get("", TEACHER_ID)?;
        let school_id: i64 = t.try_get("", "school_id")?;
        let county_id: Option<i64> = t.try_get("", "county_id")?;
        let county = county_level.get(&id).copied().unwrap_or(0);
        let compliant = county >= threshold;
        for (unit, map) in [(Some(school_id), &mut per_school), (county_id, &mut per_county)] {
            if let Some(unit) = unit {
                let entry = map.entry(unit).or_default();
                entry.0 += 1;
                entry.1 += u32::from(compliant);
            }
        }
        rows.push(ResearchRow {
            teacher_id: id,
            employee_no: t.try_get("", "employee_no")?,
            teacher_name: t.try_get("", "name")?,
            school_name: t.try_get("", "school_name")?,
            attended: any_level.get(&id).copied().unwrap_or(0),
            attended_county_or_above: county,
            compliant,
            behind_pace: !compliant && county < expected_by_now.max(u32::from(elapsed >= 1.0) * threshold),
        });
    }
    rows.sort_by_key(|r| (r.compliant, !r.behind_pace, r.attended_county_or_above, r.teacher_id));
    let ids: Vec<i64> = per_school.keys().chain(per_county.keys()).copied().collect();
    let names = directory::org_unit_names(db, &ids).await?;
    let units = |map: BTreeMap<i64, (u32, u32)>| -> Vec<UnitCompliance> {
        map.into_iter()
            .map(|(id, (total, ok))| UnitCompliance {
                org_unit_id: id,
                org_unit_name: names.get(&id).cloned().unwrap_or_default(),
                fulltime_mh_teachers: total,
                compliant: ok,
                share: share(ok, total),
            })
            .collect()
    };
    let count = |keep: fn(&ResearchRow) -> bool| {
        u32::try_from(rows.iter().filter(|r| keep(r)).count()).unwrap_or(u32::MAX)
    };
    let (teachers, compliant) = (count(|_| true), count(|r| r.compliant));
    let summary = ResearchSummary {
        fulltime_mh_teachers: teachers,
        compliant,
        share: share(compliant, teachers),
        behind_pace: count(|r| r.behind_pace),
    };
    Ok(ResearchReport {
        year,
        threshold,
        summary,
        items: rows,
        schools: units(per_school),
        counties: units(per_county),
    })
}

/// From 1 September (China time), tells each full-time MH teacher still short of the year's
/// county-level events how far behind they are — once per teacher and year.
pub async fn enqueue_behind_pace(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
    required: u32,
) -> Result<u32> {
    let year = china_year(now);
    let september = chrono::NaiveDate::from_ymd_opt(year, 9, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc() - chrono::Duration::hours(8));
    if september.is_none_or(|start| now < start) {
        return Ok(0);
    }
    let counted: Vec<Occasion> =
        counted_events(db, year, Condition::all()).await?.iter().map(occasion).collect();
    let mut attended: HashMap<i64, u32> = HashMap::new();
    for (_, teacher) in attendance::attended_pairs(db, &counted).await? {
        *attended.entry(teacher).or_default() += 1;
    }
    let filter = TeacherFilter { org_unit: None, role: Some(MhRole::MhFulltime), q: None };
    let txn = kernel::begin_write(db).await?;
    let mut queued = 0;
    for row in txn.query_all(&directory::teacher_selection("/", &filter)).await? {
        let teacher: i64 = row.try_get("", TEACHER_ID)?;
        let count = attended.get(&teacher).copied().unwrap_or(0);
        if count >= required {
            continue;
        }
        let Some(contact) = directory::teacher_contact(&txn, teacher).await? else { continue };
        let mail = notify::Mail::BehindPace {
            name: contact.name,
            year,
            attended: count,
            required,
            path: "/me/research-events".to_owned(),
        };
        let dedup_key = Some(format!("behind_pace:{year}:{teacher}"));
        notify::enqueue(
            &txn,
            now,
            notify::Envelope { to: contact.email, english: contact.english, mail, dedup_key },
        )
        .await?;
        queued += 1;
    }
    txn.commit().await?;
    Ok(queued)
}
