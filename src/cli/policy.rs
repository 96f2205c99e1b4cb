//! `careid policy explain`: what one person must present at one client, and
//! why, as sign-in decides it.

use clap::Subcommand;

use careid::Services;
use careid::login::policy::{self, Ask};
use careid::people::Email;

use super::Failure;

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// What the person must present at the client, one line per reason:
    /// role and deployment admitted or refused, second factor, passkey,
    /// password length, terms.
    Explain {
        /// The person's email address.
        #[arg(long)]
        email: String,
        /// The client's id.
        #[arg(long)]
        client: String,
        /// The `acr_values` of an authorization request (space-separated, as sent).
        #[arg(long, value_name = "VALUES")]
        acr_values: Option<String>,
        /// Print the answer as JSON instead.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(services: Services, command: PolicyCommand) -> Result<(), Failure> {
    let PolicyCommand::Explain { email, client, acr_values, json } = command;
    let email = Email::parse(&email).map_err(|e| Failure::new(1, e))?;
    let store = &services.store;
    let user = store
        .user_by_email(email.as_str())
        .await?
        .ok_or_else(|| Failure::new(1, format!("no account {:?}", email.as_str())))?;
    let client =
        store.client(&client).await?.ok_or_else(|| Failure::new(1, format!("no client {client:?}")))?;
    let acr_values: Vec<String> =
        acr_values.unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    let ask = Ask { user: &user, client: &client, acr_values: &acr_values, essential_acr: None };
    let answer = policy::answer(&services, &ask).await?;
    if json {
        let json = serde_json::to_string_pretty(&answer).map_err(|e| Failure::new(1, e.to_string()))?;
        println!("{json}");
        return Ok(());
    }
    let verdict = if answer.admitted() { "admitted" } else { "refused" };
    println!("{} at {}: {verdict}, at least {}", user.email, client.id, answer.level);
    for reason in &answer.reasons {
        println!("{reason}");
    }
    Ok(())
}
