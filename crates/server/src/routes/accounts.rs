use actix_web::{HttpResponse, post, web};
use directory::{Account, NewAccount, PasswordReset};
use kernel::Actor;

use crate::auth::AuthUser;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::state::AppState;

/// Create a staff account
///
/// A trainer, HR or admin account scoped to an org unit of the caller's subtree.
#[utoipa::path(operation_id = "createAccount", 
    tag = "directory",
    request_body = NewAccount,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Account),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username taken by a concurrent request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/accounts")]
pub async fn create(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<NewAccount>,
) -> ApiResult<HttpResponse> {
    let account = directory::create_account(&state.db, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(account))
}

async fn set_disabled(
    state: &AppState,
    actor: &Actor,
    id: i64,
    disabled: bool,
) -> ApiResult<web::Json<Account>> {
    let now = state.clock.now();
    let account = directory::set_account_disabled(&state.db, now, actor, id, disabled).await?;
    state.actors.forget(id);
    Ok(web::Json(account))
}

/// Disable an account
///
/// It can no longer log in or refresh, and its access tokens are refused from the next
/// request on. Admins, in their subtree; not their own account. Audited.
#[utoipa::path(operation_id = "disableAccount", tag = "directory", params(("id" = i64, Path, description = "Account id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "Disabled", body = Account),
        (status = 403, description = "Role may not manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Your own account", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/accounts/{id}/disable")]
pub async fn disable(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Account>> {
    set_disabled(&state, &actor, id.into_inner(), true).await
}

/// Enable an account again
#[utoipa::path(operation_id = "enableAccount", tag = "directory", params(("id" = i64, Path, description = "Account id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "Enabled", body = Account),
        (status = 403, description = "Role may not manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Your own account", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/accounts/{id}/enable")]
pub async fn enable(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Account>> {
    set_disabled(&state, &actor, id.into_inner(), false).await
}

/// Reset an account's password
///
/// A temporary password, answered this once (hand it over in person or by phone; it is not
/// mailed, since many teachers have no address on file and mail is not a safe channel for
/// it). Every session of the account ends at once and a lockout is lifted; the next login
/// with the temporary password answers 409 `password_change_required` until it carries
/// `new_password`. Admins, in their subtree; not their own account. Audited (without the
/// password).
#[utoipa::path(operation_id = "resetAccountPassword", tag = "directory", params(("id" = i64, Path, description = "Account id")), security(("bearer" = [])),
    responses(
        (status = 200, description = "Reset; the temporary password is in the body", body = PasswordReset),
        (status = 403, description = "Role may not manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Your own account (`cannot_reset_self`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/accounts/{id}/password-reset")]
pub async fn reset_password(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    id: web::Path<i64>,
) -> ApiResult<web::Json<PasswordReset>> {
    let (now, id) = (state.clock.now(), id.into_inner());
    let reset = directory::reset_password(&state.db, now, &actor, id).await?;
    state.actors.forget(id);
    Ok(web::Json(reset))
}
