-- Deployments (care programmes): every user belongs to one. Policies arrive with onboarding.
CREATE TABLE deployments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    given_name TEXT,
    family_name TEXT,
    role TEXT NOT NULL,
    deployment_id TEXT NOT NULL REFERENCES deployments (id),
    password_hash TEXT,
    email_verified BOOLEAN NOT NULL,
    phone_number TEXT,
    phone_verified BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    failed_logins BIGINT NOT NULL,
    locked_until BIGINT,
    -- Sessions and grants from before this moment are void (password reset, forced sign-out).
    sessions_valid_after BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Relying parties. List fields are JSON arrays.
CREATE TABLE clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    public_client BOOLEAN NOT NULL,
    secret_hash BLOB,
    auth_method TEXT NOT NULL,
    jwks TEXT,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    grant_types TEXT NOT NULL,
    allowed_scopes TEXT NOT NULL,
    allowed_roles TEXT NOT NULL,
    id_token_alg TEXT NOT NULL,
    first_party BOOLEAN NOT NULL,
    backchannel_logout_uri TEXT,
    access_token_ttl BIGINT NOT NULL,
    id_token_ttl BIGINT NOT NULL,
    refresh_token_ttl BIGINT NOT NULL,
    refresh_grace_secs BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Remembered consent per user and client.
CREATE TABLE consents (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- A grant: what one authorization (code redemption) gave one client; the
-- refresh-token family hangs off it, and every access token names it.
CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sid TEXT,
    scope TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    acr TEXT NOT NULL,
    amr TEXT NOT NULL,
    offline BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_reason TEXT
);
CREATE INDEX grants_sid ON grants (sid);
CREATE INDEX grants_user ON grants (user_id);

-- Refresh tokens, stored as hashes; rotated on every use.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);

-- Access tokens revoked before they expire (JWTs carry their own expiry).
CREATE TABLE revoked_access_tokens (
    jti TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- Back-channel logout tokens waiting to be delivered, retried with backoff.
CREATE TABLE backchannel_deliveries (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    uri TEXT NOT NULL,
    logout_token TEXT NOT NULL,
    sid TEXT,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    delivered_at BIGINT,
    failed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX backchannel_pending ON backchannel_deliveries (delivered_at, failed_at, next_attempt_at);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT,
    subject TEXT,
    client_id TEXT,
    deployment_id TEXT,
    ip TEXT,
    user_agent TEXT,
    detail TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_subject ON audit_events (subject, at);

INSERT INTO deployments (id, name, created_at) VALUES ('default', 'Default', 0);
