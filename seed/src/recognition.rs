//! Who the demo prefecture recognises and appoints, through the same services as the desk:
//! 州级心理健康教育名师 and 县级骨干教师/名师 granted on past days (fewer than the plan's
//! targets, one of each revoked since), MH research officers appointed to the prefecture's
//! office and most counties' (two counties' offices still lack one, which the staffing report
//! names), and a handful of full-time MH teachers who also teach another subject.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use directory::{NewResearchOfficer, OrgUnit, TeacherPatch};
use kernel::Actor;
use rand::Rng;
use rand::rngs::StdRng;
use research::{NewTitle, TitleKind, TitleRevocation};
use sea_orm::DatabaseConnection;

use crate::cast::Member;

/// What the history recognised and appointed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Recognised {
    pub titles: u64,
    pub titles_revoked: u64,
    pub officers: u64,
    pub other_subject: u64,
}

/// Offices (by county, in the tree's order) left without an officer.
const COUNTIES_LACKING_OFFICER: [usize; 2] = [3, 6];
const OTHER_SUBJECTS: [&str; 5] = ["语文", "道德与法治", "生物", "数学", "英语"];

/// Grants titles, appoints officers and records other subjects, among the full-time MH
/// members.
pub(crate) async fn recognition_history(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    system: &Actor,
    (prefecture, counties): (&OrgUnit, &[OrgUnit]),
    members: &[Member],
    rng: &mut StdRng,
) -> anyhow::Result<Recognised> {
    let today = kernel::china_date(now);
    let mut fulltime: BTreeMap<i64, Vec<&Member>> = BTreeMap::new();
    for member in members.iter().filter(|m| m.fulltime()) {
        fulltime.entry(member.county_id).or_default().push(member);
    }
    let by_county: Vec<Vec<&Member>> =
        counties.iter().map(|c| fulltime.remove(&c.id).unwrap_or_default()).collect();
    let (titles, titles_revoked) = titles(db, today, system, &by_county, rng).await?;
    let officers = officers(db, today, system, (prefecture, counties), &by_county, rng).await?;
    let other_subject = other_subjects(db, system, &by_county, rng).await?;
    Ok(Recognised { titles, titles_revoked, officers, other_subject })
}

/// A prefecture master teacher in every other county and a few key teachers in each, one of
/// each kind revoked since. Returns (granted, revoked).
async fn titles(
    db: &DatabaseConnection,
    today: NaiveDate,
    system: &Actor,
    by_county: &[Vec<&Member>],
    rng: &mut StdRng,
) -> anyhow::Result<(u64, u64)> {
    let masters: Vec<&Member> = by_county.iter().step_by(2).filter_map(|c| c.last().copied()).collect();
    let keys: Vec<&Member> =
        by_county.iter().flat_map(|c| c.iter().take(rng.random_range(2..=4)).copied()).collect();
    let mut counted = (0, 0);
    for (kind, holders, why_revoked) in [
        (TitleKind::PrefectureMhMaster, &masters, "调离心理健康教育岗位"),
        (TitleKind::CountyKeyTeacher, &keys, "退休"),
    ] {
        let (granted, revoked) = grant(db, today, system, kind, holders, why_revoked, rng).await?;
        counted = (counted.0 + granted, counted.1 + revoked);
    }
    Ok(counted)
}

/// The prefecture's officer and the first full-time MH teacher of each county but
/// [`COUNTIES_LACKING_OFFICER`], appointed on days of the last few years.
async fn officers(
    db: &DatabaseConnection,
    today: NaiveDate,
    system: &Actor,
    (prefecture, counties): (&OrgUnit, &[OrgUnit]),
    by_county: &[Vec<&Member>],
    rng: &mut StdRng,
) -> anyhow::Result<u64> {
    let prefecture_officer = by_county.first().and_then(|c| c.get(1));
    let county_officers = by_county
        .iter()
        .zip(counties)
        .enumerate()
        .filter(|(c, _)| !COUNTIES_LACKING_OFFICER.contains(c))
        .filter_map(|(_, (teachers, county))| Some((county.id, *teachers.first()?)));
    let appointments = prefecture_officer.map(|m| (prefecture.id, *m)).into_iter().chain(county_officers);
    let mut appointed = 0;
    for (office, officer) in appointments {
        let appointed_on = today - Duration::days(rng.random_range(200..=1000));
        let body = NewResearchOfficer { teacher_id: officer.id, appointed_on };
        directory::appoint_research_officer(db, at_ten(appointed_on), system, office, body)
            .await
            .map_err(crate::describe)?;
        appointed += 1;
    }
    Ok(appointed)
}

/// A few full-time MH teachers who also teach another subject (the staffing report lists them).
async fn other_subjects(
    db: &DatabaseConnection,
    system: &Actor,
    by_county: &[Vec<&Member>],
    rng: &mut StdRng,
) -> anyhow::Result<u64> {
    let everyone: Vec<&Member> = by_county.iter().flatten().copied().collect();
    let picked = rand::seq::index::sample(rng, everyone.len(), OTHER_SUBJECTS.len().min(everyone.len()));
    for (subject, i) in OTHER_SUBJECTS.iter().zip(picked.iter()) {
        let patch = TeacherPatch { other_subject: Some((*subject).to_owned()), ..Default::default() };
        directory::update_teacher(db, credit::teachers_placed, system, everyone[i].id, patch)
            .await
            .map_err(crate::describe)?;
    }
    Ok(picked.len() as u64)
}

/// Grants `kind` to each holder on a day of the last two years; the last grant is revoked
/// since, halfway to today. Returns (granted, revoked).
async fn grant(
    db: &DatabaseConnection,
    today: NaiveDate,
    system: &Actor,
    kind: TitleKind,
    holders: &[&Member],
    why_revoked: &str,
    rng: &mut StdRng,
) -> anyhow::Result<(u64, u64)> {
    let mut last = None;
    for holder in holders {
        let granted_on = today - Duration::days(rng.random_range(60..=700));
        let reason = match kind {
            TitleKind::PrefectureMhMaster => "州级心理健康教育优质课一等奖，主持心理名师工作室",
            TitleKind::CountyKeyTeacher => "县级心理健康教育教研骨干，承担青蓝结对指导",
        };
        let body = NewTitle { kind, granted_on, reason: reason.to_owned() };
        let title = research::grant_title(db, at_ten(granted_on), system, holder.id, body)
            .await
            .map_err(crate::describe)?;
        last = Some(title);
    }
    let Some(title) = last else { return Ok((0, 0)) };
    let revoked_on = title.granted_on + Duration::days((today - title.granted_on).num_days() / 2);
    let body = TitleRevocation { revoked_on, reason: why_revoked.to_owned() };
    research::revoke_title(db, at_ten(revoked_on), system, title.id, body).await.map_err(crate::describe)?;
    Ok((holders.len() as u64, 1))
}

/// 10:00 on a day, China time: when an office acts on it.
fn at_ten(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(2, 0, 0).unwrap_or_default().and_utc()
}
