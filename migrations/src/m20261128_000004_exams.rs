use sea_orm_migration::{prelude::*, schema::*};

use crate::util::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum QuestionBank {
    Table,
    Id,
    Name,
    OrgUnitId,
    OrgPath,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Question {
    Table,
    Id,
    BankId,
    Version,
    Kind,
    Stem,
    Options,
    Answer,
    PartialCredit,
    PointsTenths,
    Tags,
    Level,
    Difficulty,
    Rubric,
    Explanation,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Exam {
    Table,
    Id,
    Title,
    Level,
    OrgUnitId,
    OrgPath,
    DurationMinutes,
    PassScoreTenths,
    MaxAttempts,
    OpensAt,
    ClosesAt,
    ShuffleOptions,
    ReleaseMode,
    DoubleMarking,
    MarginTenths,
    HoursTenths,
    Sections,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attempt {
    Table,
    Id,
    ExamId,
    TeacherId,
    Status,
    Seed,
    StartedAt,
    Deadline,
    SubmittedAt,
    ScoreTenths,
    Passed,
    ReleasedAt,
}

#[derive(DeriveIden)]
enum AttemptQuestion {
    Table,
    Id,
    AttemptId,
    Position,
    QuestionId,
    QuestionVersion,
    Kind,
    Stem,
    Options,
    AnswerKey,
    PartialCredit,
    PointsTenths,
    Rubric,
    Explanation,
    Answer,
    AnsweredAt,
    ScoreTenths,
}

#[derive(DeriveIden)]
enum GradingTask {
    Table,
    Id,
    AttemptQuestionId,
    AttemptId,
    ExamId,
    OrgPath,
    Round,
    Status,
    GraderId,
    ClaimedUntil,
    Criteria,
    Comment,
    ScoreTenths,
    GradedAt,
}

#[derive(DeriveIden)]
enum ScoreAudit {
    Table,
    Id,
    AttemptId,
    QuestionId,
    AccountId,
    OldScoreTenths,
    NewScoreTenths,
    Reason,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(QuestionBank::Table)
                    .col(big_pk_auto(QuestionBank::Id))
                    .col(string_len(QuestionBank::Name, 200))
                    .col(big_integer(QuestionBank::OrgUnitId))
                    .col(string_len(QuestionBank::OrgPath, 255))
                    .col(timestamp_with_time_zone(QuestionBank::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Question::Table)
                    .col(big_pk_auto(Question::Id))
                    .col(big_integer(Question::BankId))
                    .col(integer(Question::Version))
                    .col(string_len(Question::Kind, 24))
                    .col(text(Question::Stem))
                    .col(text(Question::Options))
                    .col(text(Question::Answer))
                    .col(boolean(Question::PartialCredit))
                    .col(big_integer(Question::PointsTenths))
                    .col(string_len(Question::Tags, 500))
                    .col(string_len_null(Question::Level, 8))
                    .col(integer(Question::Difficulty))
                    .col(text(Question::Rubric))
                    .col(text(Question::Explanation))
                    .col(timestamp_with_time_zone(Question::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Question::Table, Question::BankId)
                            .to(QuestionBank::Table, QuestionBank::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, Question::Table, "idx_question_bank", [Question::BankId]).await?;
        manager
            .create_table(
                Table::create()
                    .table(Exam::Table)
                    .col(big_pk_auto(Exam::Id))
                    .col(string_len(Exam::Title, 200))
                    .col(string_len(Exam::Level, 8))
                    .col(big_integer(Exam::OrgUnitId))
                    .col(string_len(Exam::OrgPath, 255))
                    .col(integer(Exam::DurationMinutes))
                    .col(big_integer(Exam::PassScoreTenths))
                    .col(integer(Exam::MaxAttempts))
                    .col(timestamp_with_time_zone(Exam::OpensAt))
                    .col(timestamp_with_time_zone(Exam::ClosesAt))
                    .col(boolean(Exam::ShuffleOptions))
                    .col(string_len(Exam::ReleaseMode, 16))
                    .col(boolean(Exam::DoubleMarking))
                    .col(big_integer(Exam::MarginTenths))
                    .col(big_integer(Exam::HoursTenths))
                    .col(text(Exam::Sections))
                    .col(timestamp_with_time_zone(Exam::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Attempt::Table)
                    .col(big_pk_auto(Attempt::Id))
                    .col(big_integer(Attempt::ExamId))
                    .col(big_integer(Attempt::TeacherId))
                    .col(string_len(Attempt::Status, 16))
                    .col(big_integer(Attempt::Seed))
                    .col(timestamp_with_time_zone(Attempt::StartedAt))
                    .col(timestamp_with_time_zone(Attempt::Deadline))
                    .col(timestamp_with_time_zone_null(Attempt::SubmittedAt))
                    .col(big_integer_null(Attempt::ScoreTenths))
                    .col(boolean_null(Attempt::Passed))
                    .col(timestamp_with_time_zone_null(Attempt::ReleasedAt))
                    .foreign_key(
                        ForeignKey::create().from(Attempt::Table, Attempt::ExamId).to(Exam::Table, Exam::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, Attempt::Table, "idx_attempt_teacher_exam", [Attempt::TeacherId, Attempt::ExamId])
            .await?;
        index(manager, Attempt::Table, "idx_attempt_status_deadline", [Attempt::Status, Attempt::Deadline])
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AttemptQuestion::Table)
                    .col(big_pk_auto(AttemptQuestion::Id))
                    .col(big_integer(AttemptQuestion::AttemptId))
                    .col(integer(AttemptQuestion::Position))
                    .col(big_integer(AttemptQuestion::QuestionId))
                    .col(integer(AttemptQuestion::QuestionVersion))
                    .col(string_len(AttemptQuestion::Kind, 24))
                    .col(text(AttemptQuestion::Stem))
                    .col(text(AttemptQuestion::Options))
                    .col(text(AttemptQuestion::AnswerKey))
                    .col(boolean(AttemptQuestion::PartialCredit))
                    .col(big_integer(AttemptQuestion::PointsTenths))
                    .col(text(AttemptQuestion::Rubric))
                    .col(text(AttemptQuestion::Explanation))
                    .col(text_null(AttemptQuestion::Answer))
                    .col(timestamp_with_time_zone_null(AttemptQuestion::AnsweredAt))
                    .col(big_integer_null(AttemptQuestion::ScoreTenths))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AttemptQuestion::Table, AttemptQuestion::AttemptId)
                            .to(Attempt::Table, Attempt::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, AttemptQuestion::Table, "idx_attempt_question_attempt", [AttemptQuestion::AttemptId])
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GradingTask::Table)
                    .col(big_pk_auto(GradingTask::Id))
                    .col(big_integer(GradingTask::AttemptQuestionId))
                    .col(big_integer(GradingTask::AttemptId))
                    .col(big_integer(GradingTask::ExamId))
                    .col(string_len(GradingTask::OrgPath, 255))
                    .col(integer(GradingTask::Round))
                    .col(string_len(GradingTask::Status, 16))
                    .col(big_integer_null(GradingTask::GraderId))
                    .col(timestamp_with_time_zone_null(GradingTask::ClaimedUntil))
                    .col(text_null(GradingTask::Criteria))
                    .col(text_null(GradingTask::Comment))
                    .col(big_integer_null(GradingTask::ScoreTenths))
                    .col(timestamp_with_time_zone_null(GradingTask::GradedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            GradingTask::Table,
            "idx_grading_task_status",
            [GradingTask::Status, GradingTask::ExamId],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScoreAudit::Table)
                    .col(big_pk_auto(ScoreAudit::Id))
                    .col(big_integer(ScoreAudit::AttemptId))
                    .col(big_integer_null(ScoreAudit::QuestionId))
                    .col(big_integer_null(ScoreAudit::AccountId))
                    .col(big_integer_null(ScoreAudit::OldScoreTenths))
                    .col(big_integer_null(ScoreAudit::NewScoreTenths))
                    .col(string_len(ScoreAudit::Reason, 500))
                    .col(timestamp_with_time_zone(ScoreAudit::At))
                    .to_owned(),
            )
            .await?;
        index(manager, ScoreAudit::Table, "idx_score_audit_attempt", [ScoreAudit::AttemptId]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ScoreAudit::Table.into_iden(),
            GradingTask::Table.into_iden(),
            AttemptQuestion::Table.into_iden(),
            Attempt::Table.into_iden(),
            Exam::Table.into_iden(),
            Question::Table.into_iden(),
            QuestionBank::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
