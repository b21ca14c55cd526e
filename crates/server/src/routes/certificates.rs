//! Certificates: listing, revocation, renewal, the printable page, the signed Open Badges
//! credential and its key set, public verification, and the compliance report.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use certification::{
    Certificate, CertificateFilter, CertificateStatus, PublicCertificate, QualificationReport, Revocation,
};
use chrono::NaiveDate;
use kernel::Level;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;
use crate::table::{Cell, ReportFormat, Table};
use crate::{lang, rate, render, verify_pages};

/// Filters of `GET /certificates`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificateQuery {
    pub level: Option<Level>,
    pub status: Option<CertificateStatus>,
    #[param(example = 2)]
    pub org_unit: Option<i64>,
    /// Active certificates ending within this many days.
    #[param(example = 90, maximum = 3660)]
    pub expiring_within: Option<u32>,
    #[param(example = 101)]
    pub teacher_id: Option<i64>,
    /// The number printed on the certificate, to find the one someone hands in.
    #[param(example = "ES-2026-C-000042")]
    pub number: Option<String>,
    /// Part of the holder's name, employee number or phone (staff only).
    #[param(example = "李明")]
    pub holder: Option<String>,
}

/// A signed credential.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedCredential {
    /// An Open Badges 3.0 `AchievementCredential` as a compact JWT (EdDSA, Ed25519); verify it
    /// with the key named by `kid` in `/.well-known/jwks.json`.
    #[schema(
        example = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFZERTQSIsImtpZCI6ImVkMjU1MTktMjAyNjExMzBUMDAwMDAwWiJ9.eyJ2YyI6e319.c2ln"
    )]
    pub credential: String,
}

/// Parameters of `GET /reports/qualification`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QualificationQuery {
    #[param(example = 2)]
    pub org_unit: Option<i64>,
    /// Count certificates valid on this day (default today, China time).
    #[param(example = "2026-11-30")]
    pub as_of: Option<NaiveDate>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(example = "csv")]
    pub format: Option<String>,
}

/// List certificates
///
/// A teacher's own; staff who read credits those of their subtree (or of `org_unit` in it).
#[utoipa::path(operation_id = "listCertificates", tag = "certification", params(CertificateQuery, PageParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of certificates", body = PageOf<Certificate>),
        (status = 403, description = "Role may not read credits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/certificates")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<CertificateQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Certificate>>> {
    let q = query.into_inner();
    let filter = CertificateFilter {
        level: q.level,
        status: q.status,
        org_unit: q.org_unit,
        expiring_within: q.expiring_within.map(|d| d.min(3660)),
        teacher_id: q.teacher_id,
        number: q.number,
        holder: q.holder,
    };
    let found =
        certification::certificates(&state.db, state.clock.now(), &actor, filter, page.request()?).await?;
    Ok(web::Json(found.into()))
}

/// One certificate
#[utoipa::path(operation_id = "getCertificate", tag = "certification", params(("id" = i64, Path, description = "Certificate id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The certificate", body = Certificate),
        (status = 403, description = "Role may not read credits", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such certificate in scope", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/certificates/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Certificate>> {
    Ok(web::Json(certification::certificate(&state.db, state.clock.now(), &actor, id.into_inner()).await?))
}

/// Revoke a certificate
///
/// From today, with a reason; audited. Public verification shows it at once.
#[utoipa::path(operation_id = "revokeCertificate", tag = "certification", params(("id" = i64, Path, description = "Certificate id")),
    request_body = Revocation, security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked", body = Certificate),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins revoke", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such certificate in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already revoked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A reason is required", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/certificates/{id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
    body: Json<Revocation>,
) -> ApiResult<web::Json<Certificate>> {
    Ok(web::Json(
        certification::revoke(&state.db, state.clock.now(), &actor, id.into_inner(), body.into_inner())
            .await?,
    ))
}

