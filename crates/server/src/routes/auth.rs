use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{ACCESS_TOKEN_LIFETIME, AuthUser};
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::rate;
use crate::routes::validated;
use crate::state::AppState;

/// Password login by account name, phone or employee number.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 64))]
    #[schema(example = "teacher", min_length = 1, max_length = 64)]
    pub username: String,
    #[validate(length(min = 1, max = 128))]
    #[schema(example = "demo1234", min_length = 1, max_length = 128)]
    pub password: String,
    /// Only after an admin reset the password (the login answered 409
    /// `password_change_required`): the new password, which replaces the temporary one.
    #[validate(length(min = 8, max = 128))]
    #[schema(example = "N3w-passw0rd", min_length = 8, max_length = 128)]
    pub new_password: Option<String>,
}

/// A refresh or logout: the refresh token of the session.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    #[schema(example = "k3v9T1x…", min_length = 1, max_length = 256)]
    pub refresh_token: String,
}

/// Tokens of a session: a 15-minute access token and a single-use refresh token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    #[schema(example = "eyJhbGciOiJIUzI1NiJ9…")]
    pub access_token: String,
    #[schema(example = "k3v9T1x…")]
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
}

/// Body of `POST /me/password`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[validate(length(min = 1, max = 128))]
    #[schema(example = "demo1234", min_length = 1, max_length = 128)]
    pub current_password: String,
    #[validate(length(min = 8, max = 128))]
    #[schema(example = "N3w-passw0rd", min_length = 8, max_length = 128)]
    pub new_password: String,
}

fn tokens(state: &AppState, session: directory::Session) -> ApiResult<TokenResponse> {
    Ok(TokenResponse {
        access_token: state.jwt.issue(session.account_id, state.clock.now())?,
        refresh_token: session.refresh_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_LIFETIME.num_seconds(),
    })
}

/// Log in
///
/// Five wrong passwords in a row lock the account for 15 minutes (429 with `Retry-After`); one
/// client address may try at most `QUALIFY_LOGIN_PER_MINUTE` logins a minute over all accounts.
#[utoipa::path(operation_id = "login", 
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The password was reset by an admin: send `new_password` too (`password_change_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields, or a weak `new_password`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Locked after repeated failures, or too many logins from this address", body = Problem, content_type = "application/problem+json",
         headers(("Retry-After" = u64, description = "Seconds until the lock ends"))),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    rate::check(&state.login_limiter, &request)?;
    let body = validated(body)?;
    let (clock, new_password) = (state.clock.as_ref(), body.new_password.as_deref());
    let session = directory::login(&state.db, clock, &body.username, &body.password, new_password).await?;
    Ok(web::Json(tokens(&state, session)?))
}

/// Refresh a session
///
/// The refresh token is single-use: the response carries its successor. Presenting a spent
/// token again ends the whole session family.
#[utoipa::path(operation_id = "refreshToken", 
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, spent or expired refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let body = validated(body)?;
    let session = directory::refresh(&state.db, state.clock.as_ref(), &body.refresh_token).await?;
    Ok(web::Json(tokens(&state, session)?))
}

/// Log out
///
/// Ends the session of the refresh token; idempotent.
#[utoipa::path(operation_id = "logout", 
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Session ended"),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, body: Json<RefreshRequest>) -> ApiResult<HttpResponse> {
    let body = validated(body)?;
    directory::logout(&state.db, state.clock.as_ref(), &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change my password
///
/// Needs the current password; ends every other session of the account.
#[utoipa::path(operation_id = "changeMyPassword", 
    tag = "me",
    request_body = ChangePasswordRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password or weak new one", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let body = validated(body)?;
    directory::change_password(
        &state.db,
        state.clock.as_ref(),
        &actor,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    state.actors.forget(actor.account_id);
    Ok(HttpResponse::NoContent().finish())
}
