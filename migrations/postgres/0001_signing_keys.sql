-- Signing keys: private halves sealed with the key-encryption key (AES-256-GCM).
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    sealed_private_key BYTEA NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    activates_at BIGINT NOT NULL,
    retires_at BIGINT
);
CREATE INDEX signing_keys_alg ON signing_keys (alg, activates_at);

-- Small facts about the installation, such as the key-encryption key check.
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
