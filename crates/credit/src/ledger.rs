//! The append-only ledger: posting entries into a teacher's hash chain exactly once, and
//! checking the chain. Other domains call [`post`] inside their own transaction, so an
//! achievement and its hours commit or roll back together.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use futures_util::future::BoxFuture;
use kernel::{AnyConnection, Error, FieldError, Result, Text};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::domain::{
    Category, Delivery, EntryContent, GENESIS_HASH, Source, TrainingForm, from_tenths, to_tenths,
};
use crate::entity::{credit_chain, credit_claim, credit_entry, credit_year_total};

/// The most hours one entry may carry; more is a typing mistake, not a training.
pub const MAX_ENTRY_HOURS: i64 = 1000;

/// An entry to post. Its [`Source`] names the achievement (kind, id and category): posting the
/// same source again is a no-op, so retries and re-closing a session never double hours.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub teacher_id: i64,
    pub source: Source,
    /// Positive, at most one decimal place; negative only in a reversal.
    pub hours: Decimal,
    pub occurred_on: NaiveDate,
    pub description: String,
    /// The account that recorded it; `None` for the system.
    pub recorded_by: Option<i64>,
}

/// A ledger entry as clients see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    #[cfg_attr(feature = "openapi", schema(example = 381))]
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = 101))]
    pub teacher_id: i64,
    pub category: Category,
    /// 学时, a decimal with at most one place, as a string.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2.5"))]
    pub hours: Decimal,
    #[cfg_attr(feature = "openapi", schema(example = "2026-05-18"))]
    pub occurred_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(example = "adjustment"))]
    pub source_kind: String,
    #[cfg_attr(feature = "openapi", schema(example = "7f3c2a"))]
    pub source_id: String,
    #[cfg_attr(feature = "openapi", schema(example = "湖北省中小学教师心理健康教育专题培训"))]
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(example = 3))]
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
    pub reverses_entry_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(example = "9c1e…"))]
    pub hash: String,
}

impl Entry {
    /// An entry read back from the ledger: a category or source kind outside the vocabulary is
    /// corrupt data, refused (`corrupt_record`), never relabelled.
    pub(crate) fn read(m: credit_entry::Model) -> Result<Self> {
        Source::check_kind(&m.source_kind)?;
        Ok(Self {
            id: m.id,
            teacher_id: m.teacher_id,
            category: Category::read(&m.category)?,
            hours: from_tenths(m.hours_tenths),
            occurred_on: m.occurred_on,
            source_kind: m.source_kind,
            source_id: m.source_id,
            description: m.description,
            recorded_by: m.recorded_by,
            recorded_at: m.recorded_at,
            reverses_entry_id: m.reverses_entry_id,
            hash: m.hash,
        })
    }
}

/// The outcome of a post: the entry, and whether this call created it.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub entry: Entry,
    pub created: bool,
}

/// The result of recomputing a teacher's chain (and the running total searches read).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainCheck {
    pub ok: bool,
    #[cfg_attr(feature = "openapi", schema(example = 42))]
    pub checked_entries: u64,
    /// The first entry whose stored hash, predecessor or position does not match.
    pub first_broken_entry_id: Option<i64>,
}

fn check_hours(entry: &NewEntry) -> std::result::Result<i64, FieldError> {
    let tenths = to_tenths(entry.hours);
    let exact = Decimal::new(tenths, 1) == entry.hours;
    let allowed_sign = if entry.source.reverses().is_some() {
        tenths < 0
    } else if entry.source.category() == Category::Certificate {
        tenths >= 0
    } else {
        tenths > 0
    };
    if !exact || !allowed_sign || tenths.abs() > MAX_ENTRY_HOURS * 10 {
        return Err(FieldError::new(
            "hours",
            "out_of_range",
            Text::owned(
                format!("学时须大于 0、不超过 {MAX_ENTRY_HOURS}，最多一位小数"),
                format!("hours must be above 0, at most {MAX_ENTRY_HOURS}, with at most one decimal place"),
            ),
        ));
    }
    Ok(tenths)
}

