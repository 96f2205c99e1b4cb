//! `careid serve`: bind, start, serve until SIGTERM or Ctrl-C.

use careid::config::Config;
use careid::{Options, telemetry};
use tokio::net::TcpListener;

use super::Failure;

pub async fn run(config: Config) -> Result<(), Failure> {
    telemetry::init_logging(config.log_format);
    let listen = config.listen;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| Failure::new(1, format!("cannot listen on {listen}: {e}")))?;
    let careid = careid::build(config, Options::default()).await?;
    let state = careid.state.clone();
    let database = match &state.config.database_url {
        Some(url) => url.redacted(),
        None => state.config.data_dir.join("careid.db").display().to_string(),
    };
    tracing::info!(
        issuer = state.config.issuer_str(),
        listen = %listen,
        durable = state.store.backend_name(),
        ephemeral = state.ephemeral.backend_name(),
        "careid started"
    );
    eprintln!(
        "careid {} serving issuer {} on http://{listen}\n  durable store: {} ({database})\n  ephemeral store: {}\n  discovery: {}",
        env!("CARGO_PKG_VERSION"),
        state.config.issuer_str(),
        state.store.backend_name(),
        state.ephemeral.backend_name(),
        state.config.url("/.well-known/openid-configuration"),
    );
    careid
        .serve(listener, shutdown_signal())
        .await
        .map_err(|e| Failure::new(1, format!("server error: {e}")))?;
    tracing::info!("careid stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
