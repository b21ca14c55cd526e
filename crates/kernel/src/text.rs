use std::borrow::Cow;

/// User-facing text in both languages the product speaks. Domains write both; the HTTP edge
/// picks one per request (zh-CN by default, English on `Accept-Language: en`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub zh: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Text {
    /// Text known at compile time.
    pub const fn fixed(zh: &'static str, en: &'static str) -> Self {
        Self { zh: Cow::Borrowed(zh), en: Cow::Borrowed(en) }
    }

    /// Text built at run time, e.g. with a value that was at fault.
    pub fn owned(zh: String, en: String) -> Self {
        Self { zh: Cow::Owned(zh), en: Cow::Owned(en) }
    }

    /// The text in English when `english` is set, else in Chinese.
    pub fn pick(&self, english: bool) -> &str {
        if english { &self.en } else { &self.zh }
    }
}
