# syntax=docker/dockerfile:1
#
# careid production image.
#   docker build -t careid:local .
#   docker run --rm careid:local --help
#
# Build stage: compiles the release binary against Debian bookworm's glibc so it
# runs unchanged in the bookworm-slim runtime stage.
FROM rust:1-bookworm AS build
WORKDIR /src

# The whole context (minus .dockerignore) is needed: migrations/ and templates/
# may be embedded at compile time, and Cargo.lock is required by --locked.
COPY . .

# Cache mounts keep the crates.io index/downloads and target/ between builds.
# target/ lives in a cache mount, so the binary is copied out in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin careid \
 && install -D -m 0755 target/release/careid /out/careid

# Runtime stage.
FROM debian:bookworm-slim AS runtime

# ca-certificates: outbound TLS (rustls via reqwest, SMTP STARTTLS, upstream IdPs).
# curl: used by the compose healthcheck (GET /readyz).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system careid \
 && useradd --system --gid careid --home-dir /var/lib/careid --no-create-home \
        --shell /usr/sbin/nologin careid \
 && install -d -m 0750 -o careid -g careid /var/lib/careid

COPY --from=build /out/careid /usr/local/bin/careid

ENV CAREID_LISTEN=0.0.0.0:8080 \
    CAREID_DATA_DIR=/var/lib/careid

USER careid:careid
WORKDIR /var/lib/careid
EXPOSE 8080

ENTRYPOINT ["careid"]
CMD ["serve"]
