use serde::{Deserialize, Serialize};

/// Generates a snake_case string enum with `as_str`/`parse`, the shape every stored status
/// and kind of this crate has.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    };
}

string_enum! {
    /// Which qualification level a course prepares for.
    Track { C => "c", B => "b", A => "a", General => "general" }
}

string_enum! {
    /// Only published courses are open to teachers; archived ones keep their records.
    CourseStatus { Draft => "draft", Published => "published", Archived => "archived" }
}

string_enum! {
    /// How a lesson is consumed; every kind reports heartbeats, a document or text's duration
    /// being its expected reading time.
    LessonKind { Video => "video", Document => "document", Text => "text" }
}

string_enum! {
    /// An offline session is open for sign-in until the trainer closes it.
    SessionStatus { Scheduled => "scheduled", Closed => "closed" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_their_text() {
        assert_eq!(Track::parse(Track::General.as_str()), Some(Track::General));
        assert_eq!(CourseStatus::parse("published"), Some(CourseStatus::Published));
        assert_eq!(LessonKind::parse("audio"), None);
    }
}
