-- APIs (resource servers, RFC 8707): the audiences access tokens can name,
-- and the scopes each one enforces.
CREATE TABLE apis (
    -- The resource identifier clients send as `resource` and tokens carry as `aud`.
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- NULL: the lifetime of the client's access tokens.
    access_token_ttl BIGINT,
    alg TEXT NOT NULL,
    -- Credentials for /introspect: a keyed hash of a secret, and/or public keys.
    secret_hash BYTEA,
    jwks TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A scope belongs to one API: the primary key keeps names unique across APIs.
CREATE TABLE api_scopes (
    name TEXT PRIMARY KEY,
    api_id TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE INDEX api_scopes_api ON api_scopes (api_id);

-- The API a client's tokens are for when it names none.
ALTER TABLE clients ADD COLUMN default_resource TEXT;

-- The APIs a grant was made for (JSON array); empty: careid itself.
ALTER TABLE grants ADD COLUMN resources TEXT NOT NULL DEFAULT '[]';
