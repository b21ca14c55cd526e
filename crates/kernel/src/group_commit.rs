//! Group commit: many small writes that arrive together share one transaction.
//!
//! Thousands of phones send heartbeats at once; each is a short write for one teacher. Giving
//! each its own transaction makes them queue for SQLite's single writer (and sleep in its busy
//! handler) or pay PostgreSQL's commit flush one by one. Here the writes that arrive while a
//! batch is being written wait in a queue; the next batch takes them all, runs them in one
//! transaction, commits once, and only then answers each caller: nothing is acknowledged before
//! it is durable. Writes rarely fail once checked, so a batch does not pay for a savepoint per
//! write: when one fails, the batch rolls back and each of its writes is retried alone. Under
//! light load a batch is one write, so nobody waits for company.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction};
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::{Error, Result};

/// What a queued write does inside the shared transaction.
pub type WriteFuture<'a, R> = Pin<Box<dyn Future<Output = Result<R>> + Send + 'a>>;

type Work<J, R> = dyn for<'a> Fn(&'a DatabaseTransaction, &'a J) -> WriteFuture<'a, R> + Send + Sync;

struct Queued<J, R> {
    /// Writes are applied in order of this key (stable, so one key's writes keep their
    /// order): every batch takes its row locks in the same order and two batches never deadlock.
    key: i64,
    job: J,
    answer: oneshot::Sender<Result<R>>,
}

/// A queue of writes and the tasks that commit them in groups.
pub struct GroupCommit<J, R> {
    queue: mpsc::Sender<Queued<J, R>>,
}

impl<J, R> Clone for GroupCommit<J, R> {
    fn clone(&self) -> Self {
        Self { queue: self.queue.clone() }
    }
}

impl<J: Send + Sync + 'static, R: Send + 'static> GroupCommit<J, R> {
    /// Starts `writers` tasks (one is right for SQLite, which has one writer anyway) that take
    /// up to `max_batch` queued writes at a time.
    pub fn start(
        db: DatabaseConnection,
        writers: usize,
        max_batch: usize,
        work: impl for<'a> Fn(&'a DatabaseTransaction, &'a J) -> WriteFuture<'a, R> + Send + Sync + 'static,
    ) -> Self {
        let (queue, receiver) = mpsc::channel(max_batch * writers.max(1) * 4);
        let receiver = Arc::new(Mutex::new(receiver));
        let work: Arc<Work<J, R>> = Arc::new(work);
        for _ in 0..writers.max(1) {
            tokio::spawn(write_batches(db.clone(), receiver.clone(), max_batch, work.clone()));
        }
        Self { queue }
    }

    /// [`GroupCommit::start`] with as many writers as the database has use for: one on SQLite,
    /// whose write transactions are serialised anyway, and four on PostgreSQL, where batches
    /// of different keys commit side by side.
    pub fn start_for(
        db: DatabaseConnection,
        max_batch: usize,
        work: impl for<'a> Fn(&'a DatabaseTransaction, &'a J) -> WriteFuture<'a, R> + Send + Sync + 'static,
    ) -> Self {
        let writers = match db.get_database_backend() {
            sea_orm::DbBackend::Sqlite => 1,
            _ => 4,
        };
        Self::start(db, writers, max_batch, work)
    }

