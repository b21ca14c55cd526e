//! Transcripts and certificates as files people handle: a CSV for spreadsheets and
//! print-ready A4 pages with the verification URL as an inline SVG QR code.

use credit::{Category, Entry, Transcript};
use qrcode::QrCode;
use qrcode::render::svg;

use crate::error::ApiError;

/// Labels of a transcript in the reader's language.
struct Labels {
    title: &'static str,
    name: &'static str,
    employee_no: &'static str,
    school: &'static str,
    generated_at: &'static str,
    code: &'static str,
    columns: [&'static str; 4],
    total: &'static str,
    cycle: &'static str,
    credits: &'static str,
    verify_hint: &'static str,
}

const ZH: Labels = Labels {
    title: "继续教育学时证明",
    name: "姓名",
    employee_no: "工号",
    school: "学校",
    generated_at: "生成时间",
    code: "验证码",
    columns: ["日期", "类别", "内容", "学时"],
    total: "累计学时",
    cycle: "本周期学时",
    credits: "学分",
    verify_hint: "扫码或访问下列网址核验本证明",
};

const EN: Labels = Labels {
    title: "Continuing-education transcript",
    name: "Name",
    employee_no: "Employee no.",
    school: "School",
    generated_at: "Generated at",
    code: "Verification code",
    columns: ["Date", "Category", "Description", "Hours"],
    total: "Total hours",
    cycle: "Hours this cycle",
    credits: "credits",
    verify_hint: "Scan or open this address to verify",
};

fn labels(english: bool) -> &'static Labels {
    if english { &EN } else { &ZH }
}

fn category_name(category: Category, english: bool) -> &'static str {
    if english { category.as_str() } else { category.zh() }
}

fn failed(error: impl std::fmt::Display) -> ApiError {
    kernel::Error::Unexpected(anyhow::anyhow!("failed to render a transcript: {error}")).into()
}

/// A URL as an inline SVG QR code (without the XML prolog, so it can sit inside HTML).
fn qr_svg(url: &str) -> Result<String, ApiError> {
    let svg =
        QrCode::new(url.as_bytes()).map_err(failed)?.render::<svg::Color>().min_dimensions(120, 120).build();
    Ok(svg.find("<svg").map_or(svg.as_str(), |start| &svg[start..]).to_owned())
}

