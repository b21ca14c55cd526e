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
        (name = "titles", description = "Recognised titles (州级名师, 县级骨干) and the periodic commendation list"),
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
    complete(document)
}

/// Adds the answers that come from the shared layers, not from a handler, so no route repeats
/// them: 400 for malformed JSON, 413 for a body over the limit, 415 for another content type
/// (`extract::json_config`); 422 wherever there is input to get wrong (`extract`, and unknown
/// query parameters, `contract::strict_query`); 401 on every operation that needs a token.
/// Runs on the collected paths (modifiers run before paths exist).
pub fn complete(mut document: Document) -> Document {
    use utoipa::openapi::path::Operation;
    use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};

    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content("application/problem+json", Content::new(Some(Ref::from_schema_name("Problem"))))
                .build(),
        )
    };
    let takes_json = |operation: &Operation| match &operation.request_body {
        Some(RefOr::T(body)) => body.content.contains_key("application/json"),
        _ => false,
    };
    for item in document.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for operation in operations.into_iter().flatten() {
            let json_body = takes_json(operation);
            let takes_input = json_body || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let responses = &mut operation.responses.responses;
            if json_body {
                responses.entry("400".to_owned()).or_insert_with(|| problem("Malformed JSON body"));
                responses.entry("413".to_owned()).or_insert_with(|| problem("Body over the size limit"));
                responses.entry("415".to_owned()).or_insert_with(|| problem("Body is not application/json"));
            }
            if takes_input {
                responses.entry("422".to_owned()).or_insert_with(|| {
                    problem("Input that does not fit its schema: every field at fault, with its path")
                });
            }
            if secured {
                responses.entry("401".to_owned()).or_insert_with(|| problem("Not logged in"));
            }
        }
    }
    document
}
