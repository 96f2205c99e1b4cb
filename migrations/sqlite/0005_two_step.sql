-- Two-step verification: the person's own choice, and a failure count for SMS
-- codes kept here (not in the ephemeral store) so a restart cannot reset it.
ALTER TABLE users ADD COLUMN two_step_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN sms_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN sms_locked_until BIGINT;

-- The weakest acr a client accepts (NULL: a password is enough).
ALTER TABLE clients ADD COLUMN min_acr TEXT;
