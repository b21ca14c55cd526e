//! The teaching research of the demo's history, last year and this year up to yesterday: the
//! prefecture's and every county's events in the plan's forms, and one school's own per county
//! (which does not count toward three a year), held through the real attendance flow at the
//! times they took place. Teachers register and scan the code in and out, the organiser marks a
//! forgotten check-out and a late paper sheet by hand and closes the event, so the hours reach
//! the ledger as they do in production. Counties differ in how keen their full-time MH teachers
//! are, so the three-a-year shares differ by county.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use directory::{MhRole, OrgUnit};
use kernel::Actor;
use rand::Rng;
use rand::rngs::StdRng;
use research::{EventForm, EventLevel, NewEvent};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;

mod hold;

use crate::cast::Member;
use crate::scale::Span;

/// The prefecture's events, each once a year.
const PREFECTURE_EVENTS: [(EventForm, &str); 3] = [
    (EventForm::Collective, "全州中小学心理健康教育大教研"),
    (EventForm::Training, "全州专兼职心理健康教师专题培训"),
    (EventForm::Showcase, "全州心理健康教育优质课展示活动"),
];

/// What a county's events are; each county holds a run of [`COUNTY_EVENTS_PER_YEAR`] a year.
const COUNTY_EVENTS: [(EventForm, &str); 7] = [
    (EventForm::Stage, "小学段心理健康教育小教研"),
    (EventForm::Stage, "中学段心理健康教育小教研"),
    (EventForm::Micro, "心理健康教育协作体微教研"),
    (EventForm::Mentoring, "心理健康教育青蓝结对教研"),
    (EventForm::Exchange, "心理健康教育交流研讨会"),
    (EventForm::Studio, "心理名师工作室开放日"),
    (EventForm::Workshop, "心理教师读书沙龙"),
];
const COUNTY_EVENTS_PER_YEAR: usize = 4;

/// Weights of how many county-or-higher events (0 to 5) a full-time MH teacher signs up for in
/// a year, in a keen, a middling and a lagging county; counties take them in turn.
const KEENNESS: [[u32; 6]; 3] = [[1, 1, 2, 4, 3, 2], [2, 4, 4, 2, 1, 0], [4, 5, 3, 1, 0, 0]];
/// An event to hold and the members (by index) who sign up for it.
struct Plan {
    body: NewEvent,
    /// The county whose teachers it is open to; `None` for the whole prefecture.
    county: Option<i64>,
    attendees: Vec<usize>,
}

impl Plan {
    /// An event of `unit` on `day` (China time), at the time of day and length its form takes.
    fn new(
        unit: i64,
        level: EventLevel,
        (form, title): (EventForm, String),
        place: String,
        day: NaiveDate,
    ) -> Self {
        let (start, minutes, hours) = match form {
            EventForm::Training => ((9, 0), 480, Decimal::from(6)),
            EventForm::Micro | EventForm::Workshop => ((14, 30), 150, Decimal::new(25, 1)),
            _ => ((9, 0), 180, Decimal::from(3)),
        };
        let starts_at =
            day.and_hms_opt(start.0, start.1, 0).unwrap_or_default().and_utc() - Duration::hours(8);
        let (capacity, audience_roles) = match level {
            EventLevel::Prefecture => (300, vec![MhRole::MhFulltime, MhRole::MhParttime]),
            EventLevel::County => (80, vec![MhRole::MhFulltime, MhRole::MhParttime]),
            EventLevel::School => (40, Vec::new()),
        };
        let body = NewEvent {
            title,
            form,
            level,
            org_unit_id: Some(unit),
            starts_at,
            ends_at: starts_at + Duration::minutes(minutes),
            place,
            online_link: None,
            hours,
            capacity,
            audience_roles,
            min_presence_percent: None,
            closing_window_minutes: None,
        };
        Plan { body, county: None, attendees: Vec::new() }
    }
}

/// Holds last year's and this year's events; returns how many were held and how many
/// attendances earned their hours.
pub(crate) async fn research_history(
    db: &DatabaseConnection,
    ledger: &credit::Ledger,
    now: DateTime<Utc>,
    system: &Actor,
    (prefecture, counties): (&OrgUnit, &[OrgUnit]),
    members: &[Member],
    rng: &mut StdRng,
) -> anyhow::Result<(u64, u64)> {
    let yesterday = kernel::china_date(now) - Duration::days(1);
    let mut plans = Vec::new();
    for year in [yesterday.year() - 1, yesterday.year()] {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(yesterday);
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(yesterday).min(yesterday);
        let span = Span { first, last };
        let mut year_plans = open_events(year, span, prefecture, counties, rng);
        sign_up(&mut year_plans, counties, members, rng);
        year_plans.extend(school_events(year, span, counties, members, rng));
        plans.extend(year_plans);
    }
    plans.sort_by_key(|p| p.body.starts_at);
    let mut attended = 0;
    for plan in &plans {
        let attendees: Vec<&Member> = plan.attendees.iter().map(|&i| &members[i]).collect();
        attended += hold::hold(db, ledger, now, system, (&plan.body, &attendees), rng).await?;
    }
    Ok((plans.len() as u64, attended))
}

