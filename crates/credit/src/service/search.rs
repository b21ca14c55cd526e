use chrono::{DateTime, Utc};
use directory::{MhRole, OrgKind, TEACHER_ID, TeacherFilter};
use kernel::{Actor, Page, PageRequest, Permission, Result};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, Func, JoinType, Order, Query, SelectStatement, SimpleExpr};
use sea_orm::{ConnectionTrait, ExprTrait};
use serde::Serialize;

use crate::domain::{Category, CreditPolicy, Delivery, from_tenths, to_tenths};
use crate::entity::{credit_chain, credit_entry, credit_year_total};

/// The order of HR search results; ties always break on the teacher's id, so pages are stable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchSort {
    #[default]
    EmployeeNo,
    Name,
    TotalHoursDesc,
    TotalHoursAsc,
}

impl SearchSort {
    /// Parses `employee_no`, `name`, `total_hours` or `-total_hours` (descending).
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "employee_no" => Some(Self::EmployeeNo),
            "name" => Some(Self::Name),
            "total_hours" => Some(Self::TotalHoursAsc),
            "-total_hours" => Some(Self::TotalHoursDesc),
            _ => None,
        }
    }
}

/// Filters of the HR search and its export.
#[derive(Debug, Clone, Default)]
pub struct CreditSearch {
    pub org_unit: Option<i64>,
    pub year: Option<i32>,
    pub category: Option<Category>,
    pub min_hours: Option<Decimal>,
    pub role: Option<MhRole>,
    /// Part of the name or employee number.
    pub q: Option<String>,
    pub sort: SearchSort,
}

/// One teacher's hours under the search's filters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeacherCredits {
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "ES00101"))]
    pub employee_no: String,
    #[cfg_attr(feature = "openapi", schema(example = "李明"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = 12))]
    pub school_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "恩施市第一中学"))]
    pub school_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "96.5"))]
    pub total_hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "16.1"))]
    pub total_credits: Decimal,
    /// The hours delivered online and offline, by the one mapping (`Category::delivery`):
    /// certificates and adjustments count for neither, so the two may sum to less than the total.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "60.5"))]
    pub online_hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "36"))]
    pub offline_hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = 14))]
    pub entries: i64,
}

/// An authorised, audited search whose rows are read chunk by chunk, so an export of a whole
/// prefecture streams instead of being built in memory.
pub struct CreditExport {
    path: String,
    search: CreditSearch,
    policy: CreditPolicy,
    offset: u64,
}

impl CreditExport {
    /// Checks the caller may search this subtree and writes the audit line once.
    pub async fn start(
        db: &impl ConnectionTrait,
        now: DateTime<Utc>,
        policy: CreditPolicy,
        actor: &Actor,
        search: CreditSearch,
        action: &str,
    ) -> Result<Self> {
        let path = directory::scope_path(db, actor, search.org_unit, Permission::ReadCredits).await?;
        directory::record_audit(db, actor, None, action, &describe(&search), now).await?;
        Ok(Self { path, search, policy, offset: 0 })
    }

    /// The next `limit` rows; empty when done.
    pub async fn next_chunk(&mut self, db: &impl ConnectionTrait, limit: u64) -> Result<Vec<TeacherCredits>> {
        let (rows, _) =
            fetch(db, &self.policy, &self.path, &self.search, self.offset, limit, Counted::No).await?;
        self.offset += rows.len() as u64;
        Ok(rows)
    }
}

/// HR search: per-teacher totals over the caller's subtree, one page. The scope check and the
/// audit line go to `db`; the rows and their count are read from `reader` (a report replica,
/// or `db` again).
pub async fn search_credits(
    db: &impl ConnectionTrait,
    reader: &impl ConnectionTrait,
    now: DateTime<Utc>,
    policy: CreditPolicy,
    actor: &Actor,
    search: CreditSearch,
    page: PageRequest,
) -> Result<Page<TeacherCredits>> {
    let export = CreditExport::start(db, now, policy, actor, search, "search_credits").await?;
    let (items, matching) =
        fetch(reader, &policy, &export.path, &export.search, page.offset(), page.per_page(), Counted::Yes)
            .await?;
    let total = match matching {
        Some(total) => total,
        None if page.offset() == 0 && kept_place(&export.path, &export.search).is_none() => 0,
        // Counted alone: the kept totals' index counts a county without sorting it, and past the
        // last page the window count came with no row.
        None => {
            let count = match kept_place(&export.path, &export.search) {
                // No teacher filter: the index's entries for the county are the count.
                Some(place) if export.search.role.is_none() && export.search.q.is_none() => {
                    let c = Alias::new("c");
                    let mut count = Query::select();
                    count
                        .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                        .from_as(credit_chain::Entity, c.clone())
                        .and_where(place);
                    if let Some(min) = export.search.min_hours {
                        count
                            .and_where(Expr::col((c, credit_chain::Column::TotalTenths)).gte(to_tenths(min)));
                    }
                    count
                }
                _ => Query::select()
                    .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                    .from_subquery(selection(&export.path, &export.search), Alias::new("g"))
                    .to_owned(),
            };
            match reader.query_one(&count).await? {
                Some(row) => row.try_get("", "n")?,
                None => 0,
            }
        }
    };
    Ok(Page::new(items, u64::try_from(total).unwrap_or(0), page))
}

