//! The exam use cases.

mod attempts;
mod bank;
mod grading;
mod history;
mod import;
mod ledger;
mod mine;
mod papers;
mod results;

pub use attempts::{
    AnswerWriter, AttemptStatus, AttemptView, Feedback, PaperQuestion, SavedAnswer, answer_writer,
    get_attempt, save_answer, start_attempt, submit_attempt,
};
pub use bank::{
    Bank, NewBank, NewQuestion, OptionItem, Question, QuestionFilter, QuestionPatch, RubricItem, create_bank,
    create_question, list_banks, list_questions, update_question,
};
pub use grading::{
    CLAIM_TIME, GradingTask, RoundState, TaskFilter, TaskScore, claim_task, list_tasks, score_task,
};
pub use history::{HistoricAttempt, import_attempts};
pub use import::{ImportFormat, QuestionImport, import_questions};
pub use mine::{AttemptSummary, my_attempts};
pub use papers::{
    Exam, ExamPatch, NewExam, PaperCheck, ReleaseMode, Section, SectionCheck, check_exam, create_exam,
    get_exam, list_exams, update_exam,
};
pub use results::{
    Regrade, ScoreChange, attempt_audit, exam_exists, has_passed, pass_facts, regrade, release_exam,
    submit_overdue,
};
