use actix_web::{HttpResponse, post, web};
use directory::{Account, NewAccount};

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::state::AppState;

/// Create a staff account
///
/// A trainer, HR or admin account scoped to an org unit of the caller's subtree.
#[utoipa::path(
    tag = "directory",
    request_body = NewAccount,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Account),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username taken by a concurrent request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/accounts")]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: web::Json<NewAccount>,
) -> ApiResult<HttpResponse> {
    let account = directory::create_account(&state.db, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(account))
}