/// Renew a certificate
///
/// Opens 90 days before expiry; needs the rule set's renewal hours earned within the validity
/// window. The new certificate runs on from the old one's last day and points back at it.
#[utoipa::path(operation_id = "renewCertificate", tag = "certification", params(("id" = i64, Path, description = "Certificate id")), security(("bearer" = [])),
    responses(
        (status = 201, description = "The renewed certificate", body = Certificate),
        (status = 403, description = "Neither the holder nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such certificate in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Revoked, not yet due, or already renewed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too few hours in the window", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/certificates/{id}/renew")]
pub async fn renew(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let renewed = certification::renew(&state.db, state.clock.now(), &actor, id.into_inner()).await?;
    Ok(HttpResponse::Created().json(renewed))
}

/// Print a certificate
///
/// A print-ready A4 HTML page (zh-CN, English on `Accept-Language: en`) with the verification
/// URL as an inline SVG QR code.
#[utoipa::path(operation_id = "printCertificate", tag = "certification", params(("id" = i64, Path, description = "Certificate id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "HTML page", content_type = "text/html", body = String),
        (status = 404, description = "No such certificate in scope", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/certificates/{id}/print")]
pub async fn print(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let cert = certification::certificate(&state.db, state.clock.now(), &actor, id.into_inner()).await?;
    let url = format!("{}{}", state.settings.public_url, cert.verify_path);
    let page = render::certificate_html(&cert, &url, lang::english())?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page))
}

/// A certificate's signed credential
///
/// An Open Badges 3.0 `AchievementCredential` as a JWT signed with Ed25519; anyone holding the
/// published key set can check it offline.
#[utoipa::path(operation_id = "getCertificateCredential", tag = "certification", params(("id" = i64, Path, description = "Certificate id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "The credential", body = SignedCredential),
        (status = 404, description = "No such certificate in scope", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/certificates/{id}/credential")]
pub async fn credential(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SignedCredential>> {
    let now = state.clock.now();
    let cert = certification::certificate(&state.db, now, &actor, id.into_inner()).await?;
    let credential =
        state.credentials.credential(&cert, &state.settings.public_url).map_err(kernel::Error::Unexpected)?;
    Ok(web::Json(SignedCredential { credential }))
}

/// Verify a certificate (public)
///
/// No login. Every claim printed on the certificate — number, level, status, dates, issuer,
/// hours, rule-set version — with the holder's name masked, so an edited printout shows. Rate
/// limited per client address.
#[utoipa::path(operation_id = "verifyCertificate", tag = "verify", params(("code" = String, Path, description = "Verification code printed on the certificate")),
    responses(
        (status = 200, description = "The certificate's claims", body = PublicCertificate),
        (status = 404, description = "No certificate has this code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many verifications from this address", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/verify/{code}")]
pub async fn verify(
    state: web::Data<AppState>,
    request: HttpRequest,
    code: web::Path<String>,
) -> ApiResult<web::Json<PublicCertificate>> {
    Ok(web::Json(verified(&state, &request, &code).await?))
}

/// A certificate's public claims, once the client address is within its rate.
async fn verified(state: &AppState, request: &HttpRequest, code: &str) -> ApiResult<PublicCertificate> {
    rate::check(&state.verify_limiter, request)?;
    Ok(certification::verify(&state.db, state.clock.now(), code).await?)
}

/// Verification page (public)
///
/// What the QR code on a certificate opens: the same claims as `GET /api/v1/verify/{code}` as
/// a page for people, with the status (valid, expired, revoked) first. Same rate limit.
#[utoipa::path(operation_id = "getVerifyPage", tag = "verify", params(("code" = String, Path, description = "Verification code printed on the certificate")),
    responses(
        (status = 200, description = "HTML page", content_type = "text/html", body = String),
        (status = 404, description = "No certificate has this code: a page saying it may be forged or mistyped", content_type = "text/html", body = String),
        (status = 429, description = "Too many verifications from this address", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/verify/{code}")]
pub async fn verify_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let english = lang::english();
    match verified(&state, &request, &code).await {
        Ok(claims) => Ok(verify_pages::certificate(&claims, english)),
        Err(ApiError::Domain(kernel::Error::NotFound)) => {
            Ok(verify_pages::not_found("证书", "certificate", english))
        }
        Err(other) => Err(other),
    }
}

/// Credential signing keys (public)
///
/// The JSON Web Key Set of every Ed25519 key that has signed credentials, newest first; keys
/// stay published after rotation.
#[utoipa::path(operation_id = "getJwks", tag = "verify",
    responses((status = 200, description = "JWKS", body = Object,
        example = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
            "kid": "ed25519-20261130T000000000000Z", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}))))]
#[get("/.well-known/jwks.json")]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(state.credentials.jwks())
}

/// Qualification against the plan's targets
///
/// For the subtree and each child unit: teachers, holders of C or above and their share,
/// target-group size and its holders of B or above, holders of A, how many more each target
/// needs; units furthest behind first. Counts honour expiry and revocation on `as_of`.
#[utoipa::path(operation_id = "getQualificationReport", tag = "reports", params(QualificationQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The report (JSON; or CSV / XLSX by `format`)", content((QualificationReport = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 403, description = "Teachers have no reports", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No rule set in force", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/reports/qualification")]
pub async fn report(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<QualificationQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let format = ReportFormat::parse(q.format.as_deref())?;
    let as_of = q.as_of.unwrap_or_else(|| kernel::china_date(state.clock.now()));
    let report = state
        .reported(certification::qualification_report(state.reports(), &actor, q.org_unit, as_of).await)
        .await?;
    if format == ReportFormat::Json {
        return Ok(HttpResponse::Ok().json(report));
    }
    let english = lang::english();
    let name = if english { format!("qualification-{as_of}") } else { format!("资格达标统计-{as_of}") };
    let mut table = Table::new(
        name,
        &if english {
            [
                "Org unit id",
                "Org unit",
                "Teachers",
                "C or above",
                "C share",
                "Target group",
                "B or above in group",
                "B share",
                "A",
                "Behind",
            ]
        } else {
            [
                "机构ID",
                "机构",
                "教师数",
                "C级及以上",
                "C级占比",
                "目标群体",
                "其中B级及以上",
                "B级占比",
                "A级",
                "是否落后",
            ]
        },
    );
    for r in std::iter::once(&report.summary).chain(report.items.iter()) {
        table.push(vec![
            r.org_unit_id.into(),
            r.org_unit_name.as_str().into(),
            r.teachers.into(),
            r.c_holders.into(),
            Cell::Share(r.c_share),
            r.target_group.into(),
            r.b_holders_in_group.into(),
            Cell::Share(r.b_share),
            r.a_holders.into(),
            r.behind.into(),
        ]);
    }
    format.file(&table, english)
}
