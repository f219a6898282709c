//! A mail as the outbox stores it (subject, text and HTML bodies), the message as sent,
//! and the *Send a test email* message. What a run's notice says is the sync's own
//! business (`sync::notify`): it hands plain [`Mail`]s in, and nothing here knows a
//! domain type.

use askama::Template;
use lettre::message::{Mailbox, MultiPart};

/// A composed email, as the outbox stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub const TEST_SUBJECT: &str = "orgsync test email";

#[derive(Template)]
#[template(path = "mail/test.txt")]
struct TestText<'a> {
    requested_by: &'a str,
    via: &'a str,
}

#[derive(Template)]
#[template(path = "mail/test.html")]
struct TestHtml<'a> {
    requested_by: &'a str,
    via: &'a str,
    subject: &'a str,
}

/// The *Send a test email* message.
pub fn test_email(requested_by: &str, via: &str) -> Result<Mail, askama::Error> {
    Ok(Mail {
        subject: TEST_SUBJECT.into(),
        text: TestText { requested_by, via }.render()?,
        html: TestHtml {
            requested_by,
            via,
            subject: TEST_SUBJECT,
        }
        .render()?,
    })
}

/// The message as sent: text and HTML alternatives, and a `Message-ID` made from the
/// outbox id, so that a copy sent twice (a crash between the server's acceptance and
/// our `sent` mark) is recognisable as the same message.
pub fn message(
    from: &Mailbox,
    to: &[String],
    mail: &Mail,
    outbox_id: &str,
) -> Result<lettre::Message, String> {
    let domain = from.email.domain();
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{outbox_id}@{domain}>")))
        .user_agent("orgsync".into());
    for address in to {
        let address = address
            .parse()
            .map_err(|_| format!("{address} is not an email address orgsync can send to."))?;
        builder = builder.to(Mailbox::new(None, address));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|_| "orgsync could not put the email together.".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_id_comes_from_the_outbox_id() {
        let from: Mailbox = "orgsync <orgsync@acme.test>".parse().unwrap();
        let mail = test_email("Theo Tech", "smtp mail.acme.test:25").unwrap();
        let built = message(&from, &["theo@acme.test".into()], &mail, "0190-abc").unwrap();
        let raw = String::from_utf8(built.formatted()).unwrap();
        assert!(raw.contains("Message-ID: <0190-abc@acme.test>"), "{raw}");
        assert!(raw.contains("To: theo@acme.test"), "{raw}");
        assert!(message(&from, &["not an address".into()], &mail, "x").is_err());
    }
}