/// A certificate as a print-ready A4 page: holder, level, number, dates, issuer, hours, the
/// rule-set version, and the verification URL as text and QR code.
pub fn certificate_html(
    c: &certification::Certificate,
    verify_url: &str,
    english: bool,
) -> Result<String, ApiError> {
    let qr = qr_svg(verify_url)?;
    let level = c.level.label();
    let (lang, title, body, number_l, valid_l, hours_l, rules_l, issuer_l, hint, code_l) = if english {
        (
            "en",
            "Mental-Health-Education Qualification Certificate".to_owned(),
            format!(
                "{} of {} holds the level {level} qualification in mental-health education for primary and secondary school teachers.",
                escape(&c.teacher_name),
                escape(&c.school_name)
            ),
            "Certificate no.",
            "Valid",
            "Hours counted",
            "Rule set version",
            "Issued by",
            "Scan or open this address to verify",
            "Verification code",
        )
    } else {
        (
            "zh-CN",
            "中小学教师心理健康教育资格证书".to_owned(),
            format!(
                "{}（{}）经考核，具备中小学教师心理健康教育 {level} 级资格。",
                escape(&c.teacher_name),
                escape(&c.school_name)
            ),
            "证书编号",
            "有效期",
            "认定学时",
            "资格标准版本",
            "发证单位",
            "扫码或访问下列网址核验本证书",
            "验证码",
        )
    };
    let revoked = match c.revoked_on {
        Some(day) if english => format!("<p class=\"void\">REVOKED on {day}</p>"),
        Some(day) => format!("<p class=\"void\">本证书已于 {day} 撤销</p>"),
        None => String::new(),
    };
    Ok(format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} {number}</title>
<style>
@page {{ size: A4 landscape; margin: 15mm; }}
body {{ font-family: "Noto Serif CJK SC", "Songti SC", serif; color: #111; }}
.frame {{ border: 3px double #8a1c1c; padding: 14mm; text-align: center; }}
h1 {{ font-size: 24pt; letter-spacing: .3em; color: #8a1c1c; }}
.level {{ font-size: 48pt; font-weight: bold; margin: 6mm 0; }}
.body {{ font-size: 14pt; }}
table {{ margin: 8mm auto; font-size: 11pt; text-align: left; }}
td {{ padding: 1mm 4mm; }}
.verify {{ display: flex; gap: 6mm; justify-content: center; align-items: center; font-size: 9pt; }}
.void {{ color: #b00; font-size: 20pt; font-weight: bold; }}
</style></head><body><div class="frame">
<h1>{title}</h1>
<div class="level">{level}</div>
<p class="body">{body}</p>
{revoked}
<table>
<tr><td>{number_l}</td><td><strong>{number}</strong></td></tr>
<tr><td>{valid_l}</td><td>{issued} – {expires}</td></tr>
<tr><td>{hours_l}</td><td>{hours}</td></tr>
<tr><td>{rules_l}</td><td>{version}</td></tr>
<tr><td>{issuer_l}</td><td>{issuer}</td></tr>
</table>
<div class="verify">{qr}<div>{hint}<br><code>{url}</code><br>{code_l}：<strong>{code}</strong></div></div>
</div></body></html>
"#,
        number = escape(&c.number),
        issued = c.issued_on,
        expires = c.expires_on,
        hours = c.hours_counted,
        version = c.rule_set_version,
        issuer = escape(&c.issuer),
        url = escape(verify_url),
        code = escape(&c.verification_code),
    ))
}

/// The transcript as CSV (UTF-8 with BOM): identity lines, the entries, the totals.
pub fn transcript_csv(t: &Transcript, english: bool) -> Result<Vec<u8>, ApiError> {
    let l = labels(english);
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(b"\xEF\xBB\xBF".to_vec());
    let generated = t.generated_at.to_rfc3339();
    let head: [[&str; 2]; 5] = [
        [l.name, &t.teacher.name],
        [l.employee_no, &t.teacher.employee_no],
        [l.school, &t.teacher.school_name],
        [l.generated_at, &generated],
        [l.code, &t.verification_code],
    ];
    for row in head {
        writer.write_record(row).map_err(failed)?;
    }
    writer.write_record(l.columns).map_err(failed)?;
    for e in &t.entries {
        let row = [
            e.occurred_on.to_string(),
            category_name(e.category, english).to_owned(),
            e.description.clone(),
            e.hours.to_string(),
        ];
        writer.write_record(row).map_err(failed)?;
    }
    writer.write_record([l.total, &t.totals.total_hours.to_string()]).map_err(failed)?;
    writer.write_record([l.cycle, &t.totals.cycle_hours.to_string()]).map_err(failed)?;
    writer.into_inner().map_err(failed)
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn entry_row(e: &Entry, english: bool) -> String {
    format!(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
        e.occurred_on,
        category_name(e.category, english),
        escape(&e.description),
        e.hours
    )
}

/// The transcript as a print-ready A4 page.
pub fn transcript_html(t: &Transcript, english: bool) -> Result<String, ApiError> {
    let l = labels(english);
    let qr = qr_svg(&t.verify_url)?;
    let rows: String = t.entries.iter().map(|e| entry_row(e, english)).collect();
    let lang = if english { "en" } else { "zh-CN" };
    let [c1, c2, c3, c4] = l.columns;
    Ok(format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: A4; margin: 18mm; }}
body {{ font-family: "Noto Serif CJK SC", "Songti SC", serif; font-size: 11pt; color: #111; }}
h1 {{ text-align: center; font-size: 18pt; letter-spacing: .2em; }}
table {{ width: 100%; border-collapse: collapse; margin-top: 8mm; }}
th, td {{ border: 1px solid #444; padding: 2mm 3mm; }}
td.n {{ text-align: right; }}
.id td {{ border: none; padding: 1mm 0; }}
.verify {{ display: flex; gap: 6mm; align-items: center; margin-top: 10mm; font-size: 9pt; }}
</style></head><body>
<h1>{title}</h1>
<table class="id">
<tr><td>{name_l}：{name}</td><td>{no_l}：{no}</td></tr>
<tr><td>{school_l}：{school}</td><td>{generated_l}：{generated}</td></tr>
</table>
<table><thead><tr><th>{c1}</th><th>{c2}</th><th>{c3}</th><th>{c4}</th></tr></thead>
<tbody>{rows}</tbody>
<tfoot>
<tr><td colspan="3">{total_l}</td><td class="n">{total}（{total_credits} {credits_l}）</td></tr>
<tr><td colspan="3">{cycle_l} {first}–{last}</td><td class="n">{cycle} / {required}</td></tr>
</tfoot></table>
<div class="verify">{qr}<div>{hint}<br><code>{url}</code><br>{code_l}：<strong>{code}</strong></div></div>
</body></html>
"#,
        title = l.title,
        name_l = l.name,
        name = escape(&t.teacher.name),
        no_l = l.employee_no,
        no = escape(&t.teacher.employee_no),
        school_l = l.school,
        school = escape(&t.teacher.school_name),
        generated_l = l.generated_at,
        generated = t.generated_at.format("%Y-%m-%d %H:%M UTC"),
        total_l = l.total,
        total = t.totals.total_hours,
        total_credits = t.totals.total_credits,
        credits_l = l.credits,
        cycle_l = l.cycle,
        first = t.totals.cycle_start_year,
        last = t.totals.cycle_end_year,
        cycle = t.totals.cycle_hours,
        required = t.totals.cycle_required_hours,
        hint = l.verify_hint,
        url = escape(&t.verify_url),
        code_l = l.code,
        code = t.verification_code,
    ))
}
