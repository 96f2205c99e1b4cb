//! Straight to the test's database, past careid: what someone with access to
//! the database could do (the audit chain's tests edit and remove rows).

use sqlx::Connection;

use super::TestApp;

impl TestApp {
    /// Runs `sql` on this app's database (SQLite or its PostgreSQL schema);
    /// the rows it changed.
    pub async fn raw_sql(&self, sql: &str) -> u64 {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self.state.config.database_url.as_ref() {
            Some(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.expect("PostgreSQL");
                sqlx::query(sql).execute(&mut conn).await.expect("SQL runs").rows_affected()
            }
            None => {
                let path = self.state.config.data_dir.join("careid.db");
                let url = format!("sqlite:{}", path.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("SQLite");
                sqlx::query(sql).execute(&mut conn).await.expect("SQL runs").rows_affected()
            }
        }
    }
}
