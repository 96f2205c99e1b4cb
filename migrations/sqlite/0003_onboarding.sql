-- Deployment policy (one care programme = one tenant).
ALTER TABLE deployments ADD COLUMN mfa_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE deployments ADD COLUMN passkey_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE deployments ADD COLUMN email_verification_hours BIGINT NOT NULL DEFAULT 24;
ALTER TABLE deployments ADD COLUMN invitation_days BIGINT NOT NULL DEFAULT 7;
ALTER TABLE deployments ADD COLUMN terms_version TEXT;
ALTER TABLE deployments ADD COLUMN terms_url TEXT;
ALTER TABLE deployments ADD COLUMN privacy_url TEXT;
ALTER TABLE deployments ADD COLUMN disclaimer_text TEXT;
ALTER TABLE deployments ADD COLUMN disclaimer_version TEXT;
ALTER TABLE deployments ADD COLUMN app_store_url TEXT;
ALTER TABLE deployments ADD COLUMN play_store_url TEXT;
ALTER TABLE deployments ADD COLUMN app_link TEXT;
ALTER TABLE deployments ADD COLUMN default_locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE deployments ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

-- An account must verify its email before this moment (NULL: verified or exempt).
ALTER TABLE users ADD COLUMN verify_by BIGINT;
ALTER TABLE users ADD COLUMN verification_reminded_at BIGINT;

-- Invitations: the token is stored only as its digest; single use, expiring.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    deployment_id TEXT NOT NULL REFERENCES deployments (id),
    inviter_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    email TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    redeemed_at BIGINT,
    redeemed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    revoked_at BIGINT,
    sent_at BIGINT
);
CREATE INDEX invitations_inviter ON invitations (inviter_id, created_at);
CREATE INDEX invitations_deployment ON invitations (deployment_id, created_at);

-- Single-use links sent by email (verification, password reset), by digest.
CREATE TABLE email_links (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX email_links_user ON email_links (user_id, purpose);

-- Which terms and disclaimer versions each user accepted, and when.
CREATE TABLE acceptances (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    version TEXT NOT NULL,
    accepted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, document, version)
);

-- Outgoing email, kept until sent so nothing is lost when SMTP is down.
CREATE TABLE email_outbox (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (sent_at, next_attempt_at);

-- Browser sessions by user, so a person can see and end them (the session
-- itself lives in the ephemeral store under session_key).
CREATE TABLE user_sessions (
    sid TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    ended_at BIGINT
);
CREATE INDEX user_sessions_user ON user_sessions (user_id, ended_at);
CREATE INDEX user_sessions_key ON user_sessions (session_key);