/// The prefecture's and the counties' events of a year, on days of `span`.
fn open_events(
    year: i32,
    span: Span,
    prefecture: &OrgUnit,
    counties: &[OrgUnit],
    rng: &mut StdRng,
) -> Vec<Plan> {
    let place = "恩施州教育科学研究院学术报告厅";
    let mut plans: Vec<Plan> = PREFECTURE_EVENTS
        .iter()
        .map(|&(form, label)| {
            let named = (form, format!("{year}年{label}"));
            Plan::new(
                prefecture.id,
                EventLevel::Prefecture,
                named,
                place.to_owned(),
                span.day_from(span.first, rng),
            )
        })
        .collect();
    for county in counties {
        let first = rng.random_range(0..COUNTY_EVENTS.len());
        for k in 0..COUNTY_EVENTS_PER_YEAR {
            let (form, label) = COUNTY_EVENTS[(first + k) % COUNTY_EVENTS.len()];
            let named = (form, format!("{}{year}年{label}", county.name));
            let place = format!("{}教师发展中心", county.name);
            let day = span.day_from(span.first, rng);
            let plan = Plan::new(county.id, EventLevel::County, named, place, day);
            plans.push(Plan { county: Some(county.id), ..plan });
        }
    }
    plans
}

/// Signs the members up for events open to them (the prefecture's and their county's): each
/// full-time MH teacher for as many as their county's keenness draws, each part-time one for
/// up to two.
fn sign_up(plans: &mut [Plan], counties: &[OrgUnit], members: &[Member], rng: &mut StdRng) {
    for (i, member) in members.iter().enumerate() {
        let wanted = if member.fulltime() {
            let c = counties.iter().position(|c| c.id == member.county_id).unwrap_or(0);
            weighted(&KEENNESS[c % KEENNESS.len()], rng)
        } else if member.mh() {
            rng.random_range(0..=2)
        } else {
            continue;
        };
        let open: Vec<usize> = (0..plans.len())
            .filter(|&j| plans[j].county.is_none_or(|county| county == member.county_id))
            .collect();
        for j in rand::seq::index::sample(rng, open.len(), wanted.min(open.len())) {
            plans[open[j]].attendees.push(i);
        }
    }
}

/// An index drawn with the given weights.
fn weighted(weights: &[u32], rng: &mut StdRng) -> usize {
    let mut roll = rng.random_range(0..weights.iter().sum::<u32>().max(1));
    for (i, weight) in weights.iter().enumerate() {
        if roll < *weight {
            return i;
        }
        roll -= weight;
    }
    0
}

/// One school-level event a year per county, at the school of its first full-time MH teacher,
/// for that school's teachers with an MH role.
fn school_events(
    year: i32,
    span: Span,
    counties: &[OrgUnit],
    members: &[Member],
    rng: &mut StdRng,
) -> Vec<Plan> {
    let mut plans = Vec::new();
    for county in counties {
        let Some(host) = members.iter().find(|m| m.fulltime() && m.county_id == county.id) else { continue };
        let named = (EventForm::Workshop, format!("{}{year}年心理健康教育校本研修", host.school_name));
        let place = format!("{}心理辅导室", host.school_name);
        let mut plan =
            Plan::new(host.school_id, EventLevel::School, named, place, span.day_from(span.first, rng));
        plan.attendees = (0..members.len())
            .filter(|&i| members[i].school_id == host.school_id && !members[i].roles.is_empty())
            .collect();
        plans.push(plan);
    }
    plans
}
#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn weighted_draws_never_pick_a_zero_weight() {
        let mut rng = StdRng::seed_from_u64(7);
        let draws: Vec<usize> = (0..500).map(|_| weighted(&KEENNESS[2], &mut rng)).collect();
        assert!(draws.iter().all(|&n| n <= 3), "the lagging county never signs up for 4 or 5");
        assert!((0..=3).all(|n| draws.contains(&n)));
    }
}
