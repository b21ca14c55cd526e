use actix_web::{HttpResponse, get, post, web};
use credit::{ClaimDecision, ClaimStatus, CreditClaim, NewClaim};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// Filter of the claim queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimQuery {
    pub status: Option<ClaimStatus>,
}

/// Submit a credit claim
///
/// A teacher claims hours for training done elsewhere; an admin of the teacher's school or
/// county approves (posting one `external` ledger entry) or rejects it with a reason.
#[utoipa::path(operation_id = "submitCreditClaim", 
    tag = "credits",
    request_body = NewClaim,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Submitted, pending review", body = CreditClaim),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only teachers submit claims", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/credit-claims")]
pub async fn submit(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewClaim>,
) -> ApiResult<HttpResponse> {
    let claim = credit::submit_claim(&state.db, state.clock.now(), &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(claim))
}

/// My credit claims
///
/// The caller's claims and their status, newest first.
#[utoipa::path(operation_id = "listMyCreditClaims", 
    tag = "credits",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of claims", body = PageOf<CreditClaim>),
        (status = 403, description = "Only teachers have claims", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/credit-claims")]
pub async fn mine(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<CreditClaim>>> {
    Ok(web::Json(credit::my_claims(&state.db, &actor, page.request()?).await?.into()))
}

/// Claims to review
///
/// Claims of teachers in the caller's subtree, oldest first; filter by status.
#[utoipa::path(operation_id = "listCreditClaims", 
    tag = "credits",
    params(ClaimQuery, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of claims", body = PageOf<CreditClaim>),
        (status = 403, description = "Role may not decide claims", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/credit-claims")]
pub async fn queue(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<ClaimQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<CreditClaim>>> {
    Ok(web::Json(credit::claims_in_scope(&state.db, &actor, query.status, page.request()?).await?.into()))
}

/// Approve a claim
///
/// Posts one `external` entry for the claimed hours, in the same transaction.
#[utoipa::path(operation_id = "approveCreditClaim", 
    tag = "credits",
    params(("id" = i64, Path, description = "Claim id")),
    request_body = ClaimDecision,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved", body = CreditClaim),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not decide claims", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such claim in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/credit-claims/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<ClaimDecision>,
) -> ApiResult<web::Json<CreditClaim>> {
    Ok(web::Json(
        credit::approve_claim(
            &state.db,
            &state.ledger,
            state.clock.now(),
            &actor,
            id.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}

/// Reject a claim
///
/// The reason is shown to the teacher.
#[utoipa::path(operation_id = "rejectCreditClaim", 
    tag = "credits",
    params(("id" = i64, Path, description = "Claim id")),
    request_body = ClaimDecision,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = CreditClaim),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not decide claims", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such claim in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/credit-claims/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<ClaimDecision>,
) -> ApiResult<web::Json<CreditClaim>> {
    Ok(web::Json(
        credit::reject_claim(&state.db, state.clock.now(), &actor, id.into_inner(), body.into_inner())
            .await?,
    ))
}
