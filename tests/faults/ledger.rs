//! What must survive every fault, read straight from the harness's
//! PostgreSQL: the accounts and clients seeded, every refresh family of a
//! completed sign-in with exactly one live token that still works, every
//! number added, invitation made and administrator's change (by its audit
//! row) that was answered with success, and no row of any durable kind lost.

use sqlx::PgPool;

use crate::admin;
use crate::traffic::{self, Outcome, Trip};

pub struct Ledger {
    pool: PgPool,
    accounts: i64,
    clients: i64,
    /// (grant, current refresh token) of every sign-in that completed.
    families: Vec<(String, String)>,
    /// (email, E.164) of every number added and verified.
    phones: Vec<(String, String)>,
    invitations: Vec<String>,
    /// The administrator's changes answered with success, by audit kind.
    changes: Vec<&'static str>,
    administrator: String,
    /// Rows of each durable table at the last check: never fewer afterwards.
    rows: Vec<(&'static str, i64)>,
}

/// Tables whose rows careid never deletes in the course of this traffic.
const KEPT: [&str; 11] = [
    "users",
    "clients",
    "deployments",
    "grants",
    "refresh_tokens",
    "invitations",
    "email_outbox",
    "audit_events",
    "consents",
    "passkeys",
    "recovery_codes",
];

impl Ledger {
    /// `accounts` people with a password, `administrator` the email of the one whose changes count.
    pub async fn open(url: &str, accounts: i64, administrator: &str) -> Ledger {
        let pool = PgPool::connect(url).await.unwrap();
        let clients = count(&pool, "SELECT count(*) FROM clients").await;
        Ledger {
            pool,
            accounts,
            clients,
            families: Vec::new(),
            phones: Vec::new(),
            invitations: Vec::new(),
            changes: Vec::new(),
            administrator: administrator.into(),
            rows: KEPT.iter().map(|t| (*t, 0)).collect(),
        }
    }

    /// Remembers what `trips` made.
    pub fn record(&mut self, trips: &[Trip]) {
        for trip in trips {
            if let Outcome::Completed { grant, refresh_token, .. } = &trip.outcome {
                self.families.push((grant.clone(), refresh_token.clone()));
            }
            self.phones.extend(trip.made.phone.clone());
            self.invitations.extend(trip.made.invitations.iter().cloned());
            self.changes.extend(&trip.made.changes);
        }
    }

    /// Counts what is gone; refreshes every family once more (through `nodes`), so it stays current.
    pub async fn lost(&mut self, nodes: &[String]) -> Vec<String> {
        let mut lost = Vec::new();
        let accounts = count(&self.pool, "SELECT count(*) FROM users WHERE password_hash IS NOT NULL").await;
        if accounts != self.accounts {
            lost.push(format!("accounts with a password: {accounts} of {}", self.accounts));
        }
        let clients = count(&self.pool, "SELECT count(*) FROM clients").await;
        if clients != self.clients {
            lost.push(format!("clients: {clients} of {}", self.clients));
        }
        for (grant, refresh_token) in &mut self.families {
            let live: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id \
                 WHERE t.grant_id = $1 AND t.rotated_at IS NULL AND g.revoked_at IS NULL",
            )
            .bind(&*grant)
            .fetch_one(&self.pool)
            .await
            .unwrap();
            if live != 1 {
                lost.push(format!("grant {grant}: {live} live refresh tokens"));
                continue;
            }
            match traffic::refresh_once(nodes, refresh_token).await {
                Ok(next) => *refresh_token = next,
                Err(why) => lost.push(format!("grant {grant}: its refresh token failed: {why}")),
            }
        }
        for (email, phone) in &self.phones {
            let kept: bool = sqlx::query_scalar(
                "SELECT count(*) = 1 FROM users WHERE email = $1 AND phone_number = $2 AND phone_verified",
            )
            .bind(email)
            .bind(phone)
            .fetch_one(&self.pool)
            .await
            .unwrap();
            if !kept {
                lost.push(format!("the verified number {phone} of {email}"));
            }
        }
        let invitations: i64 = sqlx::query_scalar("SELECT count(*) FROM invitations WHERE id = ANY($1)")
            .bind(&self.invitations)
            .fetch_one(&self.pool)
            .await
            .unwrap();
        if invitations != self.invitations.len() as i64 {
            lost.push(format!("invitations: {invitations} of {}", self.invitations.len()));
        }
        for kind in admin::KINDS {
            let answered = self.changes.iter().filter(|k| **k == kind).count() as i64;
            // At least one row per change answered with success; a change whose
            // answer was cut off by a fault may have been made (and audited) too.
            let audited: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM audit_events a JOIN users u ON u.id = a.actor \
                 WHERE u.email = $1 AND a.kind = $2",
            )
            .bind(&self.administrator)
            .bind(kind)
            .fetch_one(&self.pool)
            .await
            .unwrap();
            if audited < answered {
                lost.push(format!("audit rows {kind}: {audited} of {answered} changes"));
            }
        }
        for (table, before) in &mut self.rows {
            let now = count(&self.pool, &format!("SELECT count(*) FROM {table}")).await;
            if now < *before {
                lost.push(format!("{table}: {now} rows, were {before}"));
            }
            *before = now;
        }
        lost
    }

    /// What the checks covered: refresh families, numbers, invitations, administrator's changes.
    pub fn summary(&self) -> String {
        format!(
            "{} refresh families, {} verified numbers, {} invitations, {} audited admin changes checked",
            self.families.len(),
            self.phones.len(),
            self.invitations.len(),
            self.changes.len()
        )
    }
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(pool).await.unwrap()
}
