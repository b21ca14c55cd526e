//! Shared vocabulary of every domain crate: the error every service returns, bilingual text for
//! users, the acting account and its org scope, the clock, pagination and exact hours.
//!
//! Kept deliberately small: anything that only one domain needs lives in that domain.

mod actor;
mod bound;
mod clock;
mod erased;
mod error;
mod facts;
mod group_commit;
mod hours;
mod joined;
mod level;
mod lock;
mod page;
mod path;
mod string_enum;
mod text;
mod txn;
mod violations;

pub use actor::{Actor, Permission, Role, Scope};
pub use bound::Bound;
pub use clock::{
    Clock, ManualClock, SystemClock, china_date, china_day_end, china_day_start, china_offset, china_year,
    not_in_future,
};
pub use erased::{AnyConnection, ErasedConnection};
pub use error::{Error, FieldError, Result, stored, stored_json};
pub use facts::fact_row;
pub use group_commit::{GroupCommit, WriteFuture};
pub use hours::{Hours, from_tenths, to_tenths};
pub use joined::{left_joined, select_prefixed};
pub use level::Level;
pub use lock::lock_key;
pub use page::{Page, PageRequest, fetch_page};
pub use path::path_ancestors;
pub use text::Text;
pub use txn::begin_write;
pub use violations::Violations;
