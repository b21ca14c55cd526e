//! A macro for the many small stored vocabularies (statuses, kinds, forms).

/// Generates a snake_case string enum with `as_str`/`parse`: the shape of every stored status,
/// kind and form in the domains, written once. Clients may write any case (`"C"` for `c`, as
/// people and earlier issues spell it); answers and storage use the one snake_case spelling, and
/// `parse` (for stored values) takes only that.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ::serde::Serialize)]
        #[cfg_attr(feature = "openapi", derive(::utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&text.trim().to_ascii_lowercase())
                    .ok_or_else(|| ::serde::de::Error::unknown_variant(&text, &[$($text),+]))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    string_enum! {
        /// A vocabulary for the test.
        Track { C => "c", General => "general", InProgress => "in_progress" }
    }

    #[test]
    fn clients_may_write_any_case_and_read_one_spelling() {
        for (written, meant) in [
            ("\"C\"", Track::C),
            ("\"c\"", Track::C),
            ("\"General\"", Track::General),
            ("\"IN_PROGRESS\"", Track::InProgress),
        ] {
            assert_eq!(serde_json::from_str::<Track>(written).unwrap(), meant);
        }
        assert_eq!(serde_json::to_string(&Track::C).unwrap(), "\"c\"");
        assert!(serde_json::from_str::<Track>("\"x\"").is_err());
        assert_eq!(Track::parse("C"), None, "stored values are read strictly");
        assert_eq!(Track::parse(Track::General.as_str()), Some(Track::General));
    }
}
