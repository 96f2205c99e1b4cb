//! Texts as the person's phone receives them: the nodes run without an SMS
//! provider, so each appends what it sends to its own `sms.jsonl`. A sign-in
//! may be texted by either node (the one that answered), so the inbox reads
//! every node's file and takes what arrived since the sign-in started.

use std::path::PathBuf;

use serde_json::Value;

/// The texts to one number, as they stood when a sign-in started.
pub struct Inbox {
    phone: String,
    outboxes: Vec<PathBuf>,
    /// Texts to `phone` in each outbox before the sign-in.
    before: Vec<usize>,
}

/// The texts to `phone` (E.164) in `outbox`, oldest first.
fn texts_to(outbox: &PathBuf, phone: &str) -> Result<Vec<Value>, String> {
    let text = match std::fs::read_to_string(outbox) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", outbox.display())),
    };
    let mut texts = Vec::new();
    for line in text.lines() {
        let value: Value = serde_json::from_str(line).map_err(|e| format!("{line}: {e}"))?;
        if value["to"] == phone {
            texts.push(value);
        }
    }
    Ok(texts)
}

impl Inbox {
    pub fn open(phone: &str, outboxes: &[PathBuf]) -> Inbox {
        let before = outboxes.iter().map(|o| texts_to(o, phone).map(|t| t.len()).unwrap_or(0)).collect();
        Inbox { phone: phone.into(), outboxes: outboxes.to_vec(), before }
    }

    /// The code in the newest text that arrived since the sign-in started, if any.
    pub fn new_code(&self) -> Result<Option<String>, String> {
        let mut newest: Option<Value> = None;
        for (outbox, before) in self.outboxes.iter().zip(&self.before) {
            for text in texts_to(outbox, &self.phone)?.into_iter().skip(*before) {
                if newest.as_ref().is_none_or(|n| n["time"].as_i64() <= text["time"].as_i64()) {
                    newest = Some(text);
                }
            }
        }
        let Some(text) = newest else { return Ok(None) };
        // The origin-bound last line: `@host #123456`.
        let body = text["text"].as_str().unwrap_or_default();
        let code = body.lines().last().and_then(|l| l.rsplit_once(" #")).map(|(_, code)| code);
        match code {
            Some(code) if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Some(code.into()))
            }
            _ => Err(format!("a text without a code: {body}")),
        }
    }
}
