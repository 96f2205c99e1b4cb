-- Passkeys (WebAuthn credentials). `passkey` is webauthn-rs's serialised credential
-- (public key, sign counter, backup flags); `sign_count` mirrors its counter for operators.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- base64url of the credential id; unique across every account (WebAuthn §7.1 step 22).
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    passkey TEXT NOT NULL,
    sign_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);