/// Whether a page also carries the number of all matching rows (a window count, so the roster
/// is joined and filtered once per request instead of once for the page and once for the count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    Yes,
    No,
}

fn describe(search: &CreditSearch) -> String {
    format!(
        "org_unit={:?} year={:?} category={:?} min_hours={:?} role={:?} q={:?}",
        search.org_unit,
        search.year,
        search.category.map(Category::as_str),
        search.min_hours,
        search.role,
        search.q
    )
}

/// Per-teacher sums under the filters, as `teacher_id, sum_tenths, entry_count, online_tenths,
/// offline_tenths`. Without a
/// category the totals the ledger keeps as it posts answer (one row per teacher, or per teacher
/// and year); a category filter aggregates the ledger itself.
fn sums(search: &CreditSearch) -> SelectStatement {
    let (sum, count) = (Alias::new("sum_tenths"), Alias::new("entry_count"));
    let mut sums = Query::select();
    match (search.category, search.year) {
        (None, None) => {
            sums.column(credit_chain::Column::TeacherId)
                .expr_as(Expr::col(credit_chain::Column::TotalTenths), sum)
                .expr_as(Expr::col(credit_chain::Column::Length), count)
                .column(credit_chain::Column::OnlineTenths)
                .column(credit_chain::Column::OfflineTenths)
                .from(credit_chain::Entity);
        }
        (None, Some(year)) => {
            sums.column(credit_year_total::Column::TeacherId)
                .expr_as(Expr::col(credit_year_total::Column::Tenths), sum)
                .expr_as(Expr::col(credit_year_total::Column::Entries), count)
                .column(credit_year_total::Column::OnlineTenths)
                .column(credit_year_total::Column::OfflineTenths)
                .from(credit_year_total::Entity)
                .and_where(Expr::col(credit_year_total::Column::Year).eq(year));
        }
        (Some(category), year) => {
            sums.column(credit_entry::Column::TeacherId)
                .expr_as(
                    Expr::col(credit_entry::Column::HoursTenths).sum().cast_as(Alias::new("BIGINT")),
                    sum,
                )
                .expr_as(Expr::col(credit_entry::Column::Id).count(), count)
                .expr_as(delivered(Delivery::Online), Alias::new("online_tenths"))
                .expr_as(delivered(Delivery::Offline), Alias::new("offline_tenths"))
                .from(credit_entry::Entity)
                .and_where(Expr::col(credit_entry::Column::Category).eq(category.as_str()))
                .group_by_col(credit_entry::Column::TeacherId);
            if let Some(year) = year {
                sums.and_where(Expr::col(credit_entry::Column::Year).eq(year));
            }
        }
    }
    sums
}

/// The sum of one delivery's hours over the grouped ledger entries.
fn delivered(delivery: Delivery) -> SimpleExpr {
    Expr::case(
        Expr::col(credit_entry::Column::Delivery).eq(delivery.as_str()),
        Expr::col(credit_entry::Column::HoursTenths),
    )
    .finally(0i64)
    .sum()
    .cast_as(Alias::new("BIGINT"))
}

/// Where the kept totals alone answer the search: a county or a school without a year or
/// category filter (those need the per-year rows or the ledger). Every teacher has a
/// kept-totals row placed in their school and county (`place_teachers`), so the page is read
/// from `(county_id | school_id, total_tenths DESC, teacher_id)` in hours order and stops
/// after the page, and its count comes from the same index. A prefecture's search reads its
/// teachers through their schools.
fn kept_place(path: &str, search: &CreditSearch) -> Option<SimpleExpr> {
    if search.year.is_some() || search.category.is_some() {
        return None;
    }
    let c = Alias::new("c");
    match OrgKind::of_path(path)? {
        (OrgKind::County, id) => Some(Expr::col((c, credit_chain::Column::CountyId)).eq(id)),
        (OrgKind::School, id) => Some(Expr::col((c, credit_chain::Column::SchoolId)).eq(id)),
        (OrgKind::Prefecture, _) => None,
    }
}

/// The rows of a search, one per teacher, with columns `teacher_id`, `employee_no`, `name`,
/// `school_id`, `school_name`, `total_tenths`, `entries`, `online_tenths`, `offline_tenths`.
fn selection(path: &str, search: &CreditSearch) -> SelectStatement {
    match kept_place(path, search) {
        Some(place) => kept(place, search),
        None => grouped(path, search),
    }
}

