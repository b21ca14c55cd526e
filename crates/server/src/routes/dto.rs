//! Shapes shared by many routes: pages of results and the plain acknowledgement.

use kernel::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiResult;

/// One page of a stably ordered list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageOf<T: ToSchema> {
    pub items: Vec<T>,
    #[schema(example = 431)]
    pub total: u64,
    #[schema(example = 1)]
    pub page: u64,
    #[schema(example = 20)]
    pub per_page: u64,
}

impl<T: ToSchema> From<Page<T>> for PageOf<T> {
    fn from(page: Page<T>) -> Self {
        Self { items: page.items, total: page.total, page: page.page, per_page: page.per_page }
    }
}

/// `page` (from 1) and `per_page` (1–200, default 20) of every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u64>,
    #[param(minimum = 1, maximum = 200, example = 20)]
    pub per_page: Option<u64>,
}

impl PageParams {
    pub fn request(&self) -> ApiResult<PageRequest> {
        Ok(PageRequest::parse(self.page, self.per_page)?)
    }
}
