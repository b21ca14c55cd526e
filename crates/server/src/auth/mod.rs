//! Authentication at the edge: access tokens and the extractor that turns one into an actor.

mod extractor;
mod jwt;

pub use extractor::AuthUser;
pub use jwt::{ACCESS_TOKEN_LIFETIME, JwtKeys};
