use std::collections::HashMap;

use kernel::{Page, Result};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::person;

/// A record a reviewer reads about one teacher (a credit claim, a certification application):
/// it carries the teacher's name and 工号 beside `teacher_id`, so a queue reads as people.
pub trait AboutTeacher {
    fn teacher_id(&self) -> i64;
    fn name_teacher(&mut self, name: String, employee_no: String);
}

/// Implements [`AboutTeacher`] for a record with `teacher_id`, `teacher_name` and `employee_no`.
#[macro_export]
macro_rules! about_teacher {
    ($record:ty) => {
        impl $crate::AboutTeacher for $record {
            fn teacher_id(&self) -> i64 {
                self.teacher_id
            }

            fn name_teacher(&mut self, name: String, employee_no: String) {
                (self.teacher_name, self.employee_no) = (name, employee_no);
            }
        }
    };
}

/// Fills in the name and 工号 of every item's teacher with one query per 500 teachers.
pub async fn name_teachers<T: AboutTeacher>(db: &impl ConnectionTrait, items: &mut [T]) -> Result<()> {
    let mut ids: Vec<i64> = items.iter().map(AboutTeacher::teacher_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut names: HashMap<i64, (String, String)> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String, String)> = person::Entity::find()
            .select_only()
            .columns([person::Column::Id, person::Column::Name, person::Column::EmployeeNo])
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(rows.into_iter().map(|(id, name, no)| (id, (name, no))));
    }
    for item in items {
        if let Some((name, no)) = names.get(&item.teacher_id()) {
            item.name_teacher(name.clone(), no.clone());
        }
    }
    Ok(())
}

/// One record with its teacher's name and 工号.
pub async fn named<T: AboutTeacher>(db: &impl ConnectionTrait, item: T) -> Result<T> {
    let mut one = [item];
    name_teachers(db, &mut one).await?;
    let [item] = one;
    Ok(item)
}

/// A page of records with their teachers' names, in one more query.
pub async fn named_page<T: AboutTeacher>(db: &impl ConnectionTrait, mut page: Page<T>) -> Result<Page<T>> {
    name_teachers(db, &mut page.items).await?;
    Ok(page)
}

/// A teacher's MH roles as evidence rows (`role`, the role), for certification's one query.
pub fn role_facts(teacher_id: i64) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Expr, ExprTrait};

    use crate::entity::person_role;
    kernel::fact_row("role", Expr::col(person_role::Column::Role), Expr::val(0), Expr::val(1))
        .from(person_role::Entity)
        .and_where(Expr::col(person_role::Column::PersonId).eq(teacher_id))
        .to_owned()
}
