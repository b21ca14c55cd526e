//! The ledger as producers write to it. A new entry may complete a level, and issuing that
//! certificate is certification's business, a domain that reads the ledger and so cannot be
//! named here. The server therefore builds one [`Ledger`] carrying that step
//! (`server::pipeline`: post → assess → issue → mail) and hands it to every producer, so what
//! a post sets off is an argument anyone can follow, not a process-global registration.

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::future::BoxFuture;
use kernel::{AnyConnection, Error, Result};
use sea_orm::ConnectionTrait;

use crate::domain::{Category, Source};
use crate::ledger::{Entry, NewEntry, Posted, append};

/// What a new entry sets off, inside the transaction that posts it.
pub type AfterPost = for<'a> fn(AnyConnection<'a>, DateTime<Utc>, &'a Entry) -> BoxFuture<'a, Result<()>>;

/// The one way producers post to and correct the ledger: each entry is appended to the
/// teacher's chain exactly once per source and, when it is new, the [`AfterPost`] step runs in
/// the same transaction, so an hour and the certificate it completes commit together.
#[derive(Debug, Clone, Copy)]
pub struct Ledger {
    after_post: AfterPost,
}

impl Ledger {
    /// A ledger whose new entries set off `after_post`.
    pub const fn new(after_post: AfterPost) -> Self {
        Self { after_post }
    }

    /// Appends an entry inside the caller's transaction (a no-op for a source already posted)
    /// and runs the after-post step for a new one.
    pub async fn post(
        &self,
        txn: &impl ConnectionTrait,
        now: DateTime<Utc>,
        entry: NewEntry,
    ) -> Result<Posted> {
        let posted = append(txn, now, entry).await?;
        if posted.created {
            (self.after_post)(AnyConnection(txn), now, &posted.entry).await?;
        }
        Ok(posted)
    }

    /// The one way to correct an entry: a reversal of the same teacher and category with the
    /// opposite hours (`reversal/{entry}`), so an entry is reversed at most once; a second call
    /// returns the reversal already posted (`created: false`).
    pub async fn reverse(
        &self,
        txn: &impl ConnectionTrait,
        now: DateTime<Utc>,
        target: &Entry,
        occurred_on: NaiveDate,
        description: String,
        recorded_by: Option<i64>,
    ) -> Result<Posted> {
        let source = Source::Reversal { entry_id: target.id, category: target.category };
        let entry = NewEntry {
            teacher_id: target.teacher_id,
            source,
            hours: -target.hours,
            occurred_on,
            description,
            recorded_by,
        };
        self.post(txn, now, entry).await
    }
}

/// Records a certificate's own (zero-hour) entry, its boundary in the ledger. It sets nothing
/// off: it is what the after-post step itself writes when it issues. Any other source is a
/// programming error, refused, so no producer can post around the [`Ledger`].
pub async fn post_certificate(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    entry: NewEntry,
) -> Result<Posted> {
    if entry.source.category() != Category::Certificate {
        return Err(Error::Unexpected(anyhow::anyhow!(
            "post_certificate given a {} entry",
            entry.source.kind()
        )));
    }
    append(txn, now, entry).await
}
