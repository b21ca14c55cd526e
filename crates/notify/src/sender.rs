use std::path::PathBuf;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::entity::outbox_message;
use crate::templates::Mail;

/// Where mail goes: an SMTP server, or (with none configured, as in `make run`) `.eml` files a
/// person can open.
#[derive(Clone)]
pub struct Sender {
    via: Via,
    from: Mailbox,
    /// The server's public URL, which links in mail point at.
    base_url: String,
}

#[derive(Clone)]
enum Via {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Sender {
    /// An SMTP sender from a URL such as `smtp://127.0.0.1:2525` or `smtps://user:pass@host`.
    pub fn smtp(url: &str, from: &str, base_url: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        Ok(Self { via: Via::Smtp(transport), from: from.parse()?, base_url: base_url.to_owned() })
    }

    /// A sender that writes each message to `dir/<id>.eml`.
    pub fn files(dir: PathBuf, from: &str, base_url: &str) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        Ok(Self { via: Via::Files(dir), from: from.parse()?, base_url: base_url.to_owned() })
    }

    /// Sends one message; the error text is kept on the message for admins.
    pub(crate) async fn send(&self, message: &outbox_message::Model) -> Result<(), String> {
        let to: Mailbox = message.recipient.parse().map_err(|e| format!("bad recipient: {e}"))?;
        let mail: Mail =
            serde_json::from_str(&message.payload).map_err(|e| format!("unreadable payload: {e}"))?;
        let rendered = mail.render(message.english, &self.base_url);
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .multipart(MultiPart::alternative_plain_html(rendered.text, rendered.html))
            .map_err(|e| format!("cannot build the message: {e}"))?;
        match &self.via {
            Via::Smtp(transport) => transport.send(email).await.map(|_| ()).map_err(|e| e.to_string()),
            Via::Files(dir) => {
                let path = dir.join(format!("{}.eml", message.id));
                tokio::fs::write(&path, email.formatted())
                    .await
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))
            }
        }
    }
}