/// Appends an entry to the teacher's chain inside the caller's transaction, exactly once per
/// source. Posts for one teacher are serialised by a row lock on the chain head, so concurrent
/// retries of the same source see each other and the chain never forks. Producers post
/// through [`crate::Ledger`], which also runs what a new entry sets off.
pub(crate) async fn append(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    entry: NewEntry,
) -> Result<Posted> {
    let tenths = check_hours(&entry)?;
    lock_chain(txn, entry.teacher_id).await?;

    if let Some(existing) = credit_entry::Entity::find()
        .filter(credit_entry::Column::SourceKind.eq(entry.source.kind()))
        .filter(credit_entry::Column::SourceId.eq(entry.source.id()))
        .one(txn)
        .await?
    {
        return Ok(Posted { entry: Entry::read(existing)?, created: false });
    }
    let head = credit_chain::Entity::find_by_id(entry.teacher_id)
        .one(txn)
        .await?
        .ok_or_else(|| Error::Unexpected(anyhow::anyhow!("credit chain head vanished")))?;

    let seq = head.length + 1;
    let recorded_at = truncate_to_micros(now);
    let delivery = delivery_of(txn, &entry.source).await?;
    let hash = hash_of(&entry, seq, tenths, recorded_at, &head.head_hash);
    let saved = row_of(&entry, seq, tenths, delivery, recorded_at, head.head_hash, hash.clone())
        .insert(txn)
        .await
        .map_err(Error::on_unique(
            "ledger_conflict",
            Text::fixed(
                "该记录与已有学时记录冲突，请刷新后重试",
                "the entry collides with an existing one; reload and retry",
            ),
        ))?;
    let kept = Kept::of(tenths, delivery);
    advance_head(txn, entry.teacher_id, seq, hash, kept).await?;
    add_to_years(txn, &[((entry.teacher_id, saved.year), kept)].into()).await?;
    Ok(Posted { entry: Entry::read(saved)?, created: true })
}

/// What one entry, or many, add to a kept-totals row: hours, entries, and the hours by delivery.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Kept {
    tenths: i64,
    entries: i64,
    online: i64,
    offline: i64,
}

impl Kept {
    fn of(tenths: i64, delivery: Option<Delivery>) -> Self {
        let (online, offline) = match delivery {
            Some(Delivery::Online) => (tenths, 0),
            Some(Delivery::Offline) => (0, tenths),
            None => (0, 0),
        };
        Self { tenths, entries: 1, online, offline }
    }

    fn add(&mut self, other: Kept) {
        self.tenths += other.tenths;
        self.entries += other.entries;
        self.online += other.online;
        self.offline += other.offline;
    }
}

/// The delivery of a new entry by the one mapping, [`Category::delivery`]: an approved claim
/// keeps its form, and a reversal the delivery of the entry it cancels. Only external entries
/// read anything.
async fn delivery_of(txn: &impl ConnectionTrait, source: &Source) -> Result<Option<Delivery>> {
    let category = source.category();
    if category != Category::External {
        return Ok(category.delivery(None));
    }
    match source {
        Source::Claim { claim_id } => {
            let form = credit_claim::Entity::find_by_id(*claim_id).one(txn).await?.map(|c| c.form);
            let form =
                form.as_deref().map(|f| kernel::stored(TrainingForm::parse(f), "credit_claim.form", f));
            Ok(category.delivery(form.transpose()?))
        }
        Source::Reversal { entry_id, .. } => {
            match credit_entry::Entity::find_by_id(*entry_id).one(txn).await?.and_then(|e| e.delivery) {
                Some(stored) => Delivery::read(&stored).map(Some),
                None => Ok(category.delivery(None)),
            }
        }
        _ => Ok(category.delivery(None)),
    }
}

/// Records teachers' schools and counties on their kept-totals rows, creating the rows (an
/// empty chain) for teachers new to the ledger: every teacher has one, so a county's search can
/// be read from the county's index alone. Inside the caller's transaction.
pub(crate) async fn place_teachers(
    txn: &impl ConnectionTrait,
    placements: &[directory::Placement],
) -> Result<()> {
    use credit_chain::Column as C;
    let excluded = |column: C| Expr::col((Alias::new("excluded"), column));
    for chunk in placements.chunks(1000) {
        let rows = chunk.iter().map(|p| credit_chain::ActiveModel {
            teacher_id: Set(p.teacher_id),
            length: Set(0),
            head_hash: Set(GENESIS_HASH.to_owned()),
            total_tenths: Set(0),
            county_id: Set(p.county_id),
            school_id: Set(Some(p.school_id)),
            online_tenths: Set(0),
            offline_tenths: Set(0),
        });
        credit_chain::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(C::TeacherId)
                    .value(C::CountyId, excluded(C::CountyId))
                    .value(C::SchoolId, excluded(C::SchoolId))
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// [`place_teachers`] as a [`directory::Placed`] listener, passed to whatever adds or moves teachers.
pub fn teachers_placed<'a>(
    txn: AnyConnection<'a>,
    placements: &'a [directory::Placement],
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move { place_teachers(&txn, placements).await })
}

