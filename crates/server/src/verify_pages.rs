//! The public verification pages a certificate's or transcript's QR code opens: the status in
//! words and colour first, then every claim printed on the paper, so a reader compares them line
//! by line; and a page (not JSON) when the code is unknown, saying what that may mean.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use certification::{CertificateStatus, PublicCertificate};
use credit::TranscriptVerification;

use crate::render::escape;

/// The page's verdict: good news or a warning.
enum Verdict {
    Good(String),
    Bad(String),
}

fn page(
    status: StatusCode,
    english: bool,
    title: &str,
    verdict: Verdict,
    rows: &[(&str, String)],
) -> HttpResponse {
    let lang = if english { "en" } else { "zh-CN" };
    let (class, text) = match verdict {
        Verdict::Good(text) => ("ok", text),
        Verdict::Bad(text) => ("bad", text),
    };
    let rows: String = rows
        .iter()
        .map(|(label, value)| format!("<tr><th scope=\"row\">{label}</th><td>{value}</td></tr>"))
        .collect();
    let body = format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; }}
.status {{ font-size: 1.6rem; font-weight: bold; padding: .8rem 1rem; border-radius: .4rem; }}
.ok {{ background: #e6f4ea; color: #146c2e; }} .bad {{ background: #fce8e6; color: #a50e0e; }}
th {{ text-align: left; padding: .4rem 1rem .4rem 0; color: #555; font-weight: normal; }}
</style></head><body>
<main>
<h1>{title}</h1>
<p class="status {class}">{text}</p>
<table>{rows}</table>
</main>
</body></html>
"#
    );
    HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body)
}

/// A certificate's claims, its holder masked.
pub fn certificate(c: &PublicCertificate, english: bool) -> HttpResponse {
    let revoked_on = c.revoked_on.map(|d| d.to_string()).unwrap_or_default();
    let verdict = match (c.status, english) {
        (CertificateStatus::Active, true) => Verdict::Good("Valid".to_owned()),
        (CertificateStatus::Active, false) => Verdict::Good("有效".to_owned()),
        (CertificateStatus::Expired, true) => Verdict::Bad("Expired".to_owned()),
        (CertificateStatus::Expired, false) => Verdict::Bad("已过期".to_owned()),
        (CertificateStatus::Revoked, true) => Verdict::Bad(format!("Revoked on {revoked_on}")),
        (CertificateStatus::Revoked, false) => Verdict::Bad(format!("已于 {revoked_on} 撤销")),
    };
    let labels = if english {
        ["Number", "Level", "Holder", "School", "Valid", "Hours counted", "Rule set version", "Issued by"]
    } else {
        ["证书编号", "等级", "持证人", "学校", "有效期", "认定学时", "资格标准版本", "发证单位"]
    };
    let values = [
        escape(&c.number),
        c.level.label().to_owned(),
        escape(&c.holder_name),
        escape(&c.school_name),
        format!("{} – {}", c.issued_on, c.expires_on),
        c.hours_counted.to_string(),
        c.rule_set_version.to_string(),
        escape(&c.issuer),
    ];
    let rows: Vec<(&str, String)> = labels.into_iter().zip(values).collect();
    page(
        StatusCode::OK,
        english,
        if english { "Certificate verification" } else { "证书核验" },
        verdict,
        &rows,
    )
}

/// A transcript's totals as generated, and whether the ledger changed since.
pub fn transcript(t: &TranscriptVerification, english: bool) -> HttpResponse {
    let verdict = match (t.current, english) {
        (true, false) => Verdict::Good("真实有效，学时记录此后未变".to_owned()),
        (true, true) => Verdict::Good("Genuine; the record is unchanged since".to_owned()),
        (false, false) => Verdict::Bad("真实，但此后学时记录已有变化，请索取新的学时证明".to_owned()),
        (false, true) => {
            Verdict::Bad("Genuine, but the record changed since; ask for a new transcript".to_owned())
        }
    };
    let generated =
        t.generated_at.with_timezone(&kernel::china_offset()).format("%Y-%m-%d %H:%M").to_string();
    let labels = if english {
        [
            "Code",
            "Teacher",
            "Employee no.",
            "School",
            "Generated (China time)",
            "Entries",
            "Total hours",
            "Hours this cycle",
        ]
    } else {
        ["核验码", "教师", "工号", "学校", "生成时间（北京时间）", "记录数", "累计学时", "本周期学时"]
    };
    let values = [
        escape(&t.verification_code),
        escape(&t.teacher_name),
        escape(&t.employee_no),
        escape(&t.school_name),
        generated,
        t.entry_count.to_string(),
        t.total_hours.to_string(),
        t.cycle_hours.to_string(),
    ];
    let rows: Vec<(&str, String)> = labels.into_iter().zip(values).collect();
    page(
        StatusCode::OK,
        english,
        if english { "Transcript verification" } else { "学时证明核验" },
        verdict,
        &rows,
    )
}

/// What a verifier sees for a code nothing was issued under.
pub fn not_found(what_zh: &str, what_en: &str, english: bool) -> HttpResponse {
    let (title, verdict) = if english {
        (
            format!("{what_en} not found"),
            format!("No {what_en} has this code: it may be forged, or mistyped."),
        )
    } else {
        (format!("未找到该{what_zh}"), format!("未找到该{what_zh}，可能为伪造或输入有误"))
    };
    page(StatusCode::NOT_FOUND, english, &title, Verdict::Bad(verdict), &[])
}
