//! Per-address request rates for the endpoints people could hammer without an account: logins
//! (credential stuffing across many accounts, which the per-account lockout does not see) and
//! public certificate verification (enumeration of codes). Kept in memory per instance: a
//! limit per instance is still a limit, and needs no shared store.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// Requests per minute per client address.
pub type AddressLimiter = Arc<DefaultKeyedRateLimiter<IpAddr>>;

/// A limiter allowing `per_minute` requests a minute per address (bursts up to that many).
pub fn per_minute(per_minute: u32) -> AddressLimiter {
    Arc::new(RateLimiter::keyed(Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN))))
}

/// Counts the request against its address; a 429 problem with `Retry-After` when over.
pub fn check(limiter: &AddressLimiter, request: &HttpRequest) -> Result<(), ApiError> {
    let Some(peer) = request.peer_addr() else { return Ok(()) };
    limiter.check_key(&peer.ip()).map_err(|wait| {
        let secs = wait.wait_time_from(DefaultClock::default().now()).as_secs().max(1);
        kernel::Error::RateLimited { retry_after_secs: secs }.into()
    })
}
