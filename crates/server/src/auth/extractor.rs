use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use kernel::Actor;

use super::jwt::invalid_token;
use crate::error::ApiError;
use crate::state::AppState;

/// The authenticated caller. Taking it as a handler argument is what makes a route require a
/// login; the actor is read from the database, or from [`super::ActorCache`] when it was read
/// there a moment ago (the routes that change an account forget it, so disabling works at once).
#[derive(Debug, Clone)]
pub struct AuthUser(pub Actor);

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        Box::pin(async move {
            let state = state
                .ok_or_else(|| anyhow::anyhow!("AppState is not registered"))
                .map_err(kernel::Error::from)?;
            let token = token.ok_or_else(invalid_token)?;
            let account_id = state.jwt.verify(&token, state.clock.now())?;
            let read_at = std::time::Instant::now();
            let ticket = match state.actors.get(account_id, read_at) {
                Ok(actor) => return Ok(AuthUser(actor)),
                Err(ticket) => ticket,
            };
            let actor = directory::actor_for(&state.db, account_id).await?;
            state.actors.keep(&actor, read_at, ticket);
            Ok(AuthUser(actor))
        })
    }
}
