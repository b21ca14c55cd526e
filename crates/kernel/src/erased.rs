//! A database connection with its type erased. sea-orm's `ConnectionTrait` has generic methods,
//! so it cannot be a trait object; a callback registered once at start-up (the ledger calling
//! certification inside the poster's transaction) needs one. [`AnyConnection`] wraps any
//! connection or transaction behind an object-safe trait and implements `ConnectionTrait` again,
//! so the callee uses ordinary sea-orm code.

use futures_util::future::BoxFuture;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, ExecResult, QueryResult, Statement};

/// The object-safe part of `ConnectionTrait`, implemented for every connection.
pub trait ErasedConnection: Sync {
    fn backend(&self) -> DbBackend;
    fn execute_statement(&self, stmt: Statement) -> BoxFuture<'_, Result<ExecResult, DbErr>>;
    fn execute_sql<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<ExecResult, DbErr>>;
    fn query_one_statement(&self, stmt: Statement) -> BoxFuture<'_, Result<Option<QueryResult>, DbErr>>;
    fn query_all_statement(&self, stmt: Statement) -> BoxFuture<'_, Result<Vec<QueryResult>, DbErr>>;
}

impl<C: ConnectionTrait> ErasedConnection for C {
    fn backend(&self) -> DbBackend {
        self.get_database_backend()
    }

    fn execute_statement(&self, stmt: Statement) -> BoxFuture<'_, Result<ExecResult, DbErr>> {
        self.execute_raw(stmt)
    }

    fn execute_sql<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<ExecResult, DbErr>> {
        self.execute_unprepared(sql)
    }

    fn query_one_statement(&self, stmt: Statement) -> BoxFuture<'_, Result<Option<QueryResult>, DbErr>> {
        self.query_one_raw(stmt)
    }

    fn query_all_statement(&self, stmt: Statement) -> BoxFuture<'_, Result<Vec<QueryResult>, DbErr>> {
        self.query_all_raw(stmt)
    }
}

/// Any connection or transaction, usable wherever sea-orm wants `impl ConnectionTrait`.
#[derive(Clone, Copy)]
pub struct AnyConnection<'a>(pub &'a dyn ErasedConnection);

#[async_trait::async_trait]
impl ConnectionTrait for AnyConnection<'_> {
    fn get_database_backend(&self) -> DbBackend {
        self.0.backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.0.execute_statement(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.0.execute_sql(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.0.query_one_statement(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.0.query_all_statement(stmt).await
    }
}
