//! An in-process SMTP server for tests: speaks just enough SMTP for lettre,
//! keeps every message's raw data, and can fail the first N DATA commands
//! with 451 to play an outage.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: String,
}

#[derive(Default)]
struct Shared {
    messages: Vec<Received>,
    fail_data: usize,
}

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    shared: Arc<Mutex<Shared>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP sink");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let for_task = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, for_task.clone()));
            }
        });
        SmtpSink { port, shared }
    }

    /// Answers 451 to the next `n` DATA commands.
    pub fn fail_next_data(&self, n: usize) {
        self.shared.lock().unwrap().fail_data = n;
    }

    pub fn messages(&self) -> Vec<Received> {
        self.shared.lock().unwrap().messages.clone()
    }

    /// Waits (up to 10 s) until `n` messages have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the SMTP sink has {} messages, expected {n}", self.messages().len());
    }
}

async fn session(stream: TcpStream, shared: Arc<Mutex<Shared>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut current = Received { mail_from: String::new(), rcpt_to: Vec::new(), data: String::new() };
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let verb = command.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "MAIL" => {
                current.mail_from = command[4..].trim().to_string();
                b"250 OK\r\n"
            }
            "RCPT" => {
                current.rcpt_to.push(command[4..].trim().to_string());
                b"250 OK\r\n"
            }
            "RSET" => {
                current = Received { mail_from: String::new(), rcpt_to: Vec::new(), data: String::new() };
                b"250 OK\r\n"
            }
            "DATA" => {
                let fail = {
                    let mut shared = shared.lock().unwrap();
                    let fail = shared.fail_data > 0;
                    shared.fail_data = shared.fail_data.saturating_sub(1);
                    fail
                };
                if fail {
                    b"451 4.3.0 try again later\r\n"
                } else {
                    write.write_all(b"354 go ahead\r\n").await?;
                    let mut data = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await? == 0 {
                            return Ok(());
                        }
                        if line == ".\r\n" || line == ".\n" {
                            break;
                        }
                        // Dot-stuffing (RFC 5321 §4.5.2).
                        data.push_str(line.strip_prefix('.').unwrap_or(&line));
                    }
                    current.data = data;
                    shared.lock().unwrap().messages.push(current.clone());
                    b"250 OK queued\r\n"
                }
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}
