//! Authentication at the edge: access tokens and the extractor that turns one into an actor.

mod actors;
mod extractor;
mod jwt;

pub use actors::ActorCache;
pub use extractor::AuthUser;
pub use jwt::{ACCESS_TOKEN_LIFETIME, JwtKeys};
