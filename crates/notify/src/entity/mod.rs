//! The outbox table; private to the crate.

pub(crate) mod outbox_message;
