use kernel::string_enum;

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
    /// An offline session is open for sign-in until the trainer closes it (or cancels it, for
    /// good).
    SessionStatus { Scheduled => "scheduled", Closed => "closed", Cancelled => "cancelled" }
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
