-- DPoP (RFC 9449): a client may be required to bind its tokens to a key
-- (dpop_bound_access_tokens, §5.2), and a public client's grant (its refresh
-- tokens) is bound to the key its first tokens were bound to (§5).
ALTER TABLE clients ADD COLUMN require_dpop BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE grants ADD COLUMN dpop_jkt TEXT;
