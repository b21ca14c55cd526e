//! Email that never loses a message and never slows a request: mail is rendered and queued in
//! the outbox inside the transaction of the change that causes it, and a worker claims due
//! messages (one worker per message, with a lease), sends them over SMTP (or to `.eml` files),
//! and retries with backoff.

mod entity;
mod inbox;
mod outbox;
mod sender;
mod templates;
mod worker;

pub use inbox::{Notification, mark_read, notifications};
pub use outbox::{Envelope, OutboxMessage, enqueue, list_outbox, retry_message};
pub use sender::Sender;
pub use templates::{Mail, Rendered};
pub use worker::{Delivery, LEASE, MAX_ATTEMPTS, backoff, deliver_due, run};