    /// Queues one write and waits until the batch holding it has committed (or it failed).
    pub async fn submit(&self, key: i64, job: J) -> Result<R> {
        let (answer, answered) = oneshot::channel();
        self.queue.send(Queued { key, job, answer }).await.map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Error {
    Error::Unexpected(anyhow::anyhow!("the group-commit writer stopped"))
}

async fn write_batches<J, R>(
    db: DatabaseConnection,
    receiver: Arc<Mutex<mpsc::Receiver<Queued<J, R>>>>,
    max_batch: usize,
    work: Arc<Work<J, R>>,
) {
    loop {
        let mut batch = Vec::new();
        {
            let mut receiver = receiver.lock().await;
            if receiver.recv_many(&mut batch, max_batch).await == 0 {
                return;
            }
        }
        batch.sort_by_key(|queued| queued.key);
        match write_together(&db, &batch, work.as_ref()).await {
            Ok(results) => {
                for (queued, result) in batch.into_iter().zip(results) {
                    let _ = queued.answer.send(Ok(result));
                }
            }
            Err(error) if batch.len() == 1 => {
                let _ = batch.pop().map(|queued| queued.answer.send(Err(error)));
            }
            // One write failed (or the commit did): the whole batch rolled back, so each write
            // is tried again in a transaction of its own and gets its own answer.
            Err(_) => {
                for queued in batch {
                    let result = write_together(&db, std::slice::from_ref(&queued), work.as_ref()).await;
                    let _ = queued.answer.send(result.map(|mut one| one.remove(0)));
                }
            }
        }
    }
}

/// All the writes of a batch in one transaction, or none of them.
async fn write_together<J, R>(
    db: &DatabaseConnection,
    batch: &[Queued<J, R>],
    work: &Work<J, R>,
) -> Result<Vec<R>> {
    let txn = crate::begin_write(db).await?;
    let mut results = Vec::with_capacity(batch.len());
    for queued in batch {
        match work(&txn, &queued.job).await {
            Ok(result) => results.push(result),
            Err(error) => {
                txn.rollback().await?;
                return Err(error);
            }
        }
    }
    txn.commit().await?;
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Database, Statement};

    async fn database(name: &str) -> DatabaseConnection {
        let file = std::env::temp_dir().join(format!("group-commit-{name}-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&file);
        let db = Database::connect(format!("sqlite://{}?mode=rwc", file.display())).await.unwrap();
        db.execute_unprepared(
            "CREATE TABLE beat (id INTEGER PRIMARY KEY, teacher INTEGER NOT NULL, seq INTEGER NOT NULL)",
        )
        .await
        .unwrap();
        db
    }

    /// Inserts the beat, then refuses odd seqs of teacher 3 after having written them.
    fn insert_beat<'a>(txn: &'a DatabaseTransaction, job: &'a (i64, i64)) -> WriteFuture<'a, i64> {
        Box::pin(async move {
            let (teacher, seq) = *job;
            txn.execute_raw(Statement::from_string(
                txn.get_database_backend(),
                format!("INSERT INTO beat (teacher, seq) VALUES ({teacher}, {seq})"),
            ))
            .await?;
            if teacher == 3 && seq % 2 == 1 {
                return Err(Error::conflict("odd", crate::Text::fixed("奇数", "odd")));
            }
            Ok(seq)
        })
    }

    async fn stored(db: &DatabaseConnection, sql: &str) -> i64 {
        let row =
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        row.try_get_by_index(0).unwrap()
    }

    #[tokio::test]
    async fn concurrent_writes_are_answered_each_after_commit_and_a_failed_one_leaves_nothing() {
        let db = database("concurrent").await;
        let group = GroupCommit::start(db.clone(), 1, 16, insert_beat);
        let mut tasks = tokio::task::JoinSet::new();
        for teacher in 1..=5 {
            for seq in 1..=10 {
                let group = group.clone();
                tasks.spawn(async move { (teacher, seq, group.submit(teacher, (teacher, seq)).await) });
            }
        }
        let mut refused = 0;
        while let Some(joined) = tasks.join_next().await {
            let (teacher, seq, result) = joined.unwrap();
            match result {
                Ok(answered) => assert_eq!(answered, seq),
                Err(Error::Conflict { code: "odd", .. }) => {
                    assert_eq!((teacher, seq % 2), (3, 1));
                    refused += 1;
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(refused, 5);
        assert_eq!(stored(&db, "SELECT COUNT(*) FROM beat").await, 45);
        assert_eq!(stored(&db, "SELECT COUNT(*) FROM beat WHERE teacher = 3 AND seq % 2 = 1").await, 0);
    }

    #[tokio::test]
    async fn a_write_the_database_refuses_is_answered_with_its_error() {
        let db = database("refused").await;
        db.execute_unprepared("DROP TABLE beat").await.unwrap();
        let group = GroupCommit::start(db, 1, 16, insert_beat);
        let failed = group.submit(1, (1, 2)).await;
        assert!(matches!(failed, Err(Error::Db(_))), "{failed:?}");
    }
}