/// Takes the row lock on a teacher's chain head until the transaction ends (creating the head
/// if needed): posts for the teacher, and anything that must not race them (issuing a
/// certificate on review), serialise on it on both databases.
pub async fn lock_chain(txn: &impl ConnectionTrait, teacher_id: i64) -> Result<()> {
    credit_chain::Entity::insert(credit_chain::ActiveModel {
        teacher_id: Set(teacher_id),
        length: Set(0),
        head_hash: Set(GENESIS_HASH.to_owned()),
        total_tenths: Set(0),
        county_id: Set(None),
        school_id: Set(None),
        online_tenths: Set(0),
        offline_tenths: Set(0),
    })
    .on_conflict_do_nothing_on([credit_chain::Column::TeacherId])
    .exec(txn)
    .await?;
    // A no-op update takes the head's row lock.
    credit_chain::Entity::update_many()
        .col_expr(credit_chain::Column::Length, Expr::col(credit_chain::Column::Length))
        .filter(credit_chain::Column::TeacherId.eq(teacher_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Moves a chain's head to `seq`/`hash` and adds the entry to the teacher's running totals.
async fn advance_head(
    txn: &impl ConnectionTrait,
    teacher_id: i64,
    seq: i64,
    hash: String,
    kept: Kept,
) -> Result<()> {
    use credit_chain::Column as C;
    credit_chain::Entity::update_many()
        .col_expr(C::Length, Expr::value(seq))
        .col_expr(C::HeadHash, Expr::value(hash))
        .col_expr(C::TotalTenths, Expr::col(C::TotalTenths).add(kept.tenths))
        .col_expr(C::OnlineTenths, Expr::col(C::OnlineTenths).add(kept.online))
        .col_expr(C::OfflineTenths, Expr::col(C::OfflineTenths).add(kept.offline))
        .filter(credit_chain::Column::TeacherId.eq(teacher_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Adds hours and entries to teachers' totals of a year, creating rows on first use:
/// `(teacher_id, year) -> what they add`, a thousand rows per statement.
async fn add_to_years(
    txn: &impl ConnectionTrait,
    totals: &std::collections::BTreeMap<(i64, i32), Kept>,
) -> Result<()> {
    use credit_year_total::Column as C;
    let summed = |column: C| {
        Expr::col((credit_year_total::Entity, column)).add(Expr::col((Alias::new("excluded"), column)))
    };
    let rows: Vec<_> = totals
        .iter()
        .map(|(&(teacher_id, year), kept)| credit_year_total::ActiveModel {
            teacher_id: Set(teacher_id),
            year: Set(year),
            tenths: Set(kept.tenths),
            entries: Set(kept.entries),
            online_tenths: Set(kept.online),
            offline_tenths: Set(kept.offline),
        })
        .collect();
    for chunk in rows.chunks(1000) {
        credit_year_total::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([C::TeacherId, C::Year])
                    .value(C::Tenths, summed(C::Tenths))
                    .value(C::Entries, summed(C::Entries))
                    .value(C::OnlineTenths, summed(C::OnlineTenths))
                    .value(C::OfflineTenths, summed(C::OfflineTenths))
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// The chain hash of a new entry at position `seq` after `prev_hash`.
fn hash_of(entry: &NewEntry, seq: i64, tenths: i64, recorded_at: DateTime<Utc>, prev_hash: &str) -> String {
    EntryContent {
        teacher_id: entry.teacher_id,
        seq,
        category: entry.source.category().as_str(),
        hours_tenths: tenths,
        occurred_on: entry.occurred_on,
        source_kind: entry.source.kind(),
        source_id: &entry.source.id(),
        description: &entry.description,
        recorded_by: entry.recorded_by,
        recorded_at,
        reverses_entry_id: entry.source.reverses(),
        prev_hash,
    }
    .hash()
}

/// The stored row of a new entry at position `seq`.
fn row_of(
    entry: &NewEntry,
    seq: i64,
    tenths: i64,
    delivery: Option<Delivery>,
    recorded_at: DateTime<Utc>,
    prev_hash: String,
    hash: String,
) -> credit_entry::ActiveModel {
    credit_entry::ActiveModel {
        teacher_id: Set(entry.teacher_id),
        seq: Set(seq),
        category: Set(entry.source.category().as_str().to_owned()),
        hours_tenths: Set(tenths),
        occurred_on: Set(entry.occurred_on),
        year: Set(entry.occurred_on.year()),
        source_kind: Set(entry.source.kind().to_owned()),
        source_id: Set(entry.source.id()),
        description: Set(entry.description.clone()),
        recorded_by: Set(entry.recorded_by),
        recorded_at: Set(recorded_at),
        reverses_entry_id: Set(entry.source.reverses()),
        prev_hash: Set(prev_hash),
        hash: Set(hash),
        delivery: Set(delivery.map(|d| d.as_str().to_owned())),
        ..Default::default()
    }
}

/// Databases keep microseconds at most; hash what will be read back.
fn truncate_to_micros(now: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// Recomputes a teacher's chain from the first entry, and checks its head.
pub async fn verify_chain(db: &impl ConnectionTrait, teacher_id: i64) -> Result<ChainCheck> {
    let entries = credit_entry::Entity::find()
        .filter(credit_entry::Column::TeacherId.eq(teacher_id))
        .order_by_asc(credit_entry::Column::Seq)
        .all(db)
        .await?;
    let mut prev_hash = GENESIS_HASH.to_owned();
    for (index, e) in entries.iter().enumerate() {
        Category::read(&e.category)?;
        Source::check_kind(&e.source_kind)?;
        let recomputed = EntryContent {
            teacher_id: e.teacher_id,
            seq: e.seq,
            category: &e.category,
            hours_tenths: e.hours_tenths,
            occurred_on: e.occurred_on,
            source_kind: &e.source_kind,
            source_id: &e.source_id,
            description: &e.description,
            recorded_by: e.recorded_by,
            recorded_at: e.recorded_at,
            reverses_entry_id: e.reverses_entry_id,
            prev_hash: &prev_hash,
        }
        .hash();
        if e.seq != index as i64 + 1 || e.prev_hash != prev_hash || e.hash != recomputed {
            return Ok(ChainCheck {
                ok: false,
                checked_entries: index as u64 + 1,
                first_broken_entry_id: Some(e.id),
            });
        }
        prev_hash = recomputed;
    }
    let head = credit_chain::Entity::find_by_id(teacher_id).one(db).await?;
    let sum: i64 = entries.iter().map(|e| e.hours_tenths).sum();
    let head_matches = match head {
        Some(head) => {
            head.length == entries.len() as i64 && head.head_hash == prev_hash && head.total_tenths == sum
        }
        None => entries.is_empty(),
    };
    Ok(ChainCheck { ok: head_matches, checked_entries: entries.len() as u64, first_broken_entry_id: None })
}

/// The newest entry of a source (or of its re-posts, `ID:n`) that no reversal cancels: what a
/// correction must reverse when the achievement behind it is withdrawn.
pub async fn live_entry_of_source_prefix(
    db: &impl ConnectionTrait,
    teacher_id: i64,
    source_kind: &str,
    source_id: &str,
) -> Result<Option<Entry>> {
    let candidates = credit_entry::Entity::find()
        .filter(credit_entry::Column::TeacherId.eq(teacher_id))
        .filter(credit_entry::Column::SourceKind.eq(source_kind))
        .filter(
            sea_orm::Condition::any()
                .add(credit_entry::Column::SourceId.eq(source_id))
                .add(credit_entry::Column::SourceId.starts_with(format!("{source_id}:"))),
        )
        .order_by_desc(credit_entry::Column::Seq)
        .all(db)
        .await?;
    let ids: Vec<i64> = candidates.iter().map(|e| e.id).collect();
    let reversed: Vec<i64> = credit_entry::Entity::find()
        .filter(credit_entry::Column::ReversesEntryId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|e| e.reverses_entry_id)
        .collect();
    candidates.into_iter().find(|e| !reversed.contains(&e.id)).map(Entry::read).transpose()
}

/// Appends many entries at once, for data generators and migrations from older systems: each
/// teacher's entries are chained in order from the teacher's current head and written in
/// batches. The same rules hold as for [`post`] (hours, unique sources); run it alone, not
/// beside live posting for the same teachers.
pub async fn import_history(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    entries: Vec<NewEntry>,
) -> Result<u64> {
    use credit_chain::Column as C;
    let mut by_teacher: std::collections::BTreeMap<i64, Vec<NewEntry>> = std::collections::BTreeMap::new();
    for entry in entries {
        by_teacher.entry(entry.teacher_id).or_default().push(entry);
    }
    let teacher_ids: Vec<i64> = by_teacher.keys().copied().collect();
    let mut heads = std::collections::HashMap::new();
    for chunk in teacher_ids.chunks(1000) {
        let found =
            credit_chain::Entity::find().filter(C::TeacherId.is_in(chunk.iter().copied())).all(txn).await?;
        heads.extend(found.into_iter().map(|h| (h.teacher_id, (h.length, h.head_hash))));
    }
    let unplaced: Vec<i64> = teacher_ids.iter().copied().filter(|id| !heads.contains_key(id)).collect();
    let recorded_at = truncate_to_micros(now);
    let mut rows = Vec::new();
    let mut new_heads = Vec::with_capacity(by_teacher.len());
    let mut years = std::collections::BTreeMap::new();
    for (teacher_id, list) in by_teacher {
        let (mut seq, mut prev) = heads.remove(&teacher_id).unwrap_or((0, GENESIS_HASH.to_owned()));
        let mut added = Kept::default();
        for entry in list {
            let tenths = check_hours(&entry)?;
            // History names its category; claims and reversals are not imported this way.
            let delivery = entry.source.category().delivery(None);
            let kept = Kept::of(tenths, delivery);
            added.add(kept);
            years.entry((teacher_id, entry.occurred_on.year())).or_insert_with(Kept::default).add(kept);
            seq += 1;
            let hash = hash_of(&entry, seq, tenths, recorded_at, &prev);
            rows.push(row_of(&entry, seq, tenths, delivery, recorded_at, prev.clone(), hash.clone()));
            prev = hash;
        }
        new_heads.push(credit_chain::ActiveModel {
            teacher_id: Set(teacher_id),
            length: Set(seq),
            head_hash: Set(prev),
            total_tenths: Set(added.tenths),
            county_id: Set(None),
            school_id: Set(None),
            online_tenths: Set(added.online),
            offline_tenths: Set(added.offline),
        });
    }
    let count = rows.len() as u64;
    for chunk in rows.chunks(1000) {
        credit_entry::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    // New chains start at what was added; existing ones move their head and add to their total.
    let excluded = |column: C| Expr::col((Alias::new("excluded"), column));
    for chunk in new_heads.chunks(1000) {
        credit_chain::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(C::TeacherId)
                    .value(C::Length, excluded(C::Length))
                    .value(C::HeadHash, excluded(C::HeadHash))
                    .value(
                        C::TotalTenths,
                        Expr::col((credit_chain::Entity, C::TotalTenths)).add(excluded(C::TotalTenths)),
                    )
                    .value(
                        C::OnlineTenths,
                        Expr::col((credit_chain::Entity, C::OnlineTenths)).add(excluded(C::OnlineTenths)),
                    )
                    .value(
                        C::OfflineTenths,
                        Expr::col((credit_chain::Entity, C::OfflineTenths)).add(excluded(C::OfflineTenths)),
                    )
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    add_to_years(txn, &years).await?;
    // Teachers new to the ledger here had no kept-totals row, so nobody placed them yet.
    place_teachers(txn, &directory::placements(txn, &unplaced).await?).await?;
    Ok(count)
}

/// Every teacher with a ledger (a chain head with entries), ascending: whom a reassessment
/// judges.
pub async fn teachers_with_ledger(db: &impl ConnectionTrait) -> Result<Vec<i64>> {
    Ok(credit_chain::Entity::find()
        .filter(credit_chain::Column::Length.gt(0))
        .order_by_asc(credit_chain::Column::TeacherId)
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.teacher_id)
        .collect())
}

/// The entry ids of these sources of one kind, by source id: how a bulk import finds the
/// entries it just appended.
pub async fn entries_of_sources(
    db: &impl ConnectionTrait,
    source_kind: &str,
    source_ids: &[String],
) -> Result<std::collections::HashMap<String, i64>> {
    let mut found = std::collections::HashMap::with_capacity(source_ids.len());
    for chunk in source_ids.chunks(500) {
        let rows = credit_entry::Entity::find()
            .filter(credit_entry::Column::SourceKind.eq(source_kind))
            .filter(credit_entry::Column::SourceId.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|e| (e.source_id, e.id)));
    }
    Ok(found)
}
