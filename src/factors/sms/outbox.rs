//! The embedded default: texts appended to `data_dir/outbox/sms.jsonl`, one
//! JSON object a line, so one person on one machine can read their codes.

use std::path::PathBuf;

use tokio::io::AsyncWriteExt;

use super::SendError;
use crate::factors::phone::PhoneNumber;

pub struct Outbox {
    pub path: PathBuf,
}

impl Outbox {
    pub async fn send(&self, to: &PhoneNumber, text: &str, now: i64) -> Result<(), SendError> {
        let fail = |reason: String| SendError { provider: "outbox", reason };
        if let Some(dir) = self.path.parent() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
        }
        let mut line = serde_json::json!({ "time": now, "to": to.e164(), "text": text }).to_string();
        line.push('\n');
        // One write of a whole line in append mode, so concurrent senders never interleave.
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .map_err(|e| fail(format!("cannot open {}: {e}", self.path.display())))?;
        // tokio hands the write to a blocking thread: flush waits until it is done.
        file.write_all(line.as_bytes())
            .await
            .map_err(|e| fail(format!("cannot write {}: {e}", self.path.display())))?;
        file.flush().await.map_err(|e| fail(format!("cannot write {}: {e}", self.path.display())))?;
        tracing::info!(to = %to.masked(), path = %self.path.display(), "text with code •••••• written to the SMS outbox");
        Ok(())
    }
}
