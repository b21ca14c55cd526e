use crate::{Error, Result, Text};

/// A validated page request: `page` from 1, `per_page` from 1 to [`PageRequest::MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u64,
    per_page: u64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: u64 = 200;
    pub const DEFAULT_PER_PAGE: u64 = 20;
    /// Far beyond any real list (a million pages of 200 is every teacher of the country ten
    /// times over), and small enough that the offset never overflows a database integer.
    pub const MAX_PAGE: u64 = 1_000_000;

    /// Builds a request from optional client values, refusing out-of-range ones rather than
    /// silently clamping them, so a client never misreads a shorter page as the end.
    pub fn parse(page: Option<u64>, per_page: Option<u64>) -> Result<Self> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(Self::DEFAULT_PER_PAGE);
        let mut errors = Vec::new();
        if page == 0 || page > Self::MAX_PAGE {
            errors.push(crate::FieldError::new(
                "page",
                "out_of_range",
                Text::fixed("页码须在 1 到 1000000 之间", "page must be between 1 and 1000000"),
            ));
        }
        if per_page == 0 || per_page > Self::MAX_PER_PAGE {
            errors.push(crate::FieldError::new(
                "per_page",
                "out_of_range",
                Text::fixed("每页条数须在 1 到 200 之间", "per_page must be between 1 and 200"),
            ));
        }
        if errors.is_empty() { Ok(Self { page, per_page }) } else { Err(Error::Invalid(errors)) }
    }

    pub fn page(&self) -> u64 {
        self.page
    }

    pub fn per_page(&self) -> u64 {
        self.per_page
    }

    /// Zero-based index of the first item, for `OFFSET`.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, per_page: Self::DEFAULT_PER_PAGE }
    }
}

/// One page of a stably ordered list, with the total across all pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: u64, request: PageRequest) -> Self {
        Self { items, total, page: request.page, per_page: request.per_page }
    }

    /// The same page with each item converted, e.g. into a response DTO.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

impl<T> Page<T> {
    /// The same page with each item converted by a conversion that may fail (reading stored
    /// values back); the first failure is the answer.
    pub fn try_map<U, E>(
        self,
        f: impl FnMut(T) -> std::result::Result<U, E>,
    ) -> std::result::Result<Page<U>, E> {
        let items = self.items.into_iter().map(f).collect::<std::result::Result<Vec<U>, E>>()?;
        Ok(Page { items, total: self.total, page: self.page, per_page: self.per_page })
    }
}

/// Runs a stably ordered query for one page and counts the whole result.
pub async fn fetch_page<E, C>(
    db: &C,
    select: sea_orm::Select<E>,
    request: PageRequest,
) -> Result<Page<E::Model>>
where
    E: sea_orm::EntityTrait,
    E::Model: Sync,
    C: sea_orm::ConnectionTrait,
{
    use sea_orm::{PaginatorTrait, QuerySelect};
    let total = select.clone().count(db).await?;
    let items = select.offset(request.offset()).limit(request.per_page()).all(db).await?;
    Ok(Page::new(items, total, request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_beyond_the_maximum_are_refused_so_the_offset_cannot_overflow() {
        assert!(PageRequest::parse(Some(u64::MAX), Some(200)).is_err());
        assert!(PageRequest::parse(Some(0), None).is_err());
        let last = PageRequest::parse(Some(PageRequest::MAX_PAGE), Some(200)).unwrap();
        assert_eq!(last.offset(), (PageRequest::MAX_PAGE - 1) * 200);
    }

    #[test]
    fn defaults_to_first_page_of_twenty() {
        let request = PageRequest::parse(None, None).unwrap();
        assert_eq!((request.page(), request.per_page(), request.offset()), (1, 20, 0));
    }

    #[test]
    fn refuses_per_page_over_the_limit_and_page_zero() {
        let Err(Error::Invalid(errors)) = PageRequest::parse(Some(0), Some(201)) else {
            panic!("expected invalid");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "per_page"]);
    }

    #[test]
    fn offset_counts_whole_pages_before() {
        assert_eq!(PageRequest::parse(Some(3), Some(50)).unwrap().offset(), 100);
    }
}
