//! The attendance routes of every occasion owner — register, sign-in code, check-in, check-out,
//! manual mark, close, cancel — written once and stamped out per owner (`/sessions`, `/research-events`),
//! each handler one call into the `attendance` flow with the owner's `attendance::Owner`.
//! The owners' route modules re-export them, so the two kinds cannot drift apart.

use attendance::{AttendanceStatus, Closing};
use serde::Deserialize;
use utoipa::ToSchema;

/// Body of a registration; staff name the teacher, teachers register themselves.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    #[schema(example = 101)]
    pub teacher_id: Option<i64>,
}

/// Body of a check-in or check-out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    #[schema(example = "402913", min_length = 6, max_length = 6)]
    pub code: String,
}

/// Body of a manual attendance mark.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRequest {
    #[schema(example = 101)]
    pub teacher_id: i64,
    pub status: AttendanceStatus,
    #[schema(example = "纸质签到表补录", min_length = 2, max_length = 500)]
    pub reason: String,
}

/// Body of a cancellation: why, for the registrants' mail and the audit log.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    #[schema(example = "暴雨红色预警，培训取消", min_length = 2, max_length = 500)]
    pub reason: String,
}

/// The `Closing` body as the spec shows it.
pub type CloseRequest = Closing;

/// One scan handler (check-in or check-out): the same call with another `Scan` and its own words.
macro_rules! scan_route {
    (
        $name:ident, $path:tt, $op:tt, $tag:tt, $owner:expr, $scan:expr,
        summary: $summary:tt, description: $description:tt,
        responses: ($ok:tt, $forbidden:tt, $conflict:tt, $invalid:tt) $(,)?
    ) => {
        #[doc = $summary]
        #[doc = ""]
        #[doc = $description]
        #[utoipa::path(operation_id = $op, tag = $tag,
            params(("id" = i64, Path, description = "Occasion id")),
            request_body = ScanRequest,
            security(("bearer" = [])),
            responses(
                (status = 200, description = $ok, body = Attendance),
                (status = 403, description = $forbidden, body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "Not open to the caller", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = $conflict, body = Problem, content_type = "application/problem+json"),
                (status = 422, description = $invalid, body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            AuthUser(actor): AuthUser,
            id: web::Path<i64>,
            body: Json<ScanRequest>,
        ) -> ApiResult<web::Json<Attendance>> {
            let now = state.clock.now();
            let line = attendance::check(&state.db, &$owner, now, &actor, id.into_inner(), &body.code, $scan);
            Ok(web::Json(line.await?))
        }
    };
}

/// Stamps out the attendance handlers of one owner. Every argument is a literal the route
/// and OpenAPI macros need as written: the tag, then per operation its path and operation id.
macro_rules! attendance_routes {
    (
        owner: $owner:expr, view: $view:ty, tag: $tag:tt,
        register: $register:tt $register_id:tt,
        code: $code:tt $code_id:tt,
        check_in: $check_in:tt $check_in_id:tt,
        check_out: $check_out:tt $check_out_id:tt,
        mark: $mark:tt $mark_id:tt,
        close: $close:tt $close_id:tt,
        cancel: $cancel:tt $cancel_id:tt $(,)?
    ) => {
        use actix_web::{HttpResponse, get, post, web};
        use attendance::{Attendance, Closing, Scan, SignInCode};

        use crate::auth::AuthUser;
        use crate::error::{ApiResult, Problem};
        use crate::extract::Json;
        use crate::routes::attendance::{CancelRequest, MarkRequest, RegistrationRequest, ScanRequest};
        use crate::state::AppState;

        /// Register
        ///
        /// A teacher registers themself (empty body); staff register a teacher of their subtree.
        #[utoipa::path(operation_id = $register_id, tag = $tag,
            params(("id" = i64, Path, description = "Occasion id")),
            request_body(content = Option<RegistrationRequest>),
            security(("bearer" = [])),
            responses(
                (status = 201, description = "On the roster", body = Attendance),
                (status = 403, description = "Not allowed to register this teacher", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such occasion or teacher in scope", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Full, or closed", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Missing teacher", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($register)]
        pub async fn register(
            state: web::Data<AppState>,
            AuthUser(actor): AuthUser,
            id: web::Path<i64>,
            body: Option<Json<RegistrationRequest>>,
        ) -> ApiResult<HttpResponse> {
            let teacher_id = body.and_then(|b| b.into_inner().teacher_id);
            let now = state.clock.now();
            let line = attendance::register(&state.db, &$owner, now, &actor, id.into_inner(), teacher_id).await?;
            Ok(HttpResponse::Created().json(line))
        }

        /// Current sign-in code
        ///
        /// For the trainer's screen: a code that rotates every 30 s, with a QR-ready payload.
        #[utoipa::path(operation_id = $code_id, tag = $tag,
            params(("id" = i64, Path, description = "Occasion id")),
            security(("bearer" = [])),
            responses(
                (status = 200, description = "The code shown now", body = SignInCode),
                (status = 403, description = "Role may not run it", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "Not in the caller's scope", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Closed", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[get($code)]
        pub async fn sign_in_code(
            state: web::Data<AppState>,
            AuthUser(actor): AuthUser,
            id: web::Path<i64>,
        ) -> ApiResult<web::Json<SignInCode>> {
            let now = state.clock.now();
            let id = id.into_inner();
            let mut shown = attendance::sign_in_code(&state.db, &$owner, now, &actor, id).await?;
            // The QR carries the app's sign-in page of this occasion (`/sessions/7/sign-in`), so
            // a phone's own camera app opens it with the code filled in.
            let page = $code.replace("{id}", &id.to_string());
            let page = page.trim_end_matches("-code");
            shown.qr_payload = format!("{}{page}?code={}", state.settings.public_url, shown.code);
            Ok(web::Json(shown))
        }

        scan_route! {
            check_in, $check_in, $check_in_id, $tag, $owner, Scan::In,
            summary: "Sign in",
            description: "With the code on the trainer's screen, during the scheduled time (plus grace).",
            responses: ("Signed in", "Only teachers sign in", "Not registered, or closed", "Wrong or stale code, or outside the window"),
        }

        scan_route! {
            check_out, $check_out, $check_out_id, $tag, $owner, Scan::Out,
            summary: "Sign out",
            description: "Only in the closing window (from `closing_window_minutes` before the end until the grace ends); present for less than `min_presence_percent` of the scheduled time is `partial` and earns nothing.",
            responses: ("Signed out", "Only teachers sign out", "Not signed in, or closed", "Wrong or stale code, or outside the closing window"),
        }

        /// Set attendance by hand
        ///
        /// present / late / absent / excused, with a reason; audited; the only way past the
        /// presence rule. Sessions take marks until closed; events also after (posting at once).
        #[utoipa::path(operation_id = $mark_id, tag = $tag,
            params(("id" = i64, Path, description = "Occasion id")),
            request_body = MarkRequest,
            security(("bearer" = [])),
            responses(
                (status = 200, description = "Marked", body = Attendance),
                (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "Role may not run it", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "Not in the caller's scope", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "A closed session: reopen first", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Missing reason or unknown teacher", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($mark)]
        pub async fn mark(
            state: web::Data<AppState>,
            AuthUser(actor): AuthUser,
            id: web::Path<i64>,
            body: Json<MarkRequest>,
        ) -> ApiResult<web::Json<Attendance>> {
            let MarkRequest { teacher_id, status, reason } = body.into_inner();
            let now = state.clock.now();
            let mark = attendance::HandMark { teacher_id, status, reason: reason.as_str() };
            let line = attendance::mark_by_hand(&state.db, &state.ledger, &$owner, now, &actor, id.into_inner(), mark);
            Ok(web::Json(line.await?))
        }

        /// Close
        ///
        /// Every attendee present for the minimum share of the scheduled time (or marked
        /// present/late) gets the hours in the ledger, exactly once however often it is closed.
        /// Before the scheduled end it takes `{"force": true, "reason": …}` (recorded).
        #[utoipa::path(operation_id = $close_id, tag = $tag,
            params(("id" = i64, Path, description = "Occasion id")),
            request_body(content = Option<crate::routes::attendance::CloseRequest>),
            security(("bearer" = [])),
            responses(
                (status = 200, description = "Closed", body = $view),
                (status = 403, description = "Role may not run it", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "Not in the caller's scope", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Before the scheduled end without `force` (`closing_early`)", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Closing early without a reason", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($close)]
        pub async fn close(
            state: web::Data<AppState>,
            AuthUser(actor): AuthUser,
            id: web::Path<i64>,
            body: Option<Json<Closing>>,
        ) -> ApiResult<web::Json<$view>> {
            let closing = body.map(Json::into_inner).unwrap_or_default();
            let now = state.clock.now();
            Ok(web::Json(attendance::close(&state.db, &state.ledger, &$owner, now, &actor, id.into_inner(), closing).await?))
        }

        /// Cancel
        ///
        /// For good, with a reason: every registrant is told by mail (and in their
        /// notifications, linking the occasion's page), the cancellation is audited, and from
        /// then on registrations, codes, scans, marks, edits and closing answer 409
        /// (`session_cancelled` / `event_cancelled`). A closed occasion cannot be cancelled.
        #[utoipa::path(operation_id = $cancel_id, tag = $tag,
            params(("id" = i64, Path, description = "Occasion id")),
            request_body = CancelRequest,
            security(("bearer" = [])),
            responses(
                (status = 200, description = "Cancelled", body = $view),
                (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "Role may not run it", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "Not in the caller's scope", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Already closed or cancelled", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Missing reason (2–500 characters)", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($cancel)]
        pub async fn cancel(
            state: web::Data<AppState>,
            AuthUser(actor): AuthUser,
            id: web::Path<i64>,
            body: Json<CancelRequest>,
        ) -> ApiResult<web::Json<$view>> {
            let now = state.clock.now();
            let id = id.into_inner();
            Ok(web::Json(attendance::cancel(&state.db, &$owner, now, &actor, id, &body.reason).await?))
        }
    };
}

/// Offline training sessions.
pub mod sessions {
    attendance_routes! {
        owner: courses::Sessions, view: courses::Session, tag: "training",
        register: "/sessions/{id}/registrations" "registerForSession",
        code: "/sessions/{id}/sign-in-code" "getSessionSignInCode",
        check_in: "/sessions/{id}/check-in" "checkInToSession",
        check_out: "/sessions/{id}/check-out" "checkOutOfSession",
        mark: "/sessions/{id}/attendance" "markSessionAttendance",
        close: "/sessions/{id}/close" "closeSession",
        cancel: "/sessions/{id}/cancel" "cancelSession",
    }
}

/// Teaching-research events.
pub mod events {
    attendance_routes! {
        owner: research::Events, view: research::Event, tag: "research",
        register: "/research-events/{id}/registrations" "registerForResearchEvent",
        code: "/research-events/{id}/sign-in-code" "getResearchEventSignInCode",
        check_in: "/research-events/{id}/check-in" "checkInToResearchEvent",
        check_out: "/research-events/{id}/check-out" "checkOutOfResearchEvent",
        mark: "/research-events/{id}/attendance" "markResearchEventAttendance",
        close: "/research-events/{id}/close" "closeResearchEvent",
        cancel: "/research-events/{id}/cancel" "cancelResearchEvent",
    }
}
