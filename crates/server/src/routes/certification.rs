//! Rule sets, each teacher's qualification progress, and applications for reviewed levels.

use actix_web::{HttpResponse, get, post, web};
use certification::{
    Application, ApplicationDecision, ApplicationStatus, NewApplication, NewRuleSet, Qualification, RuleSet,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// Filter of `GET /certification/applications`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationQuery {
    pub status: Option<ApplicationStatus>,
}

/// List rule sets
///
/// Every version, newest first; the one in force has `status: active`. Readable by every
/// signed-in user: the rules are public policy.
#[utoipa::path(operation_id = "listRuleSets", tag = "certification", params(PageParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of rule sets", body = PageOf<RuleSet>),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/rule-sets")]
pub async fn rule_sets(
    state: web::Data<AppState>,
    _user: AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<RuleSet>>> {
    Ok(web::Json(certification::list_rule_sets(&state.db, page.request()?).await?.into()))
}

/// Draft a rule set
///
/// Prefecture admins only. Saved as a draft with the next version; refused (422, naming the
/// field) when it cannot be satisfied: a level missing or doubled, a level not requiring the
/// one below, an unknown exam, a level no eligible role could reach, impossible targets.
#[utoipa::path(operation_id = "createRuleSet", tag = "certification", request_body = NewRuleSet, security(("bearer" = [])),
    responses(
        (status = 201, description = "Drafted", body = RuleSet),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a prefecture admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unsatisfiable rules", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/rule-sets")]
pub async fn create_rule_set(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewRuleSet>,
) -> ApiResult<HttpResponse> {
    let saved =
        certification::create_rule_set(&state.db, state.clock.now(), &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(saved))
}

/// Put a rule set in force
///
/// Retires the one in force before; certificates keep the version they were issued under.
#[utoipa::path(operation_id = "activateRuleSet", tag = "certification", params(("id" = i64, Path, description = "Rule set id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "In force, with how many teachers were re-judged and certificates issued", body = certification::Activation),
        (status = 403, description = "Not a prefecture admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such rule set", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Its rules no longer hold (e.g. an exam is gone)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/rule-sets/{id}/activate")]
pub async fn activate_rule_set(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<certification::Activation>> {
    Ok(web::Json(
        certification::activate_rule_set(&state.db, state.clock.now(), &actor, id.into_inner()).await?,
    ))
}

/// My qualification
///
/// For each level under the rules in force: every requirement with its numbers, what is still
/// missing, and whether the level is held, expiring or expired. Evidence is the ledger.
#[utoipa::path(operation_id = "getMyQualification", tag = "certification", security(("bearer" = [])),
    responses(
        (status = 200, description = "Progress per level", body = Qualification),
        (status = 403, description = "Only teachers have a qualification", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No rule set in force", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/me/qualification")]
pub async fn my_qualification(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<web::Json<Qualification>> {
    Ok(web::Json(certification::my_qualification(&state.db, state.clock.now(), &actor).await?))
}

/// A teacher's qualification
///
/// The same view for staff who read credits in the teacher's school.
#[utoipa::path(operation_id = "getTeacherQualification", tag = "certification", params(("id" = i64, Path, description = "Teacher id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "Progress per level", body = Qualification),
        (status = 403, description = "Role may not read credits", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such teacher in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No rule set in force", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/teachers/{id}/qualification")]
pub async fn teacher_qualification(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Qualification>> {
    Ok(web::Json(
        certification::teacher_qualification(&state.db, state.clock.now(), &actor, id.into_inner()).await?,
    ))
}

/// Apply for a level
///
/// For levels issued on review (B's practical assessment, A's expert committee) or after a
/// revocation. One pending application per level.
#[utoipa::path(operation_id = "applyForCertification", tag = "certification", request_body = NewApplication, security(("bearer" = [])),
    responses(
        (status = 201, description = "Pending review", body = Application),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only teachers apply", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Level held, an application pending, or no rule set in force", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Note too long", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/certification/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewApplication>,
) -> ApiResult<HttpResponse> {
    let saved =
        certification::submit_application(&state.db, state.clock.now(), &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(saved))
}

/// List applications
///
/// A teacher's own; staff who read credits those of their subtree, oldest first.
#[utoipa::path(operation_id = "listCertificationApplications", tag = "certification", params(ApplicationQuery, PageParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of applications", body = PageOf<Application>),
        (status = 403, description = "Role may not read credits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/certification/applications")]
pub async fn applications(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<ApplicationQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Application>>> {
    Ok(web::Json(certification::applications(&state.db, &actor, query.status, page.request()?).await?.into()))
}

/// Approve an application
///
/// Issues the certificate, but only when the applicant meets every requirement of the level
/// under the rules in force; else 422 with one error per unmet requirement.
#[utoipa::path(operation_id = "approveCertificationApplication", tag = "certification", params(("id" = i64, Path, description = "Application id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved; `certificate_id` names the new certificate", body = Application),
        (status = 403, description = "Only admins review", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided, or the level is held", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Requirements not met", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/certification/applications/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Application>> {
    Ok(web::Json(
        certification::approve_application(&state.db, state.clock.now(), &actor, id.into_inner()).await?,
    ))
}

/// Reject an application
#[utoipa::path(operation_id = "rejectCertificationApplication", tag = "certification", params(("id" = i64, Path, description = "Application id")),
    request_body = ApplicationDecision, security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = Application),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins review", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A reason is required", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/certification/applications/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<ApplicationDecision>,
) -> ApiResult<web::Json<Application>> {
    Ok(web::Json(
        certification::reject_application(
            &state.db,
            state.clock.now(),
            &actor,
            id.into_inner(),
            body.into_inner(),
        )
        .await?,
    ))
}
