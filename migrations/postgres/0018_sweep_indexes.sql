-- The periodic sweeps read by index, not by scanning whole tables (issue 16:
-- a region of a million people). The reminder sweep looks for unverified
-- addresses not yet reminded: few, so a partial index keeps it small.
CREATE INDEX users_verification_due ON users (verify_by)
    WHERE verify_by IS NOT NULL AND verification_reminded_at IS NULL;
-- Housekeeping drops expired grants and revoked-token entries.
CREATE INDEX grants_expiry ON grants (expires_at);
CREATE INDEX revoked_access_tokens_expiry ON revoked_access_tokens (expires_at);
