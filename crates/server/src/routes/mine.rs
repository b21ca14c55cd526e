//! The caller's own attempts and notifications: what the teachers' app lists under "我的".

use actix_web::{get, post, web};
use exams::AttemptSummary;
use notify::Notification;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::routes::dto::{PageOf, PageParams};
use crate::state::AppState;

/// My exam attempts
///
/// Every attempt of the caller, newest first, with the score and verdict once released.
#[utoipa::path(operation_id = "listMyAttempts",
    tag = "me",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of attempts", body = PageOf<AttemptSummary>),
        (status = 403, description = "Only teachers sit exams", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/attempts")]
pub async fn my_attempts(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<AttemptSummary>>> {
    Ok(web::Json(exams::my_attempts(&state.db, &actor, page.request()?).await?.into()))
}

/// My notifications
///
/// The mail addressed to the caller (results released, certificates issued, reminders), newest
/// first, with the page each links to and whether it was read.
#[utoipa::path(operation_id = "listMyNotifications",
    tag = "me",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of notifications", body = PageOf<Notification>),
        (status = 422, description = "Bad page", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/notifications")]
pub async fn my_notifications(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<PageOf<Notification>>> {
    let address = directory::mail_address(&state.db, &actor).await?;
    Ok(web::Json(notify::notifications(&state.db, address.as_deref(), page.request()?).await?.into()))
}

/// Mark a notification read
#[utoipa::path(operation_id = "markNotificationRead",
    tag = "me",
    params(("id" = i64, Path, description = "Notification id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The notification, read", body = Notification),
        (status = 404, description = "No such notification of the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/notifications/{id}/read")]
pub async fn mark_notification_read(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Notification>> {
    let address = directory::mail_address(&state.db, &actor).await?;
    let now = state.clock.now();
    Ok(web::Json(notify::mark_read(&state.db, now, address.as_deref(), id.into_inner()).await?))
}
