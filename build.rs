//! `sqlx::migrate!` embeds the migrations when `src/store` compiles: a new or
//! changed migration must rebuild it (sqlx's own advice).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
