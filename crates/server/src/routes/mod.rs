//! HTTP routes under `/api/v1`, one module per resource, each handler a thin call into a domain.

pub mod accounts;
pub mod attendance;
pub mod auth;
pub mod banks;
pub mod certificates;
pub mod certification;
pub mod claims;
pub mod courses;
pub mod credits;
pub mod dto;
pub mod exams;
pub mod export;
pub mod health;
pub mod learning;
pub mod me;
pub mod mine;
pub mod offices;
pub mod org_units;
pub mod outbox;
pub mod reports;
pub mod research;
pub mod sessions;
pub mod sheet;
pub mod teachers;
pub mod titles;
pub mod transcripts;
pub mod workload;

use kernel::{FieldError, Text};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::{Validate, ValidationErrors};

use crate::error::{ApiError, ApiResult};
use crate::extract::Json;

/// Registers the health check and the versioned API; used by the server and by `qualify openapi`
/// alike, so the spec and the routes cannot drift apart.
pub fn all(cfg: &mut ServiceConfig) {
    cfg.service(health::health)
        .service(certificates::jwks)
        .service(certificates::verify_page)
        .service(transcripts::verify_page)
        .service(utoipa_actix_web::scope("/api/v1").configure(configure));
}

/// Registers every `/api/v1` route; `.service` (never `.route`) so each lands in the spec.
fn configure(cfg: &mut ServiceConfig) {
    cfg.service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::change_password)
        .service(me::me)
        .service(org_units::list)
        .service(org_units::create)
        .service(org_units::get)
        .service(org_units::update)
        .service(offices::appoint)
        .service(offices::remove)
        .service(offices::list)
        .service(teachers::list)
        .service(teachers::create)
        .service(teachers::import)
        .service(teachers::get)
        .service(teachers::update)
        .service(accounts::create)
        .service(accounts::disable)
        .service(accounts::enable)
        .service(accounts::reset_password)
        .service(titles::grant)
        .service(titles::revoke)
        .service(titles::list)
        .service(titles::report)
        .service(titles::create_commendation)
        .service(titles::commendations)
        .service(titles::commendation)
        .service(reports::staffing)
        .service(credits::mine)
        .service(credits::of_teacher)
        .service(credits::adjust)
        .service(credits::verify)
        .service(credits::search)
        .service(export::export_credits)
        .service(credits::audit)
        .service(transcripts::transcript)
        .service(transcripts::my_transcript)
        .service(mine::my_attempts)
        .service(mine::my_notifications)
        .service(mine::mark_notification_read)
        .service(transcripts::verify)
        .service(claims::submit)
        .service(claims::mine)
        .service(claims::queue)
        .service(claims::approve)
        .service(claims::reject)
        .service(courses::list)
        .service(courses::create)
        .service(courses::get)
        .service(courses::update)
        .service(courses::update_lesson)
        .service(courses::enroll)
        .service(courses::my_enrollments)
        .service(courses::dashboard)
        .service(learning::progress)
        .service(learning::answer)
        .service(sessions::list)
        .service(sessions::create)
        .service(sessions::get)
        .service(sessions::update)
        .service(sessions::register)
        .service(sessions::sign_in_code)
        .service(sessions::check_in)
        .service(sessions::check_out)
        .service(sessions::mark)
        .service(sessions::close)
        .service(sessions::cancel)
        .service(sessions::reopen)
        .service(sessions::sheet)
        .service(banks::list)
        .service(banks::create)
        .service(banks::questions)
        .service(banks::add_question)
        .service(banks::update_question)
        .service(banks::import)
        .service(exams::list)
        .service(exams::create)
        .service(exams::check)
        .service(exams::get)
        .service(exams::update)
        .service(exams::release)
        .service(exams::start)
        .service(exams::mine)
        .service(exams::get_attempt)
        .service(exams::answer)
        .service(exams::submit)
        .service(exams::regrade)
        .service(exams::audit)
        .service(exams::tasks)
        .service(exams::claim)
        .service(exams::score)
        .service(research::list)
        .service(research::create)
        .service(research::get)
        .service(research::update)
        .service(research::register)
        .service(research::sign_in_code)
        .service(research::check_in)
        .service(research::check_out)
        .service(research::mark)
        .service(research::roster)
        .service(research::close)
        .service(research::cancel)
        .service(research::mine)
        .service(research::report)
        .service(workload::create_mentorship)
        .service(workload::mentorships)
        .service(workload::create_studio)
        .service(workload::studios)
        .service(workload::log)
        .service(workload::mine)
        .service(workload::confirm)
        .service(workload::reject)
        .service(workload::report)
        .service(outbox::list)
        .service(outbox::retry)
        .service(certification::rule_sets)
        .service(certification::create_rule_set)
        .service(certification::activate_rule_set)
        .service(certification::my_qualification)
        .service(certification::teacher_qualification)
        .service(certification::apply)
        .service(certification::applications)
        .service(certification::approve)
        .service(certification::reject)
        .service(certificates::list)
        .service(certificates::get)
        .service(certificates::revoke)
        .service(certificates::renew)
        .service(certificates::print)
        .service(certificates::credential)
        .service(certificates::verify)
        .service(certificates::report);
}

/// The body, once its shape passes the DTO's `validator` rules; else a 422 naming each field.
pub fn validated<T: Validate>(body: Json<T>) -> ApiResult<T> {
    let body = body.into_inner();
    body.validate().map_err(|errors| ApiError::invalid(field_errors(&errors)))?;
    Ok(body)
}

/// Each `validator` failure as the same field error the domains give: a length rule is a
/// [`kernel::Bound`], so its code and message match a length checked anywhere else.
fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut fields: Vec<FieldError> = errors
        .field_errors()
        .into_iter()
        .flat_map(|(field, list)| {
            list.iter().map(move |error| {
                let number = |name: &str| error.params.get(name).and_then(serde_json::Value::as_u64);
                let value = error.params.get("value").and_then(serde_json::Value::as_str).unwrap_or("");
                match (error.code.as_ref(), number("min"), number("max")) {
                    ("length", min, max) => {
                        let bound = kernel::Bound::new(
                            min.map_or(0, |n| n as usize),
                            max.map_or(usize::MAX, |n| n as usize),
                        );
                        bound.check(&field, value).err().unwrap_or_else(|| invalid_value(&field))
                    }
                    _ => invalid_value(&field),
                }
            })
        })
        .collect();
    fields.sort_by(|a, b| a.field.cmp(&b.field));
    fields
}

fn invalid_value(field: &str) -> FieldError {
    FieldError::new(field, "invalid_value", Text::fixed("取值不符合要求", "invalid value"))
}
