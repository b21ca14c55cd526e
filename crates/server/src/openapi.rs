//! The OpenAPI document, assembled from the same route table the server runs.

use actix_web::App;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "心育 Qualify API",
        description = "Mental-health-education qualification of the prefecture's teachers: org directory, \
            accounts, training records, exams, A/B/C qualification, credit ledger. Errors are \
            `application/problem+json` with a stable `code`; text is zh-CN unless `Accept-Language: en`.",
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "system", description = "Health"),
        (name = "auth", description = "Login, refresh, logout"),
        (name = "me", description = "The caller's own account"),
        (name = "directory", description = "Org units, teachers, staff accounts"),
        (name = "reports", description = "Reports over an org subtree"),
        (name = "credits", description = "The credit ledger: statements, adjustments, claims, HR search and export, transcripts, audit"),
        (name = "verify", description = "Public verification, no login"),
        (name = "training", description = "Courses, verified learning time, offline sessions and attendance"),
        (name = "exams", description = "Question banks, papers, attempts, grading queue, regrades"),
        (name = "research", description = "Teaching-research events, mentor pairs, studios, MH workload"),
        (name = "certification", description = "A/B/C rule sets, qualification progress, applications, certificates and signed credentials"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
            ),
        );
    }
}

/// The base document (info, tags, security) that route collection fills in.
pub fn base() -> Document {
    ApiDoc::openapi()
}

/// The complete document, without starting a server: what `qualify openapi` prints and
/// `api-spec/openapi.json` holds.
pub fn document() -> Document {
    let (_, document) = App::new().into_utoipa_app().openapi(base()).configure(routes::all).split_for_parts();
    document
}