/// A county's or a school's teachers read from their kept-totals rows.
fn kept(place: SimpleExpr, search: &CreditSearch) -> SelectStatement {
    use credit_chain::Column as C;
    let (t, c) = (Alias::new("t"), Alias::new("c"));
    let filter = TeacherFilter { org_unit: None, role: search.role, q: search.q.clone() };
    let mut query = Query::select();
    query.expr_as(Expr::col((c.clone(), C::TeacherId)), Alias::new(TEACHER_ID));
    for column in ["employee_no", "name", "school_id", "school_name"] {
        query.column((t.clone(), Alias::new(column)));
    }
    query
        .expr_as(Expr::col((c.clone(), C::TotalTenths)), Alias::new("total_tenths"))
        .expr_as(Expr::col((c.clone(), C::Length)), Alias::new("entries"))
        .expr_as(Expr::col((c.clone(), C::OnlineTenths)), Alias::new("online_tenths"))
        .expr_as(Expr::col((c.clone(), C::OfflineTenths)), Alias::new("offline_tenths"))
        .from_as(credit_chain::Entity, c.clone())
        .join_subquery(
            JoinType::InnerJoin,
            directory::teacher_selection_anywhere(&filter),
            t.clone(),
            Expr::col((t, Alias::new(TEACHER_ID))).equals((c.clone(), C::TeacherId)),
        )
        .and_where(place);
    if let Some(min) = search.min_hours {
        query.and_where(Expr::col((c, C::TotalTenths)).gte(to_tenths(min)));
    }
    query
}

/// Teachers of the subtree left-joined to their sums under the filters, one row each.
fn grouped(path: &str, search: &CreditSearch) -> SelectStatement {
    let (t, s) = (Alias::new("t"), Alias::new("s"));
    let filter = TeacherFilter { org_unit: None, role: search.role, q: search.q.clone() };
    let total = || Func::coalesce([Expr::col((s.clone(), Alias::new("sum_tenths"))), Expr::val(0i64)]);
    let zero_if_none =
        |column: &str| Func::coalesce([Expr::col((s.clone(), Alias::new(column))), Expr::val(0i64)]);
    let mut query = Query::select();
    for column in [TEACHER_ID, "employee_no", "name", "school_id", "school_name"] {
        query.column((t.clone(), Alias::new(column)));
    }
    query
        .expr_as(total(), Alias::new("total_tenths"))
        .expr_as(zero_if_none("entry_count"), Alias::new("entries"))
        .expr_as(zero_if_none("online_tenths"), Alias::new("online_tenths"))
        .expr_as(zero_if_none("offline_tenths"), Alias::new("offline_tenths"))
        .from_subquery(directory::teacher_selection(path, &filter), t.clone())
        .join_subquery(
            JoinType::LeftJoin,
            sums(search),
            s.clone(),
            Expr::col((s.clone(), Alias::new("teacher_id"))).equals((t, Alias::new(TEACHER_ID))),
        );
    if let Some(min) = search.min_hours {
        query.and_where(Expr::expr(total()).gte(to_tenths(min)));
    }
    query.to_owned()
}

async fn fetch(
    db: &impl ConnectionTrait,
    policy: &CreditPolicy,
    path: &str,
    search: &CreditSearch,
    offset: u64,
    limit: u64,
    counted: Counted,
) -> Result<(Vec<TeacherCredits>, Option<i64>)> {
    let t = Alias::new("t");
    // The kept rows are ordered by their own columns, which their index holds.
    let (mut query, id, total) = match kept_place(path, search) {
        Some(place) => {
            let c = Alias::new("c");
            let id = Expr::col((c.clone(), credit_chain::Column::TeacherId));
            (kept(place, search), id, Expr::col((c, credit_chain::Column::TotalTenths)))
        }
        None => {
            let mut query = grouped(path, search);
            if counted == Counted::Yes {
                query.expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new("matching"));
            }
            (query, Expr::col((t.clone(), Alias::new(TEACHER_ID))), Expr::col(Alias::new("total_tenths")))
        }
    };
    match search.sort {
        SearchSort::EmployeeNo => query.order_by((t.clone(), Alias::new("employee_no")), Order::Asc),
        SearchSort::Name => query.order_by((t, Alias::new("name")), Order::Asc),
        SearchSort::TotalHoursDesc => query.order_by_expr(total, Order::Desc),
        SearchSort::TotalHoursAsc => query.order_by_expr(total, Order::Asc),
    };
    query.order_by_expr(id, Order::Asc).offset(offset).limit(limit);
    let (mut rows, mut total_matching) = (Vec::new(), None);
    let windowed = counted == Counted::Yes && kept_place(path, search).is_none();
    for row in db.query_all(&query).await? {
        if windowed {
            total_matching = Some(row.try_get("", "matching")?);
        }
        let total = from_tenths(row.try_get("", "total_tenths")?);
        rows.push(TeacherCredits {
            teacher_id: row.try_get("", TEACHER_ID)?,
            employee_no: row.try_get("", "employee_no")?,
            name: row.try_get("", "name")?,
            school_id: row.try_get("", "school_id")?,
            school_name: row.try_get("", "school_name")?,
            total_hours: total,
            total_credits: policy.credits(total),
            online_hours: from_tenths(row.try_get("", "online_tenths")?),
            offline_hours: from_tenths(row.try_get("", "offline_tenths")?),
            entries: row.try_get("", "entries")?,
        });
    }
    Ok((rows, total_matching))
}
