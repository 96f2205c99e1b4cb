-- Clients may be required to send every authorization request through /par (RFC 9126 §6).
ALTER TABLE clients ADD COLUMN require_pushed_authorization_requests BOOLEAN NOT NULL DEFAULT FALSE;
