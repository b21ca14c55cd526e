use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use credit::{
    Adjustment, Category, ChainCheck, CreditSearch, CreditStatement, Entry, EntryFilter, SearchSort,
    TeacherCredits,
};
use directory::MhRole;
use kernel::{FieldError, Text};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// Filters of a teacher's entry list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryQuery {
    #[param(example = 2026)]
    pub year: Option<i32>,
    pub category: Option<Category>,
    /// Entries on or after this date.
    #[param(example = "2026-01-01")]
    pub from: Option<NaiveDate>,
    /// Entries on or before this date.
    #[param(example = "2026-12-31")]
    pub to: Option<NaiveDate>,
}

impl From<EntryQuery> for EntryFilter {
    fn from(q: EntryQuery) -> Self {
        Self { year: q.year, category: q.category, from: q.from, to: q.to }
    }
}

/// Filters of the HR search and export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Only teachers of this org unit's subtree.
    #[param(example = 2)]
    pub org_unit: Option<i64>,
    #[param(example = 2026)]
    pub year: Option<i32>,
    pub category: Option<Category>,
    /// Only teachers with at least these hours under the filters.
    #[param(value_type = Option<String>, example = "24")]
    pub min_hours: Option<Decimal>,
    pub role: Option<MhRole>,
    /// Part of the name or employee number.
    #[param(example = "ES001")]
    pub q: Option<String>,
    /// `employee_no` (default), `name`, `total_hours` or `-total_hours`.
    #[param(example = "-total_hours")]
    pub sort: Option<String>,
}

impl SearchQuery {
    pub fn search(self) -> ApiResult<CreditSearch> {
        let sort = match self.sort.as_deref() {
            None => SearchSort::default(),
            Some(text) => SearchSort::parse(text).ok_or_else(|| {
                ApiError::invalid(vec![FieldError::new(
                    "sort",
                    "invalid_value",
                    Text::fixed(
                        "排序须为 employee_no、name、total_hours 或 -total_hours",
                        "sort is employee_no, name, total_hours or -total_hours",
                    ),
                )])
            })?,
        };
        Ok(CreditSearch {
            org_unit: self.org_unit,
            year: self.year,
            category: self.category,
            min_hours: self.min_hours,
            role: self.role,
            q: self.q,
            sort,
        })
    }
}

/// My credits
///
/// The caller's ledger entries (paginated, filterable) with totals by category, by year and
/// for the current continuing-education cycle.
#[utoipa::path(operation_id = "getMyCredits", 
    tag = "credits",
    params(EntryQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Entries and totals", body = CreditStatement),
        (status = 403, description = "Only teachers have their own credits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/credits")]
pub async fn mine(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<EntryQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<CreditStatement>> {
    let teacher_id = actor.teacher()?;
    statement(&state, &actor, teacher_id, query.into_inner(), &page).await
}

/// A teacher's credits
///
/// Entries and totals of one teacher, for staff whose subtree holds the teacher (each read is
/// audited) or the teacher themself.
#[utoipa::path(operation_id = "getTeacherCredits", 
    tag = "credits",
    params(("id" = i64, Path, description = "Teacher id"), EntryQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Entries and totals", body = CreditStatement),
        (status = 403, description = "Role may not read credits", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/teachers/{id}/credits")]
pub async fn of_teacher(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    query: web::Query<EntryQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<CreditStatement>> {
    statement(&state, &actor, id.into_inner(), query.into_inner(), &page).await
}

async fn statement(
    state: &AppState,
    actor: &kernel::Actor,
    teacher_id: i64,
    query: EntryQuery,
    page: &PageParams,
) -> ApiResult<web::Json<CreditStatement>> {
    let page = page.request()?;
    let now = state.clock.now();
    Ok(web::Json(
        credit::teacher_credits(
            &state.db,
            now,
            &state.settings.credit,
            actor,
            teacher_id,
            query.into(),
            page,
        )
        .await?,
    ))
}

/// Post an adjustment or reversal
///
/// Recognises external training (`external`) or records a manual `adjustment`, with a
/// mandatory reason; with `reverses_entry_id` it cancels a wrong entry instead (the ledger is
/// append-only). Send an `Idempotency-Key` header to make retries safe.
#[utoipa::path(operation_id = "adjustTeacherCredits", 
    tag = "credits",
    params(
        ("id" = i64, Path, description = "Teacher id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request a no-op"),
    ),
    request_body = Adjustment,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Posted", body = Entry),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not post credits", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Entry already reversed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/teachers/{id}/credits/adjustments")]
pub async fn adjust(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    request: HttpRequest,
    id: web::Path<i64>,
    body: Json<Adjustment>,
) -> ApiResult<HttpResponse> {
    let key = request
        .headers()
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(|k| k.chars().take(64).collect::<String>());
    let entry = credit::adjust(
        &state.db,
        &state.ledger,
        state.clock.now(),
        &actor,
        id.into_inner(),
        body.into_inner(),
        key.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Created().json(entry))
}

/// Verify a teacher's ledger
///
/// Recomputes the teacher's hash chain: `ok`, or the first entry that does not match (an edit
/// made behind the system's back).
#[utoipa::path(operation_id = "verifyTeacherCreditChain", 
    tag = "credits",
    params(("id" = i64, Path, description = "Teacher id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Chain check", body = ChainCheck),
        (status = 403, description = "Role may not read credits", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in the caller's scope", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/teachers/{id}/credits/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ChainCheck>> {
    Ok(web::Json(credit::verify_teacher_chain(&state.db, state.clock.now(), &actor, id.into_inner()).await?))
}

/// Search credits (HR)
///
/// Per-teacher totals over the caller's subtree under the filters; sortable, paginated,
/// audited.
#[utoipa::path(operation_id = "searchCredits", 
    tag = "credits",
    params(SearchQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of teachers with their hours", body = PageOf<TeacherCredits>),
        (status = 403, description = "Role may not read credits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/credits")]
pub async fn search(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<SearchQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<TeacherCredits>>> {
    let search = query.into_inner().search()?;
    let page = credit::search_credits(
        &state.db,
        state.reports(),
        state.clock.now(),
        state.settings.credit,
        &actor,
        search,
        page.request()?,
    )
    .await;
    let page = state.reported(page).await?;
    Ok(web::Json(page.into()))
}

/// Audit log
///
/// Every read of a teacher's credits by HR or an admin, newest first; prefecture admins only.
#[utoipa::path(operation_id = "listAuditEntries", 
    tag = "credits",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of audit entries", body = PageOf<directory::AuditEntry>),
        (status = 403, description = "Only prefecture admins", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn audit(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<directory::AuditEntry>>> {
    Ok(web::Json(directory::audit_log(&state.db, &actor, page.request()?).await?.into()))
}
