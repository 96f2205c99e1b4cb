//! `careid audit`: check the audit trail's hash chain, and export it.

use clap::{Args, Subcommand};

use careid::Services;
use careid::audit::chain::{self, Verdict};
use careid::audit::export::{self, Format};

use super::Failure;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain from its checkpoint to its head; exit 3 and name
    /// the first row that does not fit when a row was changed, removed or moved.
    Verify,
    /// Write events, oldest first, to stdout.
    Export(ExportArgs),
}

#[derive(Args)]
pub struct ExportArgs {
    /// From this moment (inclusive): Unix seconds, a date (2026-12-01) or an
    /// RFC 3339 time (2026-12-01T08:00:00Z). The start of the trail when absent.
    #[arg(long, value_parser = parse_moment)]
    since: Option<i64>,
    /// Until this moment (exclusive), as `--since`. Now when absent.
    #[arg(long, value_parser = parse_moment)]
    until: Option<i64>,
    /// Only events of this deployment or about its members.
    #[arg(long)]
    deployment: Option<String>,
    #[arg(long, value_enum, default_value = "ndjson")]
    format: Format,
}

pub async fn run(services: Services, command: AuditCommand) -> Result<(), Failure> {
    match command {
        AuditCommand::Verify => {
            // What a node would seal within the second goes on the chain first.
            chain::seal_pending(&services.store, &services.audit_chain).await?;
            match chain::verify(&services.store, &services.audit_chain).await? {
                Verdict::Intact { from, to, unsealed } if to >= from => {
                    println!("the audit chain is intact: rows {from} to {to} ({} events)", to - from + 1);
                    if unsealed > 0 {
                        println!("{unsealed} events were written since and are not sealed yet");
                    }
                    Ok(())
                }
                Verdict::Intact { .. } => {
                    println!("the audit chain is intact: it has no events");
                    Ok(())
                }
                Verdict::Broken { seq, row, why } => {
                    let row = row.map(|id| format!(" (event {id})")).unwrap_or_default();
                    Err(Failure::new(3, format!("the audit chain is broken at row {seq}{row}: {why}")))
                }
            }
        }
        AuditCommand::Export(args) => {
            let until = args.until.unwrap_or_else(|| services.clock.now() + 1);
            let range = (args.since.unwrap_or(0), until);
            if range.0 >= range.1 {
                return Err(Failure::new(2, "--since must be before --until"));
            }
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            export::write(&services.store, args.deployment.as_deref(), range, args.format, &mut out)
                .await
                .map_err(|e| Failure::new(1, e.to_string()))?;
            Ok(())
        }
    }
}

/// Unix seconds, `YYYY-MM-DD` (midnight UTC) or RFC 3339.
fn parse_moment(value: &str) -> Result<i64, String> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(seconds) = value.parse::<i64>() {
        return Ok(seconds);
    }
    let stamp = if value.len() == 10 { format!("{value}T00:00:00Z") } else { value.to_string() };
    time::OffsetDateTime::parse(&stamp, &Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|_| format!("{value} is not Unix seconds, a date (2026-12-01) or an RFC 3339 time"))
}

#[cfg(test)]
mod tests {
    use super::parse_moment;

    #[test]
    fn moments_are_seconds_dates_or_rfc3339() {
        assert_eq!(parse_moment("1790000000"), Ok(1_790_000_000));
        assert_eq!(parse_moment("2026-12-01"), Ok(1_796_083_200));
        assert_eq!(parse_moment("2026-12-01T08:00:00Z"), Ok(1_796_112_000));
        assert_eq!(parse_moment("2026-12-01T09:00:00+01:00"), Ok(1_796_112_000));
        assert!(parse_moment("yesterday").is_err());
        assert!(parse_moment("2026-13-01").is_err());
    }
}
