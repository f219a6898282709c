//! A small SMTP server for the tests, on a real socket: enough of the protocol for
//! lettre (greeting, EHLO without STARTTLS, AUTH PLAIN and LOGIN, MAIL FROM, RCPT TO,
//! DATA, RSET, NOOP, QUIT). It keeps each message's envelope and raw data, and the
//! credentials it was given. It can start on a port chosen earlier, so a test can have
//! "SMTP down" first and the server come up later on the same port.

use data_encoding::BASE64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// One message as the sink received it.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub mail_from: String,
    /// The envelope's recipients (`RCPT TO`).
    pub rcpt_to: Vec<String>,
    /// The message as sent after `DATA` (dot-unstuffed, CRLF line ends).
    pub data: Vec<u8>,
}

/// The parts of a message the tests read, decoded (encoded words, quoted-printable,
/// base64) by a real MIME parser.
#[derive(Debug, Clone)]
pub struct ParsedMail {
    pub subject: String,
    pub to: Vec<String>,
    pub message_id: String,
    pub text: String,
    pub html: String,
}

impl ReceivedMail {
    pub fn parsed(&self) -> ParsedMail {
        parse_mail(&self.data)
    }
}

/// Decodes a whole message (from the sink or an `.eml` file).
pub fn parse_mail(data: &[u8]) -> ParsedMail {
    let message = mail_parser::MessageParser::default()
        .parse(data)
        .unwrap_or_else(|| panic!("not a message: {}", String::from_utf8_lossy(data)));
    ParsedMail {
        subject: message.subject().unwrap_or_default().to_owned(),
        to: message
            .to()
            .map(|to| {
                to.iter()
                    .filter_map(|a| a.address().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        message_id: message.message_id().unwrap_or_default().to_owned(),
        // Line ends as the text was written (mail carries CRLF).
        text: message
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
    }
}

#[derive(Default)]
struct Inbox {
    mails: Vec<ReceivedMail>,
    /// `(user, password)` of every AUTH, accepted or not.
    auths: Vec<(String, String)>,
}

/// A running sink; stops (closing every connection) when dropped.
pub struct SmtpSink {
    port: u16,
    inbox: Arc<Mutex<Inbox>>,
    task: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A loopback port nothing listens on (now).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl SmtpSink {
    /// A sink on a new port that accepts any credentials.
    pub async fn start() -> SmtpSink {
        Self::start_on(0, None).await
    }

    /// A sink on `port` (0: any); with `password`, AUTH with any other password is
    /// refused (535).
    pub async fn start_on(port: u16, password: Option<&str>) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap_or_else(|e| panic!("the SMTP sink cannot listen on port {port}: {e}"));
        let port = listener.local_addr().expect("an address").port();
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let password = password.map(str::to_owned);
        let shared = inbox.clone();
        let task = tokio::spawn(async move {
            // Connections live in this set, so stopping the sink closes them all.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        if let Ok((stream, _)) = accepted {
                            connections.spawn(serve(stream, shared.clone(), password.clone()));
                        }
                    }
                    Some(_) = connections.join_next() => {}
                }
            }
        });
        SmtpSink { port, inbox, task }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.inbox.lock().unwrap().mails.clone()
    }

    /// Every `(user, password)` the sink was given.
    pub fn auths(&self) -> Vec<(String, String)> {
        self.inbox.lock().unwrap().auths.clone()
    }

    /// Forgets the messages received so far.
    pub fn clear(&self) {
        self.inbox.lock().unwrap().mails.clear();
    }

    /// Waits until at least `n` messages have arrived (at most `within`); all of them.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} messages arrived within {within:?}",
                mails.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Watches for `within` that no more than `n` messages arrive (a duplicate would
    /// be a second copy); the messages.
    pub async fn assert_stays_at(&self, n: usize, within: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails();
            assert!(
                mails.len() <= n,
                "{} messages arrived, expected {n}: {:#?}",
                mails.len(),
                mails
                    .iter()
                    .map(|m| (m.rcpt_to.clone(), m.parsed().subject))
                    .collect::<Vec<_>>()
            );
            if Instant::now() >= deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Angle-bracketed address of `MAIL FROM:<a>` / `RCPT TO:<a>` (parameters dropped).
fn path_of(argument: &str) -> String {
    let argument = argument.trim();
    match (argument.find('<'), argument.find('>')) {
        (Some(open), Some(close)) if open < close => argument[open + 1..close].to_owned(),
        _ => argument
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

fn decode_b64(text: &str) -> String {
    String::from_utf8_lossy(&BASE64.decode(text.trim().as_bytes()).unwrap_or_default()).into_owned()
}

async fn reply(write: &mut OwnedWriteHalf, text: &str) -> bool {
    write.write_all(text.as_bytes()).await.is_ok()
}

async fn read_line(lines: &mut BufReader<OwnedReadHalf>, line: &mut String) -> bool {
    line.clear();
    matches!(lines.read_line(line).await, Ok(n) if n > 0)
}

async fn serve(stream: TcpStream, inbox: Arc<Mutex<Inbox>>, password: Option<String>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if !reply(&mut write, "220 sink.test ESMTP ready\r\n").await {
        return;
    }
    let mut mail_from = String::new();
    let mut rcpt_to: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        if !read_line(&mut lines, &mut line).await {
            return;
        }
        let command = line.trim_end_matches(['\r', '\n']).to_owned();
        let upper = command.to_ascii_uppercase();
        let answer: String = if upper.starts_with("EHLO") {
            "250-sink.test\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n".into()
        } else if upper.starts_with("HELO") {
            "250 sink.test\r\n".into()
        } else if upper.starts_with("AUTH PLAIN") {
            let mut payload = command[10..].trim().to_owned();
            if payload.is_empty() {
                if !reply(&mut write, "334 \r\n").await || !read_line(&mut lines, &mut line).await {
                    return;
                }
                payload = line.trim().to_owned();
            }
            let decoded = decode_b64(&payload);
            let mut parts = decoded.split('\0').skip(1);
            let user = parts.next().unwrap_or_default().to_owned();
            let pass = parts.next().unwrap_or_default().to_owned();
            auth_answer(&inbox, password.as_deref(), user, pass)
        } else if upper.starts_with("AUTH LOGIN") {
            if !reply(&mut write, "334 VXNlcm5hbWU6\r\n").await
                || !read_line(&mut lines, &mut line).await
            {
                return;
            }
            let user = decode_b64(&line);
            if !reply(&mut write, "334 UGFzc3dvcmQ6\r\n").await
                || !read_line(&mut lines, &mut line).await
            {
                return;
            }
            let pass = decode_b64(&line);
            auth_answer(&inbox, password.as_deref(), user, pass)
        } else if upper.starts_with("MAIL FROM:") {
            mail_from = path_of(&command[10..]);
            rcpt_to.clear();
            "250 2.1.0 sender ok\r\n".into()
        } else if upper.starts_with("RCPT TO:") {
            rcpt_to.push(path_of(&command[8..]));
            "250 2.1.5 recipient ok\r\n".into()
        } else if upper == "DATA" {
            if !reply(&mut write, "354 end data with <CR><LF>.<CR><LF>\r\n").await {
                return;
            }
            let mut data: Vec<u8> = Vec::new();
            loop {
                if !read_line(&mut lines, &mut line).await {
                    return;
                }
                let content = line.trim_end_matches(['\r', '\n']);
                if content == "." {
                    break;
                }
                let content = content.strip_prefix('.').unwrap_or(content);
                data.extend_from_slice(content.as_bytes());
                data.extend_from_slice(b"\r\n");
            }
            inbox.lock().unwrap().mails.push(ReceivedMail {
                mail_from: std::mem::take(&mut mail_from),
                rcpt_to: std::mem::take(&mut rcpt_to),
                data,
            });
            "250 2.0.0 queued\r\n".into()
        } else if upper == "RSET" {
            mail_from.clear();
            rcpt_to.clear();
            "250 2.0.0 ok\r\n".into()
        } else if upper == "NOOP" {
            "250 2.0.0 ok\r\n".into()
        } else if upper == "QUIT" {
            let _ = reply(&mut write, "221 2.0.0 bye\r\n").await;
            return;
        } else {
            "502 5.5.2 command not implemented\r\n".into()
        };
        if !reply(&mut write, &answer).await {
            return;
        }
    }
}

fn auth_answer(inbox: &Mutex<Inbox>, required: Option<&str>, user: String, pass: String) -> String {
    let ok = required.is_none_or(|p| p == pass);
    inbox.lock().unwrap().auths.push((user, pass));
    if ok {
        "235 2.7.0 authentication succeeded\r\n".into()
    } else {
        "535 5.7.8 authentication credentials invalid\r\n".into()
    }
}
