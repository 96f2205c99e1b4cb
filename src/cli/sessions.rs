//! `careid sessions`: the back-channel logout queue, newest first.

use clap::Args;

use careid::Services;
use careid::store::Delivery;

use super::Failure;

#[derive(Args)]
pub struct SessionsArgs {
    /// How many deliveries to show.
    #[arg(long, default_value_t = 50)]
    limit: i64,
}

fn status(d: &Delivery) -> &'static str {
    match (d.delivered_at, d.failed_at) {
        (Some(_), _) => "delivered",
        (None, Some(_)) => "failed",
        (None, None) => "pending",
    }
}

pub async fn run(services: Services, args: SessionsArgs) -> Result<(), Failure> {
    let deliveries = services
        .store
        .recent_deliveries(args.limit.max(1))
        .await
        .map_err(|e| Failure::new(1, e.to_string()))?;
    if deliveries.is_empty() {
        println!("no back-channel logout deliveries");
        return Ok(());
    }
    println!(
        "{:<12} {:<24} {:<10} {:>8} {:<24} LAST ERROR",
        "CREATED", "CLIENT", "STATUS", "ATTEMPTS", "SID"
    );
    for d in &deliveries {
        println!(
            "{:<12} {:<24} {:<10} {:>8} {:<24} {}",
            d.created_at,
            d.client_id,
            status(d),
            d.attempts,
            d.sid.as_deref().unwrap_or("-"),
            d.last_error.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}
