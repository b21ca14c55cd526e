//! The emails the system sends, each in Chinese (default) and English, as plain text and HTML.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

/// One email's data. Links are paths; the sender renders them against the server's public URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum Mail {
    CertificateIssued {
        name: String,
        level: String,
        number: String,
        path: String,
    },
    ResultReleased {
        name: String,
        exam: String,
        score: String,
        passed: bool,
        path: String,
    },
    GradingAssigned {
        exam: String,
        answers: u32,
        path: String,
    },
    Reminder {
        name: String,
        title: String,
        starts_at: DateTime<Utc>,
        place: String,
    },
    BehindPace {
        name: String,
        year: i32,
        attended: u32,
        required: u32,
        path: String,
    },
    CertificateExpiring {
        name: String,
        level: String,
        number: String,
        expires_on: String,
        days: i64,
    },
    /// A session or research event the teacher registered for will not take place.
    OccasionCancelled {
        name: String,
        title: String,
        starts_at: DateTime<Utc>,
        place: String,
        reason: String,
        path: String,
    },
    /// A session or research event the teacher registered for moved to another time or place.
    OccasionMoved {
        name: String,
        title: String,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        place: String,
        path: String,
    },
}

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn beijing(at: DateTime<Utc>) -> String {
    FixedOffset::east_opt(8 * 3600)
        .map_or_else(|| at.to_rfc3339(), |tz| at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
}

impl Mail {
    /// The page of the app (or the public verification page) the mail links to, relative to
    /// the public URL; the notification list opens it.
    pub fn path(&self) -> Option<&str> {
        match self {
            Mail::CertificateIssued { path, .. }
            | Mail::ResultReleased { path, .. }
            | Mail::GradingAssigned { path, .. }
            | Mail::BehindPace { path, .. }
            | Mail::OccasionCancelled { path, .. }
            | Mail::OccasionMoved { path, .. } => Some(path),
            Mail::Reminder { .. } | Mail::CertificateExpiring { .. } => None,
        }
    }

    /// The template's stable name, kept with the queued message.
    pub fn template(&self) -> &'static str {
        match self {
            Mail::CertificateIssued { .. } => "certificate_issued",
            Mail::ResultReleased { .. } => "result_released",
            Mail::GradingAssigned { .. } => "grading_assigned",
            Mail::Reminder { .. } => "reminder",
            Mail::BehindPace { .. } => "behind_pace",
            Mail::CertificateExpiring { .. } => "certificate_expiring",
            Mail::OccasionCancelled { .. } => "occasion_cancelled",
            Mail::OccasionMoved { .. } => "occasion_moved",
        }
    }

    /// Subject and paragraphs in the recipient's language, with an optional link.
    fn parts(&self, english: bool) -> (String, Vec<String>, Option<String>) {
        match self {
            Mail::CertificateIssued { name, level, number, path } => {
                if english {
                    (
                        format!("Your level {level} certificate was issued"),
                        vec![
                            format!("Dear {name},"),
                            format!(
                                "your mental-health-education qualification certificate, level {level}, number {number}, has been issued. Anyone can verify it at:"
                            ),
                        ],
                        Some(path.clone()),
                    )
                } else {
                    (
                        format!("您的心理健康教育 {level} 级证书已颁发"),
                        vec![
                            format!("{name}老师："),
                            format!(
                                "您的心理健康教育 {level} 级资格证书（编号 {number}）已颁发，任何人可通过以下链接核验："
                            ),
                        ],
                        Some(path.clone()),
                    )
                }
            }
            Mail::ResultReleased { name, exam, score, passed, path } => {
                let verdict = match (english, passed) {
                    (true, true) => "passed",
                    (true, false) => "did not pass",
                    (false, true) => "合格",
                    (false, false) => "未合格",
                };
                if english {
                    (
                        format!("Result of {exam}: {verdict}"),
                        vec![
                            format!("Dear {name},"),
                            format!(
                                "your result for {exam} is out: {score} points, {verdict}. Details and explanations:"
                            ),
                        ],
                        Some(path.clone()),
                    )
                } else {
                    (
                        format!("《{exam}》成绩已发布：{verdict}"),
                        vec![
                            format!("{name}老师："),
                            format!("《{exam}》成绩已发布：{score} 分，{verdict}。查看详情与解析："),
                        ],
                        Some(path.clone()),
                    )
                }
            }
            Mail::GradingAssigned { exam, answers, path } => {
                if english {
                    (
                        format!("{answers} answers of {exam} wait for grading"),
                        vec![format!(
                            "{answers} answers of {exam} are in the grading queue. Open the queue:"
                        )],
                        Some(path.clone()),
                    )
                } else {
                    (
                        format!("《{exam}》有 {answers} 份答案待阅"),
                        vec![format!("《{exam}》有 {answers} 份主观题答案进入阅卷队列，请前往阅卷：")],
                        Some(path.clone()),
                    )
                }
            }
            Mail::Reminder { name, title, starts_at, place } => {
                if english {
                    (
                        format!("Reminder: {title} starts {}", beijing(*starts_at)),
                        vec![
                            format!("Dear {name},"),
                            format!(
                                "{title} starts at {} (Beijing time) at {place}. Remember to sign in with the code on the screen.",
                                beijing(*starts_at)
                            ),
                        ],
                        None,
                    )
                } else {
                    (
                        format!("提醒：{title} 将于 {} 开始", beijing(*starts_at)),
                        vec![
                            format!("{name}老师："),
                            format!(
                                "您报名的「{title}」将于 {}（北京时间）在 {place} 开始，请到场后扫描屏幕上的签到码。",
                                beijing(*starts_at)
                            ),
                        ],
                        None,
                    )
                }
            }
            Mail::BehindPace { name, year, attended, required, path } => {
                if english {
                    (
                        format!("{attended} of {required} research events in {year}"),
                        vec![
                            format!("Dear {name},"),
                            format!(
                                "you have attended {attended} of the {required} county-level research events required in {year}. Upcoming events:"
                            ),
                        ],
                        Some(path.clone()),
                    )
                } else {
                    (
                        format!("{year} 年教研活动已参加 {attended}/{required} 次"),
                        vec![
                            format!("{name}老师："),
                            format!(
                                "按要求每年须参加县级及以上教研活动 {required} 次，您 {year} 年已参加 {attended} 次。近期活动："
                            ),
                        ],
                        Some(path.clone()),
                    )
                }
            }
            Mail::OccasionCancelled { name, title, starts_at, place, reason, path } => {
                if english {
                    (
                        format!("Cancelled: {title} ({})", beijing(*starts_at)),
                        vec![
                            format!("Dear {name},"),
                            format!(
                                "{title}, planned for {} (Beijing time) at {place}, is cancelled: {reason}. You need not come; other dates:",
                                beijing(*starts_at)
                            ),
                        ],
                        Some(path.clone()),
                    )
                } else {
                    (
                        format!("已取消：{title}（{}）", beijing(*starts_at)),
                        vec![
                            format!("{name}老师："),
                            format!(
                                "您报名的「{title}」（原定 {}（北京时间），{place}）已取消，原因：{reason}。无需到场，其他场次请见：",
                                beijing(*starts_at)
                            ),
                        ],
                        Some(path.clone()),
                    )
                }
            }
            Mail::OccasionMoved { name, title, starts_at, ends_at, place, path } => {
                let (from, to) = (beijing(*starts_at), beijing(*ends_at));
                if english {
                    (
                        format!("Changed: {title} now {from}"),
                        vec![
                            format!("Dear {name},"),
                            format!(
                                "{title}, which you registered for, now takes place from {from} to {to} (Beijing time) at {place}. Your registration stands; details:"
                            ),
                        ],
                        Some(path.clone()),
                    )
                } else {
                    (
                        format!("时间地点变更：{title}（{from}）"),
                        vec![
                            format!("{name}老师："),
                            format!(
                                "您报名的「{title}」改为 {from} 至 {to}（北京时间）在{place}举行，报名继续有效。详情请见："
                            ),
                        ],
                        Some(path.clone()),
                    )
                }
            }
            Mail::CertificateExpiring { name, level, number, expires_on, days } => {
                if english {
                    (
                        format!("Your level {level} certificate expires in {days} days"),
                        vec![
                            format!("Dear {name},"),
                            format!(
                                "certificate {number} (level {level}) expires on {expires_on}. Renew it with the hours of its validity window."
                            ),
                        ],
                        None,
                    )
                } else {
                    (
                        format!("您的 {level} 级证书将在 {days} 天后到期"),
                        vec![
                            format!("{name}老师："),
                            format!(
                                "您的 {level} 级证书（编号 {number}）将于 {expires_on} 到期，请按要求完成续期学时并申请续期。"
                            ),
                        ],
                        None,
                    )
                }
            }
        }
    }

    /// The subject line alone.
    pub fn subject(&self, english: bool) -> String {
        self.parts(english).0
    }

    /// The email in the recipient's language, links made absolute against `base_url`.
    pub fn render(&self, english: bool, base_url: &str) -> Rendered {
        let (subject, paragraphs, path) = self.parts(english);
        let link = path.map(|p| format!("{}{p}", base_url.trim_end_matches('/')));
        let signature = if english {
            "— 心育 Qualify"
        } else {
            "—— 心育 Qualify 心理健康教育资格管理平台"
        };
        let mut text = paragraphs.join("\n\n");
        let mut html: String = paragraphs.iter().map(|p| format!("<p>{}</p>", escape(p))).collect();
        if let Some(link) = &link {
            text.push_str(&format!("\n\n{link}"));
            html.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>", escape(link)));
        }
        text.push_str(&format!("\n\n{signature}\n"));
        html.push_str(&format!("<p>{}</p>", escape(signature)));
        let lang = if english { "en" } else { "zh-CN" };
        Rendered {
            subject,
            text,
            html: format!("<!doctype html><html lang=\"{lang}\"><body>{html}</body></html>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders_in_both_languages_with_its_link() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mails = [
            Mail::CertificateIssued {
                name: "李明".into(),
                level: "C".into(),
                number: "ES-2026-C-000001".into(),
                path: "/verify/ABC".into(),
            },
            Mail::ResultReleased {
                name: "李明".into(),
                exam: "C 级考试".into(),
                score: "86".into(),
                passed: true,
                path: "/attempts/1".into(),
            },
            Mail::GradingAssigned { exam: "C 级考试".into(), answers: 2, path: "/grading".into() },
            Mail::Reminder {
                name: "李明".into(),
                title: "大教研".into(),
                starts_at: now,
                place: "报告厅".into(),
            },
            Mail::BehindPace {
                name: "李明".into(),
                year: 2026,
                attended: 1,
                required: 3,
                path: "/research-events".into(),
            },
            Mail::OccasionCancelled {
                name: "李明".into(),
                title: "面授".into(),
                starts_at: now,
                place: "报告厅".into(),
                reason: "暴雨".into(),
                path: "/sessions/3".into(),
            },
            Mail::OccasionMoved {
                name: "李明".into(),
                title: "面授".into(),
                starts_at: now,
                ends_at: now,
                place: "报告厅".into(),
                path: "/sessions/3".into(),
            },
            Mail::CertificateExpiring {
                name: "李明".into(),
                level: "B".into(),
                number: "N".into(),
                expires_on: "2027-01-01".into(),
                days: 30,
            },
        ];
        for mail in mails {
            let (zh, en) = (mail.render(false, "https://q.example"), mail.render(true, "https://q.example/"));
            assert!(zh.text.contains("李明") || mail.template() == "grading_assigned", "{}", mail.template());
            assert_ne!(zh.subject, en.subject);
            assert!(zh.html.starts_with("<!doctype html>") && zh.html.contains("lang=\"zh-CN\""));
            if let Some(path) = mail.parts(false).2 {
                let link = format!("https://q.example{path}");
                assert!(zh.text.contains(&link) && en.html.contains(&link), "{}", zh.text);
            }
        }
    }

    #[test]
    fn html_escapes_what_people_typed() {
        let mail = Mail::GradingAssigned { exam: "<b>x</b>".into(), answers: 1, path: "/g".into() };
        assert!(mail.render(false, "https://q").html.contains("&lt;b&gt;x&lt;/b&gt;"));
    }
}
