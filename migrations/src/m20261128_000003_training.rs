use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{index, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Course {
    Table,
    Id,
    Title,
    Summary,
    Track,
    HoursTenths,
    Status,
    OrgUnitId,
    OrgPath,
    PresenceCheckMinutes,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CourseModule {
    Table,
    Id,
    CourseId,
    Position,
    Title,
}

#[derive(DeriveIden)]
enum Lesson {
    Table,
    Id,
    CourseId,
    ModuleId,
    Position,
    Kind,
    Title,
    DurationSeconds,
    HoursTenths,
    Required,
}

#[derive(DeriveIden)]
enum Enrollment {
    Table,
    Id,
    CourseId,
    TeacherId,
    EnrolledAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum LessonProgress {
    Table,
    Id,
    TeacherId,
    LessonId,
    LastSeq,
    LastPositionMs,
    LastTime,
    LastClientTime,
    LastPlaying,
    Watched,
    WatchedMs,
    CreditedMs,
    CompletedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LearningInterval {
    Table,
    Id,
    TeacherId,
    LessonId,
    StartsAt,
    EndsAt,
}

#[derive(DeriveIden)]
enum PresenceChallenge {
    Table,
    Id,
    TeacherId,
    CourseId,
    Question,
    Answer,
    IssuedAt,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum OfflineSession {
    Table,
    Id,
    Title,
    CourseId,
    Place,
    StartsAt,
    EndsAt,
    HoursTenths,
    Capacity,
    OrgUnitId,
    OrgPath,
    Trainer,
    Status,
    SignInSecret,
    SignInGraceMinutes,
    CreatedBy,
    ClosedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AttendanceRegistration {
    Table,
    OccasionKind,
    OccasionId,
    TeacherId,
    RegisteredAt,
}

#[derive(DeriveIden)]
enum AttendanceRecord {
    Table,
    Id,
    OccasionKind,
    OccasionId,
    TeacherId,
    CheckedInAt,
    CheckedOutAt,
    Status,
    Reason,
    MarkedBy,
    MarkedAt,
}

#[derive(DeriveIden)]
enum AttendanceMarkLog {
    Table,
    Id,
    OccasionKind,
    OccasionId,
    TeacherId,
    Status,
    Reason,
    MarkedBy,
    MarkedAt,
}

#[derive(DeriveIden)]
enum KeyLock {
    Table,
    Scope,
    Key,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KeyLock::Table)
                    .col(string_len(KeyLock::Scope, 32))
                    .col(big_integer(KeyLock::Key))
                    .primary_key(Index::create().col(KeyLock::Scope).col(KeyLock::Key))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Course::Table)
                    .col(big_pk_auto(Course::Id))
                    .col(string_len(Course::Title, 200))
                    .col(string_len(Course::Summary, 2000))
                    .col(string_len(Course::Track, 16))
                    .col(big_integer(Course::HoursTenths))
                    .col(string_len(Course::Status, 16))
                    .col(big_integer(Course::OrgUnitId))
                    .col(string_len(Course::OrgPath, 255))
                    .col(integer_null(Course::PresenceCheckMinutes))
                    .col(timestamp_with_time_zone(Course::CreatedAt))
                    .col(timestamp_with_time_zone(Course::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, Course::Table, "idx_course_org_path", [Course::OrgPath]).await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseModule::Table)
                    .col(big_pk_auto(CourseModule::Id))
                    .col(big_integer(CourseModule::CourseId))
                    .col(integer(CourseModule::Position))
                    .col(string_len(CourseModule::Title, 200))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseModule::Table, CourseModule::CourseId)
                            .to(Course::Table, Course::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, CourseModule::Table, "idx_course_module_course", [CourseModule::CourseId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Lesson::Table)
                    .col(big_pk_auto(Lesson::Id))
                    .col(big_integer(Lesson::CourseId))
                    .col(big_integer(Lesson::ModuleId))
                    .col(integer(Lesson::Position))
                    .col(string_len(Lesson::Kind, 16))
                    .col(string_len(Lesson::Title, 200))
                    .col(integer(Lesson::DurationSeconds))
                    .col(big_integer_null(Lesson::HoursTenths))
                    .col(boolean(Lesson::Required))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Lesson::Table, Lesson::ModuleId)
                            .to(CourseModule::Table, CourseModule::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, Lesson::Table, "idx_lesson_course", [Lesson::CourseId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Enrollment::Table)
                    .col(big_pk_auto(Enrollment::Id))
                    .col(big_integer(Enrollment::CourseId))
                    .col(big_integer(Enrollment::TeacherId))
                    .col(timestamp_with_time_zone(Enrollment::EnrolledAt))
                    .col(timestamp_with_time_zone_null(Enrollment::CompletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enrollment::Table, Enrollment::CourseId)
                            .to(Course::Table, Course::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enrollment::Table, Enrollment::TeacherId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        unique(manager, Enrollment::Table, "uq_enrollment", [Enrollment::TeacherId, Enrollment::CourseId])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LessonProgress::Table)
                    .col(big_pk_auto(LessonProgress::Id))
                    .col(big_integer(LessonProgress::TeacherId))
                    .col(big_integer(LessonProgress::LessonId))
                    .col(big_integer(LessonProgress::LastSeq))
                    .col(big_integer(LessonProgress::LastPositionMs))
                    .col(timestamp_with_time_zone_null(LessonProgress::LastTime))
                    .col(timestamp_with_time_zone_null(LessonProgress::LastClientTime))
                    .col(boolean(LessonProgress::LastPlaying))
                    .col(text(LessonProgress::Watched))
                    .col(big_integer(LessonProgress::WatchedMs))
                    .col(big_integer(LessonProgress::CreditedMs))
                    .col(timestamp_with_time_zone_null(LessonProgress::CompletedAt))
                    .col(timestamp_with_time_zone(LessonProgress::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            LessonProgress::Table,
            "uq_lesson_progress",
            [LessonProgress::TeacherId, LessonProgress::LessonId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(LearningInterval::Table)
                    .col(big_pk_auto(LearningInterval::Id))
                    .col(big_integer(LearningInterval::TeacherId))
                    .col(big_integer(LearningInterval::LessonId))
                    .col(timestamp_with_time_zone(LearningInterval::StartsAt))
                    .col(timestamp_with_time_zone(LearningInterval::EndsAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            LearningInterval::Table,
            "idx_learning_interval_teacher",
            [LearningInterval::TeacherId, LearningInterval::EndsAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PresenceChallenge::Table)
                    .col(big_pk_auto(PresenceChallenge::Id))
                    .col(big_integer(PresenceChallenge::TeacherId))
                    .col(big_integer(PresenceChallenge::CourseId))
                    .col(string_len(PresenceChallenge::Question, 100))
                    .col(string_len(PresenceChallenge::Answer, 20))
                    .col(timestamp_with_time_zone(PresenceChallenge::IssuedAt))
                    .col(timestamp_with_time_zone_null(PresenceChallenge::AnsweredAt))
                    .to_owned(),
            )
            .await?;
        index(manager, PresenceChallenge::Table, "idx_presence_teacher", [PresenceChallenge::TeacherId])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OfflineSession::Table)
                    .col(big_pk_auto(OfflineSession::Id))
                    .col(string_len(OfflineSession::Title, 200))
                    .col(big_integer_null(OfflineSession::CourseId))
                    .col(string_len(OfflineSession::Place, 200))
                    .col(timestamp_with_time_zone(OfflineSession::StartsAt))
                    .col(timestamp_with_time_zone(OfflineSession::EndsAt))
                    .col(big_integer(OfflineSession::HoursTenths))
                    .col(integer(OfflineSession::Capacity))
                    .col(big_integer(OfflineSession::OrgUnitId))
                    .col(string_len(OfflineSession::OrgPath, 255))
                    .col(string_len(OfflineSession::Trainer, 100))
                    .col(string_len(OfflineSession::Status, 16))
                    .col(string_len(OfflineSession::SignInSecret, 64))
                    .col(integer(OfflineSession::SignInGraceMinutes))
                    .col(big_integer(OfflineSession::CreatedBy))
                    .col(timestamp_with_time_zone_null(OfflineSession::ClosedAt))
                    .col(timestamp_with_time_zone(OfflineSession::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(manager, OfflineSession::Table, "idx_offline_session_org_path", [OfflineSession::OrgPath])
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AttendanceRegistration::Table)
                    .col(string_len(AttendanceRegistration::OccasionKind, 16))
                    .col(big_integer(AttendanceRegistration::OccasionId))
                    .col(big_integer(AttendanceRegistration::TeacherId))
                    .col(timestamp_with_time_zone(AttendanceRegistration::RegisteredAt))
                    .primary_key(
                        Index::create()
                            .col(AttendanceRegistration::OccasionKind)
                            .col(AttendanceRegistration::OccasionId)
                            .col(AttendanceRegistration::TeacherId),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            AttendanceRegistration::Table,
            "idx_registration_teacher",
            [AttendanceRegistration::TeacherId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AttendanceRecord::Table)
                    .col(big_pk_auto(AttendanceRecord::Id))
                    .col(string_len(AttendanceRecord::OccasionKind, 16))
                    .col(big_integer(AttendanceRecord::OccasionId))
                    .col(big_integer(AttendanceRecord::TeacherId))
                    .col(timestamp_with_time_zone_null(AttendanceRecord::CheckedInAt))
                    .col(timestamp_with_time_zone_null(AttendanceRecord::CheckedOutAt))
                    .col(string_len_null(AttendanceRecord::Status, 16))
                    .col(string_len_null(AttendanceRecord::Reason, 500))
                    .col(big_integer_null(AttendanceRecord::MarkedBy))
                    .col(timestamp_with_time_zone_null(AttendanceRecord::MarkedAt))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            AttendanceRecord::Table,
            "uq_attendance_record",
            [AttendanceRecord::OccasionKind, AttendanceRecord::OccasionId, AttendanceRecord::TeacherId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AttendanceMarkLog::Table)
                    .col(big_pk_auto(AttendanceMarkLog::Id))
                    .col(string_len(AttendanceMarkLog::OccasionKind, 16))
                    .col(big_integer(AttendanceMarkLog::OccasionId))
                    .col(big_integer(AttendanceMarkLog::TeacherId))
                    .col(string_len(AttendanceMarkLog::Status, 16))
                    .col(string_len(AttendanceMarkLog::Reason, 500))
                    .col(big_integer(AttendanceMarkLog::MarkedBy))
                    .col(timestamp_with_time_zone(AttendanceMarkLog::MarkedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AttendanceMarkLog::Table.into_iden(),
            AttendanceRecord::Table.into_iden(),
            AttendanceRegistration::Table.into_iden(),
            OfflineSession::Table.into_iden(),
            PresenceChallenge::Table.into_iden(),
            LearningInterval::Table.into_iden(),
            LessonProgress::Table.into_iden(),
            Enrollment::Table.into_iden(),
            Lesson::Table.into_iden(),
            CourseModule::Table.into_iden(),
            Course::Table.into_iden(),
            KeyLock::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
