use actix_web::{get, web};

use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;

/// Who am I
///
/// The caller's account, role, scope (an org subtree, or only their own records) and, for a
/// teacher, the linked person.
#[utoipa::path(operation_id = "getMe", 
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = directory::Me),
    )
)]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<web::Json<directory::Me>> {
    Ok(web::Json(directory::me(&state.db, &actor).await?))
}
