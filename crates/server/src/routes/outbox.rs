use actix_web::{get, post, web};
use notify::OutboxMessage;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// Filter of the outbox list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `pending`, `sending`, `sent` or `failed`.
    #[param(example = "failed")]
    pub status: Option<String>,
}

/// Outbox
///
/// Queued and sent mail, newest first; prefecture admins only.
#[utoipa::path(operation_id = "listOutbox", tag = "system", params(OutboxQuery, PageParams), security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of messages", body = PageOf<OutboxMessage>),
        (status = 403, description = "Only prefecture admins", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/outbox")]
pub async fn list(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    query: web::Query<OutboxQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<OutboxMessage>>> {
    Ok(web::Json(
        notify::list_outbox(&state.db, &actor, query.into_inner().status, page.request()?).await?.into(),
    ))
}

/// Retry a failed message
#[utoipa::path(operation_id = "retryOutboxMessage", tag = "system", params(("id" = i64, Path, description = "Message id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "Queued again", body = OutboxMessage),
        (status = 403, description = "Only prefecture admins", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The message has not failed", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/outbox/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<OutboxMessage>> {
    Ok(web::Json(notify::retry_message(&state.db, state.clock.now(), &actor, id.into_inner()).await?))
}
