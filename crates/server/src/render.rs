//! Transcripts as files people handle: a CSV for spreadsheets and a print-ready A4 page with
//! the verification URL as an inline SVG QR code.

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

fn escape(text: &str) -> String {
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
    let qr = QrCode::new(t.verify_url.as_bytes())
        .map_err(failed)?
        .render::<svg::Color>()
        .min_dimensions(120, 120)
        .build();
    let qr = qr.find("<svg").map_or(qr.as_str(), |start| &qr[start..]).to_owned();
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
